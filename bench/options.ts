import * as path from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../local/program";
import { UsageError, type ParsedFlags } from "../ops/command-line";
import { SKEWS, type Skew } from "./workload";

export type ServerJit = "c1" | "full";

/** Everything a bench run can vary. */
export type BenchOptions = {
    readonly stack: string;
    /** Changes recorded and replayed for the side-by-side comparison. */
    readonly changes: number;
    /** Of those, how many the naive baseline replays per round (it is ~10× slower; see docs/benchmarks.md). */
    readonly naiveChanges: number;
    /** Rounds of the side-by-side comparison; each contender's fastest round is reported. */
    readonly rounds: number;
    /** Changes per variation (batch size × skew). */
    readonly variationChanges: number;
    /** Rounds per variation (ceiling and handler alternating; the fastest of each is reported). */
    readonly variationRounds: number;
    /** Batch size of the side-by-side comparison (default: the stack's mapping batch size). */
    readonly batchSize: number | undefined;
    readonly variationBatchSizes: readonly number[];
    readonly variationSkews: readonly Skew[];
    /** Key space the changes are drawn from, and the Zipf exponent of the hot-key skew. */
    readonly keys: number;
    readonly zipfExponent: number;
    readonly seed: number;
    /**
     * DynamoDB Local's JIT: `full` (the JVM's default, as the server ships) is measured after a
     * warm-up that waits for its speed to level off; `c1` (the local stack's, for a fast start)
     * reaches its lower speed within seconds.
     */
    readonly serverJit: ServerJit;
    /** Bounds of the servers' warm-up, which ends once their speed levels off (see server-warmup.ts). */
    readonly warmupMinSeconds: number;
    readonly warmupMaxSeconds: number;
    /** Fresh processes timed for the cold init median. */
    readonly initRuns: number;
    readonly resultsFile: string;
    /** Where benchmarks.md and benchmarks.svg go; undefined to skip them. */
    readonly docsDirectory: string | undefined;
    /** Measure nothing: print and render the docs from this results file (after editing the writers). */
    readonly fromResults: string | undefined;
};

export const DEFAULT_OPTIONS: BenchOptions = {
    stack: "dev",
    changes: 20_000,
    naiveChanges: 2_000,
    rounds: 3,
    variationChanges: 4_000,
    variationRounds: 2,
    batchSize: undefined,
    variationBatchSizes: [10, 100, 1000],
    variationSkews: SKEWS,
    keys: 5_000,
    zipfExponent: 1.1,
    seed: 20261127,
    serverJit: "full",
    warmupMinSeconds: 20,
    warmupMaxSeconds: 90,
    initRuns: 7,
    resultsFile: path.join(PROJECT_ROOT, "bench", "results.json"),
    docsDirectory: path.join(PROJECT_ROOT, "docs"),
    fromResults: undefined,
};

/** `--quick`: the same shape, small enough for a minute. */
const QUICK: Partial<BenchOptions> = {
    changes: 3_000,
    naiveChanges: 500,
    rounds: 1,
    variationChanges: 1_000,
    variationRounds: 1,
    warmupMinSeconds: 5,
    warmupMaxSeconds: 20,
    initRuns: 5,
};

export const USAGE = `Usage: npm run bench [-- options]

Records a stream of changes on DynamoDB Local and replays it, in one run, to the packaged
handler, a naive baseline and the servers' ceiling; prints a table and writes bench/results.json,
docs/benchmarks.md and docs/benchmarks.svg. See docs/benchmarks.md for the method.

  --changes <n>            changes for the side-by-side comparison (default ${DEFAULT_OPTIONS.changes})
  --naive-changes <n>      of those, how many the naive baseline replays per round (default ${DEFAULT_OPTIONS.naiveChanges})
  --rounds <n>             rounds of the comparison, contenders alternating; the fastest is reported (default ${DEFAULT_OPTIONS.rounds})
  --variation-changes <n>  changes per batch-size × skew variation (default ${DEFAULT_OPTIONS.variationChanges})
  --variation-rounds <n>   rounds per variation (default ${DEFAULT_OPTIONS.variationRounds})
  --batch-size <n>         batch size of the comparison (default: the stack's mapping, 100 in dev)
  --batch-sizes <list>     variation batch sizes (default ${DEFAULT_OPTIONS.variationBatchSizes.join(",")})
  --skews <list>           variation skews: hot, uniform (default ${DEFAULT_OPTIONS.variationSkews.join(",")})
  --keys <n>               key space (default ${DEFAULT_OPTIONS.keys})
  --zipf <s>               Zipf exponent of the hot-key skew (default ${DEFAULT_OPTIONS.zipfExponent})
  --seed <n>               workload seed (default ${DEFAULT_OPTIONS.seed})
  --server-jit <full|c1>   DynamoDB Local's JIT; see docs/benchmarks.md (default ${DEFAULT_OPTIONS.serverJit})
  --warmup-min-seconds <n> the servers' warm-up runs at least this long (default ${DEFAULT_OPTIONS.warmupMinSeconds})
  --warmup-max-seconds <n> and stops here if their speed has not levelled off (default ${DEFAULT_OPTIONS.warmupMaxSeconds})
  --init-runs <n>          fresh processes for the cold init median, at least 5 (default ${DEFAULT_OPTIONS.initRuns})
  --quick                  a smaller run: ${Object.entries(QUICK)
      .map(([name, value]) => `${name} ${String(value)}`)
      .join(", ")} (explicit flags win)
  --stack <name>           stack config from stacks/ (default ${DEFAULT_OPTIONS.stack})
  --results <file>         results file (default bench/results.json)
  --docs <dir>             where benchmarks.md and benchmarks.svg go (default docs/)
  --no-docs                do not write benchmarks.md and benchmarks.svg
  --from-results <file>    measure nothing: print the tables and write the docs from a results file
  --help                   this text`;

/** The parsed command line: options, or a request for the usage text. */
/** The bench's flags, in node:util parseArgs form. */
export const BENCH_FLAGS = {
    changes: { type: "string" },
    "naive-changes": { type: "string" },
    rounds: { type: "string" },
    "variation-changes": { type: "string" },
    "variation-rounds": { type: "string" },
    "batch-size": { type: "string" },
    "batch-sizes": { type: "string" },
    skews: { type: "string" },
    keys: { type: "string" },
    zipf: { type: "string" },
    seed: { type: "string" },
    "server-jit": { type: "string" },
    "warmup-min-seconds": { type: "string" },
    "warmup-max-seconds": { type: "string" },
    "init-runs": { type: "string" },
    quick: { type: "boolean", default: false },
    stack: { type: "string" },
    results: { type: "string" },
    docs: { type: "string" },
    "no-docs": { type: "boolean", default: false },
    "from-results": { type: "string" },
} as const;

export type ParsedArgs = { readonly help: true } | { readonly help: false; readonly options: BenchOptions };

/**
 * Parses the command line.
 *
 * @throws {Error} naming the flag when a value is not a positive integer, a known skew, etc.
 */
export function parseBenchArgs(args: readonly string[]): ParsedArgs {
    const { values } = parseArgs({
        args: [...args],
        strict: true,
        options: { ...BENCH_FLAGS, help: { type: "boolean", default: false } },
    });
    if (values.help) return { help: true };
    return { help: false, options: benchOptions(values) };
}

/**
 * The bench's options from its parsed flags, defaults applied.
 *
 * @throws {UsageError} naming the flag when a value is not a positive integer, a known skew, etc.
 */
export function benchOptions(values: ParsedFlags<typeof BENCH_FLAGS>): BenchOptions {
    const base = { ...DEFAULT_OPTIONS, ...(values.quick ? QUICK : {}) };
    const integer = (flag: string, text: string | undefined, fallback: number, minimum = 1): number => {
        if (text === undefined) return fallback;
        if (!/^\d+$/.test(text) || Number(text) < minimum) {
            throw new UsageError(
                `--${flag} must be a whole number of at least ${minimum}; got ${JSON.stringify(text)}`,
            );
        }
        return Number(text);
    };
    const changes = integer("changes", values.changes, base.changes);
    const warmupMinSeconds = integer(
        "warmup-min-seconds",
        values["warmup-min-seconds"],
        base.warmupMinSeconds,
        0,
    );
    const warmupMaxSeconds = integer(
        "warmup-max-seconds",
        values["warmup-max-seconds"],
        base.warmupMaxSeconds,
        0,
    );
    if (warmupMaxSeconds < warmupMinSeconds) {
        throw new UsageError(
            `--warmup-max-seconds (${warmupMaxSeconds}) must be at least --warmup-min-seconds (${warmupMinSeconds})`,
        );
    }
    const options: BenchOptions = {
        stack: values.stack ?? base.stack,
        changes,
        naiveChanges: Math.min(changes, integer("naive-changes", values["naive-changes"], base.naiveChanges)),
        rounds: integer("rounds", values.rounds, base.rounds),
        variationChanges: integer("variation-changes", values["variation-changes"], base.variationChanges),
        variationRounds: integer("variation-rounds", values["variation-rounds"], base.variationRounds),
        batchSize:
            values["batch-size"] === undefined
                ? base.batchSize
                : integer("batch-size", values["batch-size"], 0),
        variationBatchSizes:
            values["batch-sizes"] === undefined
                ? base.variationBatchSizes
                : values["batch-sizes"].split(",").map((text) => integer("batch-sizes", text.trim(), 0)),
        variationSkews: values.skews === undefined ? base.variationSkews : parseSkews(values.skews),
        keys: integer("keys", values.keys, base.keys, 2),
        zipfExponent: values.zipf === undefined ? base.zipfExponent : parseExponent(values.zipf),
        seed: integer("seed", values.seed, base.seed, 0),
        serverJit: parseServerJit(values["server-jit"] ?? base.serverJit),
        warmupMinSeconds,
        warmupMaxSeconds,
        initRuns: integer("init-runs", values["init-runs"], base.initRuns, 5),
        resultsFile: path.resolve(values.results ?? base.resultsFile),
        fromResults: values["from-results"] === undefined ? undefined : path.resolve(values["from-results"]),
        docsDirectory: values["no-docs"]
            ? undefined
            : path.resolve(values.docs ?? (base.docsDirectory as string)),
    };
    return options;
}

function parseSkews(text: string): Skew[] {
    const skews = text.split(",").map((skew) => skew.trim());
    const unknown = skews.filter((skew) => !(SKEWS as readonly string[]).includes(skew));
    if (unknown.length > 0 || skews.length === 0) {
        throw new UsageError(`--skews takes ${SKEWS.join(", ")}; got ${JSON.stringify(text)}`);
    }
    return skews as Skew[];
}

function parseServerJit(text: string): ServerJit {
    if (text !== "c1" && text !== "full")
        throw new UsageError(`--server-jit takes full or c1; got ${JSON.stringify(text)}`);
    return text;
}

function parseExponent(text: string): number {
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0)
        throw new UsageError(`--zipf must be a number ≥ 0; got ${JSON.stringify(text)}`);
    return value;
}
