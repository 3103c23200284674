import * as path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_OPTIONS, QUICK_OPTIONS, type BenchOptions } from "../bench/options";
import { DEFAULT_LATENCY, MODELED_OPERATIONS, type Distribution } from "../bench/measure/latency";
import { PROJECT_ROOT } from "../stack-access/project";
import { UsageError, type ParsedFlags } from "./runner/run-command";

type Read = (text: string, flag: string) => unknown;
const number =
    (min: number, max: number, whole = true): Read =>
    (text, flag) =>
        inRange(text, flag, min, max, whole);
const file: Read = (text) => path.resolve(text);
const list: Read = (text) => text.split(",").map((name) => name.trim());

/** Flags that take a value: the option they set, how they read it, and their help. */
const FLAGS: Readonly<Record<string, readonly [keyof BenchOptions, Read, string]>> = {
    stacks: ["stacks", list, "stacks from stacks/, comma-separated"],
    changes: ["changes", number(100, 1e6), "changes replayed to the handler and the ceiling"],
    "naive-changes": ["naiveChanges", number(1, 1e6), "of those, the naive handler's at loopback"],
    "naive-modeled-changes": ["naiveModeledChanges", number(1, 1e6), "and at modeled latency"],
    rounds: ["rounds", number(1, 10), "rounds per stack and mode, contenders alternating"],
    keys: ["keys", number(2, 1e7), "key space"],
    zipf: ["zipfExponent", number(0, 5, false), "Zipf exponent of key popularity"],
    seed: ["seed", number(0, 2 ** 32 - 1), "seed of the workload and the latency draws"],
    "warmup-min-seconds": ["warmupMinSeconds", number(0, 3600), "the servers' warm-up lasts at least this"],
    "warmup-max-seconds": ["warmupMaxSeconds", number(0, 3600), "and at most this"],
    "init-runs": ["initRuns", number(3, 50), "fresh processes per function for the cold-init medians"],
    results: ["resultsFile", file, "results file"],
    docs: ["docsDirectory", file, "where benchmarks.md goes"],
    "from-results": ["fromResults", file, "measure nothing: render the figures from a results file"],
};

/** Per modeled operation, its distribution's flag: `--put-item-ms` for PutItem. */
const LATENCY_FLAGS = Object.fromEntries(
    MODELED_OPERATIONS.map((op) => [`${op.replace(/\B[A-Z]/g, "-$&").toLowerCase()}-ms`, op]),
);

/** Flags without a value, and their help. */
const SWITCHES = {
    quick: `a smaller run: ${Object.entries(QUICK_OPTIONS)
        .join(", ")
        .replace(/,(?=\d)/g, " ")} (explicit flags win)`,
    "no-docs": "do not write benchmarks.md",
    "no-routes": "skip the first stack's replay with three routes beside its one route",
};

// A list shows comma-separated, as String() joins it.
const shown = (value: unknown) =>
    typeof value === "string" ? path.relative(PROJECT_ROOT, value) : String(value);

export const USAGE = [
    "Usage: npm run bench [-- options]",
    "",
    "Records a stream of changes on DynamoDB Local and replays it, for each stack, at modeled cloud latency and at",
    "loopback, to the packaged handler, a naive handler and the servers' ceiling; prints the figures and writes",
    "bench/results.json and docs/benchmarks.md (see it for the method).",
    "",
    ...Object.entries(FLAGS).map(
        ([flag, [key, , help]]) => `  --${flag} <value>  ${help} (default ${shown(DEFAULT_OPTIONS[key])})`,
    ),
    ...Object.entries(LATENCY_FLAGS).map(
        ([flag, op]) =>
            `  --${flag} <median,p99>  modeled ${op} latency in ms (default ${Object.values(DEFAULT_LATENCY[op])})`,
    ),
    ...Object.entries(SWITCHES).map(([flag, help]) => `  --${flag}  ${help}`),
    "  --help  this text",
].join("\n");

/** The bench's flags, in node:util parseArgs form: every valued flag read as text, then checked. */
export const BENCH_FLAGS: Readonly<Record<string, { readonly type: "string" | "boolean" }>> =
    Object.fromEntries([
        ...[...Object.keys(FLAGS), ...Object.keys(LATENCY_FLAGS)].map((flag) => [flag, { type: "string" }]),
        ...Object.keys(SWITCHES).map((flag) => [flag, { type: "boolean" }]),
    ]);

/** The bench's options from its parsed flags, defaults applied; a value out of range throws a {@link UsageError} naming the flag. */
export function benchOptions(values: ParsedFlags<typeof BENCH_FLAGS>): BenchOptions {
    const set: Record<string, unknown> = {};
    const latency: Record<string, Distribution> = {};
    for (const [flag, text] of Object.entries(values)) {
        const operation = LATENCY_FLAGS[flag];
        if (typeof text !== "string") continue;
        if (operation) latency[operation] = distribution(text, flag);
        else if (FLAGS[flag]) set[FLAGS[flag][0]] = FLAGS[flag][1](text, flag);
    }
    if (values["no-docs"]) set.docsDirectory = undefined;
    if (values["no-routes"]) set.routedComparison = false;
    const options = { ...DEFAULT_OPTIONS, ...(values.quick ? QUICK_OPTIONS : {}), ...set } as BenchOptions;
    if (options.warmupMaxSeconds < options.warmupMinSeconds)
        throw new UsageError(
            `--warmup-max-seconds takes at least --warmup-min-seconds (${options.warmupMinSeconds}); got ${options.warmupMaxSeconds}.`,
        );
    return {
        ...options,
        latency: { ...options.latency, ...latency },
        naiveChanges: Math.min(options.naiveChanges, options.changes),
        naiveModeledChanges: Math.min(options.naiveModeledChanges, options.changes),
    };
}

/** Parses a command line as `npm run bench` does; an unknown flag throws the parser's own error naming it. */
export function parse(argv: readonly string[]): BenchOptions {
    return benchOptions(parseArgs({ args: [...argv], options: BENCH_FLAGS, strict: true }).values);
}

function inRange(text: string, flag: string, min: number, max: number, whole: boolean): number {
    const value = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || (whole && !Number.isInteger(value)) || value < min || value > max)
        throw new UsageError(
            `--${flag} takes ${whole ? "a whole number" : "a number"} from ${min} to ${max}; got ${JSON.stringify(text)}.`,
        );
    return value;
}

function distribution(text: string, flag: string): Distribution {
    const [medianMs = NaN, p99Ms = NaN] = text.split(",").map(Number);
    if (!(medianMs >= 0 && p99Ms >= medianMs && p99Ms <= 60_000) || (medianMs === 0) !== (p99Ms === 0))
        throw new UsageError(
            `--${flag} takes median,p99 in ms with 0 < median ≤ p99 ≤ 60000, or 0,0 for none; got ${JSON.stringify(text)}.`,
        );
    return { medianMs, p99Ms };
}
