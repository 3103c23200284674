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
import { recordWorkload, warmupCopies } from "./workload";
import { replay, type Measurement, type ReplayContext } from "./replay";
import { warmServers } from "./server-warmup";
import { stackSettings, type StackSettings } from "./stack-settings";

/** Everything one run measured: what results.json holds. */
export type BenchResults = Awaited<ReturnType<typeof runBenchmark>>;
type ByStack = Record<string, Comparison>;
/** Where a run reports progress and registers what it starts. */
export type BenchContext = { readonly log: (line: string) => void; readonly processes: BenchProcesses };

/**
 * Three routes over the bench's orders, as a team would declare them in a stack file: open and
 * shipped orders by status (an order moves between them as its status changes, so its old route
 * gets a tombstone), and every order without its free-text note.
 */
export const BENCH_ROUTES = [
    {
        name: "open",
        match: { attributeEquals: { attribute: "status", values: ["pending", "paid", "packed"] } },
        attributes: { exclude: ["customer"] },
    },
    {
        name: "shipped",
        match: { attributeEquals: { attribute: "status", values: ["shipped", "delivered", "returned"] } },
        attributes: { include: ["status", "total", "shipping", "updatedAt"] },
    },
    { name: "everything", match: "all", attributes: { exclude: ["note"] } },
] as const;

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
        const { latency, seed } = options;
        const context: ReplayContext = { stack, code, workDirectory, processes, keyAttribute, latency, seed };

        const { initRuns } = options;
        log(
            `Cold init: the packaged function and one that only loads its SDK clients, ${initRuns} processes each…`,
        );
        const inits = await measureColdInits(stack, code, base, processes, initRuns);
        const archive = await codeArchiveFigures(stack);
        log(`Recording ${options.changes} changes through ${stack.names.sourceTable}'s stream…`);
        const recordStarted = performance.now();
        const { workload, records } = await recordWorkload(stack, { ...options, keyAttribute });
        const recordSeconds = (performance.now() - recordStarted) / 1000;
        const copies = (count: number, prefix = "warmup-") =>
            warmupCopies(records.slice(0, count), keyAttribute, prefix);
        // At modeled latency an environment is warmed up with WARMUP.modeledBatches batches.
        const warmBatches = (settings: StackSettings) =>
            copies(WARMUP.modeledBatches * settings.mapping.batchSize);

        const { warmupMinSeconds: minSeconds, warmupMaxSeconds: maxSeconds } = options;
        log(`Warming the servers up until their speed levels off (${minSeconds}–${maxSeconds} s)…`);
        const slices = {
            concurrent: copies(WARMUP_SLICE.concurrent, "server-"),
            sequential: copies(WARMUP_SLICE.sequential, "server-"),
        };
        const serverWarmup = await warmServers(context, base, slices, { minSeconds, maxSeconds });
        const comparisons = { loopback: {} as ByStack, modeled: {} as ByStack };
        for (const mode of ["loopback", "modeled"] as const) {
            const modeled = mode === "modeled";
            const naiveRecords = records.slice(
                0,
                modeled ? options.naiveModeledChanges : options.naiveChanges,
            );
            const naiveWarmup = copies(modeled ? WARMUP.naiveModeled : WARMUP.naive);
            for (const settings of stacks) {
                const { batchSize } = settings.mapping;
                log(
                    `${settings.stack}, ${mode}: batches of ${batchSize}, parallelization ${settings.parallelizationFactor}:`,
                );
                const warmup = modeled ? warmBatches(settings) : copies(WARMUP.records);
                const run = (contender: Contender) => () =>
                    contender === "naive"
                        ? replay(context, contender, settings, naiveRecords, naiveWarmup, modeled)
                        : replay(context, contender, settings, records, warmup, modeled);
                const variants = { ceiling: run("ceiling"), handler: run("handler"), naive: run("naive") };
                const rounds = await alternate(options.rounds, variants, settings.memoryMb, log);
                const { handler, naive, ceiling } = rounds;
                const summary = (runs: Measurement[]) => summarize(runs, settings);
                const summaries = {
                    handler: summary(handler),
                    naive: summary(naive),
                    ceiling: summary(ceiling),
                };
                comparisons[mode][settings.stack] = compare(settings, summaries);
            }
        }
        let routes;
        if (options.routedComparison) {
            // The first stack's handler at modeled latency, with its one route (the default) and with BENCH_ROUTES.
            const config = { "ddb-changefeed:routes": JSON.stringify(BENCH_ROUTES) };
            const routed = stackSettings(await runProgram(base.stack, config));
            const warmup = warmBatches(base);
            const n = BENCH_ROUTES.length;
            log(`${base.stack}, modeled: one route (the default) and ${n} routes, alternating:`);
            const measured = await alternate(
                options.rounds,
                {
                    "1 route": () => replay(context, "handler", base, records, warmup, true),
                    [`${n} routes`]: () => replay(context, "handler", routed, records, warmup, true),
                },
                base.memoryMb,
                log,
            );
            routes = {
                stack: base.stack,
                routes: BENCH_ROUTES,
                oneRoute: summarizeRouted(measured["1 route"] ?? [], base.memoryMb),
                threeRoutes: summarizeRouted(measured[`${n} routes`] ?? [], routed.memoryMb),
            };
        }
        await processes.stopAll();
        const top = comparisons.loopback[first] as Comparison;
        const args = process.argv.slice(2);
        const figures = {
            generatedAt: new Date().toISOString(),
            durationSeconds: (performance.now() - started) / 1000,
            command: ["npm run bench", ...(args.length > 0 ? ["--", ...args] : [])].join(" "),
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
            latencyModel: { seed, operations: latency },
            serverWarmup,
            // The first stack at loopback, where earlier runs put their figures.
            ...pick(top, "handler", "naive", "ceiling", "speedup", "ceilingFraction"),
            ...comparisons,
            // The handler against the ceiling at each stack's batch size, at loopback.
            variations: stacks.map(({ stack, mapping }) => {
                const { handler, ceiling, ceilingFraction } = comparisons.loopback[stack] as Comparison;
                const writesPer1000 = handler.apiCallsPer1000ByOperation["DynamoDB.PutItem"] ?? NaN;
                const { batchSize } = mapping;
                return {
                    stack,
                    skew: "hot",
                    batchSize,
                    changes: handler.records,
                    writesPer1000,
                    handler,
                    ceiling,
                    ceilingFraction,
                };
            }),
            ...(routes ? { routes } : {}),
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

/** Replays of each variant in `rounds` alternating rounds, each logged under its label as it ends. */
async function alternate<K extends string>(
    rounds: number,
    variants: Readonly<Record<K, () => Promise<Measurement>>>,
    memoryMb: number,
    log: (line: string) => void,
): Promise<Record<K, Measurement[]>> {
    const measured = {} as Record<K, Measurement[]>;
    for (let round = 0; round < rounds; round++)
        for (const [label, run] of Object.entries(variants) as [K, () => Promise<Measurement>][]) {
            const result = await run();
            (measured[label] ??= []).push(result);
            const problems =
                result.problems.length > 0 ? ` — PROBLEMS: ${result.problems.slice(0, 3).join("; ")}` : "";
            const seconds = (result.elapsedMs / 1000).toFixed(1);
            const rate = Math.round(replayRate(result, memoryMb));
            log(
                `  ${label.padEnd(8)} ${String(result.records).padStart(6)} changes in ${seconds} s: ${rate} records/s${problems}`,
            );
        }
    return measured;
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

function pick<T, K extends keyof T>(source: T, ...keys: K[]): Pick<T, K> {
    return Object.fromEntries(keys.map((key) => [key, source[key]])) as Pick<T, K>;
}
