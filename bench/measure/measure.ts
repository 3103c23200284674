import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findResource, runProgram, type ProgramRun } from "../../local/program";
import { startLocalStack } from "../../local/stack";
import type { BenchOptions } from "../options";
import { codeArchiveFigures, measureColdInits } from "./cold-start";
import { PRICES_USD } from "./cost";
import { startCpuMeter } from "./cpu-meter";
import { compare, median, replayRate, summarize, summarizeRouted, type Comparison } from "./figures";
import { evaluateFloors } from "./floors";
import { buildBenchCode, type Contender } from "./functions";
import type { BenchProcesses } from "./processes";
import { recordWorkload, warmupCopies } from "./recording";
import { replay, type Measurement, type ReplayContext } from "./replay";
import { BENCH_ROUTES } from "./routes";
import { warmServers } from "./server-warmup";
import { stackSettings, type StackSettings } from "./stack-settings";

/** Everything one run measured: what results.json holds. */
export type BenchResults = Awaited<ReturnType<typeof runBenchmark>>;
/** Where a run reports progress and registers what it starts. */
export type BenchContext = { readonly log: (line: string) => void; readonly processes: BenchProcesses };

const CONTENDERS: readonly Contender[] = ["ceiling", "handler", "naive"];
/**
 * Copies replayed to warm a contender up before it is timed (fewer for the one-at-a-time naive
 * handler). At modeled latency the one environment gets `modeledBatches` batches: the SDK's request
 * path takes that long to reach its steady CPU time per call.
 */
const WARMUP = { records: 1000, naive: 50, naiveModeled: 20, modeledBatches: 10 } as const;
/** One slice of the servers' warm-up: about a second of the ceiling's work and of the naive handler's. */
const WARMUP_SLICE = { concurrent: 3000, sequential: 150 } as const;

/**
 * Runs the whole benchmark: starts DynamoDB Local and s3rver with the first stack deployed, times
 * cold init, records the workload from the real stream, warms the servers up, then for each stack
 * replays it at loopback and at modeled latency to the ceiling, the packaged handler and the naive
 * handler, in alternating rounds. Every process it starts is stopped before it returns or throws.
 */
export async function runBenchmark(options: BenchOptions, { log, processes }: BenchContext) {
    const meter = startCpuMeter();
    const started = performance.now();
    const loadAverageAtStart = os.loadavg()[0] ?? 0;
    if (loadAverageAtStart > 1)
        log(`Warning: load average ${loadAverageAtStart.toFixed(1)}: other work is running.`);
    // s3rver keeps its objects in memory where there is a tmpfs, as DynamoDB Local does.
    const s3InMemory = fs.existsSync("/dev/shm") && fs.statfsSync("/dev/shm").type === 0x01021994;
    const s3Directory = fs.mkdtempSync(
        path.join(s3InMemory ? "/dev/shm" : os.tmpdir(), "changefeed-bench-s3-"),
    );
    const workDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "changefeed-bench-"));
    processes.addCleanup(() =>
        [s3Directory, workDirectory].forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })),
    );
    try {
        const first = options.stacks[0] ?? "dev";
        log(`Starting DynamoDB Local and s3rver on 127.0.0.1 with the ${first} stack…`);
        // DynamoDB Local with its JVM's full JIT, as it ships: faster once warm (see server-warmup.ts).
        const stack = processes.track(
            await startLocalStack({ stack: first, s3Directory, peakPerformance: true }),
        );
        const stacks: StackSettings[] = [];
        for (const name of options.stacks)
            stacks.push(stackSettings(name === first ? stack.run : await runProgram(name)));
        const base = stacks[0] as StackSettings;
        const code = buildBenchCode(path.join(workDirectory, "code"));
        const keyAttribute = partitionKey(stack.run);
        const context: ReplayContext = {
            stack,
            code,
            workDirectory,
            processes,
            keyAttribute,
            latency: options.latency,
            seed: options.seed,
        };

        log(
            `Cold init: the packaged function and one that only loads its SDK clients, ${options.initRuns} processes each…`,
        );
        const inits = await measureColdInits(stack, code, base, processes, options.initRuns);
        const archive = await codeArchiveFigures(stack);
        log(`Recording ${options.changes} changes through ${stack.names.sourceTable}'s stream…`);
        const recordStarted = performance.now();
        const { workload, records } = await recordWorkload(stack, { ...options, keyAttribute });
        const recordSeconds = (performance.now() - recordStarted) / 1000;
        const copies = (count: number, prefix: string) =>
            warmupCopies(records.slice(0, count), keyAttribute, prefix);

        log(
            `Warming the servers up until their speed levels off (${options.warmupMinSeconds}–${options.warmupMaxSeconds} s)…`,
        );
        const serverWarmup = await warmServers(
            context,
            base,
            {
                concurrent: copies(WARMUP_SLICE.concurrent, "server-"),
                sequential: copies(WARMUP_SLICE.sequential, "server-"),
            },
            { minSeconds: options.warmupMinSeconds, maxSeconds: options.warmupMaxSeconds },
        );
        const comparisons = {
            loopback: {} as Record<string, Comparison>,
            modeled: {} as Record<string, Comparison>,
        };
        for (const mode of ["loopback", "modeled"] as const) {
            const modeled = mode === "modeled";
            for (const settings of stacks) {
                log(
                    `${settings.stack}, ${mode}: batches of ${settings.mapping.batchSize}, parallelization ${settings.parallelizationFactor}:`,
                );
                const naive = records.slice(0, modeled ? options.naiveModeledChanges : options.naiveChanges);
                const rounds: Record<Contender, Measurement[]> = { ceiling: [], handler: [], naive: [] };
                for (let round = 0; round < options.rounds; round++) {
                    for (const contender of CONTENDERS) {
                        const warm =
                            contender === "naive"
                                ? modeled
                                    ? WARMUP.naiveModeled
                                    : WARMUP.naive
                                : modeled
                                  ? warmBatches(settings)
                                  : WARMUP.records;
                        const input = contender === "naive" ? naive : records;
                        const measured = await replay(
                            context,
                            contender,
                            settings,
                            input,
                            copies(warm, "warmup-"),
                            modeled,
                        );
                        rounds[contender].push(measured);
                        log(describe(contender, measured, settings.memoryMb));
                    }
                }
                comparisons[mode][settings.stack] = compare(settings, {
                    handler: summarize(rounds.handler, settings),
                    naive: summarize(rounds.naive, settings),
                    ceiling: summarize(rounds.ceiling, settings),
                });
            }
        }
        const routed = options.routedComparison
            ? await measureRoutes(
                  context,
                  base,
                  records,
                  copies(warmBatches(base), "warmup-"),
                  options.rounds,
                  log,
              )
            : undefined;
        await processes.stopAll();
        const top = comparisons.loopback[first] as Comparison;
        const figures = {
            generatedAt: new Date().toISOString(),
            durationSeconds: (performance.now() - started) / 1000,
            command: [
                "npm run bench",
                ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : []),
            ].join(" "),
            machine: {
                cpus: os.cpus().length,
                cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
                node: process.version,
                platform: `${os.platform()} ${os.arch()}`,
                loadAverageAtStart,
                // CPU other processes took during the run (every process of ours has been reaped).
                ...(meter?.stop() ?? { otherCpuShare: null, stealShare: null }),
            },
            settings: {
                stacks: options.stacks,
                // The first stack's, as at the top level below.
                stack: first,
                batchSize: base.mapping.batchSize,
                memoryMb: base.memoryMb,
                writeConcurrency: base.handler.writeConcurrency,
                ...pick(options, "changes", "naiveChanges", "naiveModeledChanges", "rounds"),
                serverJit: "full",
                ...pick(options, "warmupMinSeconds", "warmupMaxSeconds", "initRuns"),
                s3InMemory,
            },
            workload: {
                changes: records.length,
                ...pick(options, "keys", "zipfExponent", "seed"),
                skew: "hot",
                distinctKeys: workload.distinctKeys,
                ...workload.mix,
                maxItemBytes: workload.maxItemBytes,
                writesPer1000: top.handler.apiCallsPer1000ByOperation["DynamoDB.PutItem"] ?? NaN,
                recordSeconds,
            },
            latencyModel: { seed: options.seed, operations: options.latency },
            serverWarmup,
            // The first stack at loopback, where earlier runs put their figures.
            ...pick(top, "handler", "naive", "ceiling", "speedup", "ceilingFraction"),
            ...comparisons,
            // The handler against the ceiling at each stack's batch size, at loopback.
            variations: stacks.map(({ stack, mapping }) => {
                const { handler, ceiling, ceilingFraction } = comparisons.loopback[stack] as Comparison;
                const writesPer1000 = handler.apiCallsPer1000ByOperation["DynamoDB.PutItem"] ?? NaN;
                return {
                    stack,
                    skew: "hot",
                    batchSize: mapping.batchSize,
                    changes: handler.records,
                    writesPer1000,
                    handler,
                    ceiling,
                    ceilingFraction,
                };
            }),
            ...(routed ? { routes: routed } : {}),
            codeZipBytes: archive.zipBytes,
            codeArchive: { entries: archive.entries, neverLoadedBytes: archive.neverLoadedBytes },
            initMsMedian: median(inits.packaged),
            initMsRuns: inits.packaged,
            sdkOnlyInitMsMedian: median(inits.sdkOnly),
            sdkOnlyInitMsRuns: inits.sdkOnly,
            initRatio: median(inits.packaged) / median(inits.sdkOnly),
            prices: PRICES_USD,
        };
        return { ...figures, floors: evaluateFloors(figures) };
    } finally {
        await processes.stopAll();
    }
}

/**
 * The handler on the first stack at modeled latency with its one route (the default) and with
 * {@link BENCH_ROUTES}, in alternating rounds on the same records.
 */
async function measureRoutes(
    context: ReplayContext,
    base: StackSettings,
    records: Parameters<typeof replay>[3],
    warmup: Parameters<typeof replay>[4],
    rounds: number,
    log: (line: string) => void,
) {
    const routed = stackSettings(
        await runProgram(base.stack, { "ddb-changefeed:routes": JSON.stringify(BENCH_ROUTES) }),
    );
    log(`${base.stack}, modeled: one route (the default) and ${BENCH_ROUTES.length} routes, alternating:`);
    const measured = { oneRoute: [] as Measurement[], threeRoutes: [] as Measurement[] };
    for (let round = 0; round < rounds; round++) {
        for (const [variant, settings] of [
            ["oneRoute", base],
            ["threeRoutes", routed],
        ] as const) {
            const run = await replay(context, "handler", settings, records, warmup, true);
            measured[variant].push(run);
            log(
                describe(
                    variant === "oneRoute" ? "1 route" : `${BENCH_ROUTES.length} routes`,
                    run,
                    settings.memoryMb,
                ),
            );
        }
    }
    return {
        stack: base.stack,
        routes: BENCH_ROUTES,
        oneRoute: summarizeRouted(measured.oneRoute, base.memoryMb),
        threeRoutes: summarizeRouted(measured.threeRoutes, routed.memoryMb),
    };
}

/** Records that warm an environment up at modeled latency: {@link WARMUP}'s batches at the stack's size. */
function warmBatches(settings: StackSettings): number {
    return WARMUP.modeledBatches * settings.mapping.batchSize;
}

/** The source table's partition key, which the workload writes (a string key). */
function partitionKey(run: ProgramRun): string {
    const table = findResource(run, "aws:dynamodb/table:Table", "changefeed-source").inputs as {
        hashKey: string;
        rangeKey?: string;
        attributes: { name: string; type: string }[];
    };
    const type = table.attributes.find((attribute) => attribute.name === table.hashKey)?.type;
    if (type !== "S" || table.rangeKey)
        throw new Error(
            `The bench writes string partition keys only; the source's key is ${table.hashKey} (${type}).`,
        );
    return table.hashKey;
}

/** One replay's line of progress, under `label` (a contender, or a variant of one). */
function describe(label: string, measured: Measurement, memoryMb: number): string {
    const rate = Math.round(replayRate(measured, memoryMb));
    const problems =
        measured.problems.length > 0 ? ` — PROBLEMS: ${measured.problems.slice(0, 3).join("; ")}` : "";
    return `  ${label.padEnd(8)} ${String(measured.records).padStart(6)} changes in ${(measured.elapsedMs / 1000).toFixed(1)} s: ${rate} records/s${problems}`;
}

function pick<T, K extends keyof T>(source: T, ...keys: K[]): Pick<T, K> {
    return Object.fromEntries(keys.map((key) => [key, source[key]])) as Pick<T, K>;
}
