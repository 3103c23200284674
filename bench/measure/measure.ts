import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runProgram, startLocalStack } from "../../local";
import type { BenchOptions } from "../options";
import { codeArchiveFigures, measureColdInits } from "./cold-start";
import { PRICES_USD } from "./cost";
import { compare, median, replayRate, summarize, summarizeRouted, type Comparison } from "./figures";
import { evaluateFloors } from "./floors";
import { buildBenchCode, type Contender } from "./functions";
import { startCpuMeter, type BenchProcesses } from "./processes";
import { replay, type Measurement, type ReplayContext } from "./replay";
import { warmServers } from "./server-warmup";
import { stackSettings, type StackSettings } from "./stack-settings";
import { recordWorkload, warmupCopies } from "./workload";

/** Everything one run measured: what results.json holds. */
export type BenchResults = Awaited<ReturnType<typeof runBenchmark>>;
/** Where a run reports progress and registers what it starts. */
export type BenchContext = { readonly log: (line: string) => void; readonly processes: BenchProcesses };

const byStatus = (name: string, values: string[], attributes: object) =>
    ({ name, match: { attributeEquals: { attribute: "status", values } }, attributes }) as const;
/**
 * Three routes over the bench's orders, as a team would declare them in a stack file: open and
 * shipped orders by status (an order moving between them leaves a tombstone in its old route), and
 * every order without its free-text note.
 */
export const BENCH_ROUTES = [
    byStatus("open", ["pending", "paid", "packed"], { exclude: ["customer"] }),
    byStatus("shipped", ["shipped", "delivered", "returned"], {
        include: ["status", "total", "shipping", "updatedAt"],
    }),
    { name: "everything", match: "all", attributes: { exclude: ["note"] } },
] as const;

/**
 * Records replayed untimed before a contender is timed (fewer for the one-at-a-time naive handler).
 * At modeled latency the one environment gets `modeledBatches` batches instead: the SDK's request
 * path takes that long to reach its steady CPU time per call.
 */
const WARMUP = { records: 1000, naive: 50, naiveModeled: 20, modeledBatches: 10 } as const;
/** One slice of the servers' warm-up: about a second of the ceiling's work and of the naive handler's. */
const SERVER_WARMUP_SLICE = { concurrent: 3000, sequential: 150 } as const;

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
        const { latency, seed, initRuns, rounds } = options;
        const first = options.stacks[0] ?? "dev";
        log(`Starting DynamoDB Local and s3rver on 127.0.0.1 with the ${first} stack…`);
        // DynamoDB Local with its JVM's full JIT, as it ships: faster once warm (see server-warmup.ts).
        // No IAM gates: the contenders write to targets of their own, which no declared role names,
        // and the measurement is of the servers, not of a proxy in front of them.
        const stack = processes.track(
            await startLocalStack({ stack: first, s3Directory, peakPerformance: true, iam: false }),
        );
        const stacks: StackSettings[] = [];
        for (const name of options.stacks)
            stacks.push(stackSettings(name === first ? stack.run : await runProgram(name)));
        const base = stacks[0] as StackSettings;
        const code = buildBenchCode(path.join(workDirectory, "code"));
        const { keyAttribute } = base;
        const context: ReplayContext = { stack, code, workDirectory, processes, keyAttribute, latency, seed };

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

        const { warmupMinSeconds: minSeconds, warmupMaxSeconds: maxSeconds } = options;
        log(`Warming the servers up until their speed levels off (${minSeconds}–${maxSeconds} s)…`);
        const slices = {
            concurrent: copies(SERVER_WARMUP_SLICE.concurrent, "server-"),
            sequential: copies(SERVER_WARMUP_SLICE.sequential, "server-"),
        };
        const serverWarmup = await warmServers(context, base, slices, { minSeconds, maxSeconds });
        const routed = options.routedComparison
            ? stackSettings(
                  await runProgram(base.stack, { "ddb-changefeed:routes": JSON.stringify(BENCH_ROUTES) }),
              )
            : undefined;
        const comparisons = {
            loopback: {} as Record<string, Comparison>,
            modeled: {} as Record<string, Comparison>,
        };
        let routes;
        for (const mode of ["loopback", "modeled"] as const)
            for (const settings of stacks) {
                const modeled = mode === "modeled";
                const { stack: name, mapping, parallelizationFactor, memoryMb } = settings;
                log(
                    `${name}, ${mode}: batches of ${mapping.batchSize}, parallelization ${parallelizationFactor}:`,
                );
                const naiveRecords = records.slice(
                    0,
                    modeled ? options.naiveModeledChanges : options.naiveChanges,
                );
                const warmup = copies(modeled ? WARMUP.modeledBatches * mapping.batchSize : WARMUP.records);
                const naiveWarmup = copies(modeled ? WARMUP.naiveModeled : WARMUP.naive);
                const run =
                    (contender: Contender, as = settings) =>
                    () =>
                        contender === "naive"
                            ? replay(context, contender, as, naiveRecords, naiveWarmup, modeled)
                            : replay(context, contender, as, records, warmup, modeled);
                const variants: Record<string, () => Promise<Measurement>> = {
                    ceiling: run("ceiling"),
                    handler: run("handler"),
                    naive: run("naive"),
                };
                // The first stack's handler with BENCH_ROUTES, in the same rounds as with its one route (the default).
                const withRoutes = modeled && settings === base ? routed : undefined;
                if (withRoutes) variants["3 routes"] = run("handler", withRoutes);
                const measured = await alternate(rounds, variants, memoryMb, log);
                const runs = (label: string) => measured[label] ?? [];
                const summary = (contender: Contender) => summarize(runs(contender), settings);
                const contenders = {
                    handler: summary("handler"),
                    naive: summary("naive"),
                    ceiling: summary("ceiling"),
                };
                comparisons[mode][name] = compare(settings, contenders);
                if (withRoutes)
                    routes = {
                        stack: name,
                        routes: BENCH_ROUTES,
                        oneRoute: summarizeRouted(runs("handler"), memoryMb),
                        threeRoutes: summarizeRouted(runs("3 routes"), withRoutes.memoryMb),
                    };
            }
        await processes.stopAll();
        // The first stack at loopback: where earlier runs put their top-level figures.
        const top = comparisons.loopback[first] as Comparison;
        const writesPer1000 = ({ handler }: Comparison) =>
            handler.apiCallsPer1000ByOperation["DynamoDB.PutItem"] ?? NaN;
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
                // Every process of ours has been reaped, so the meter can tell our CPU time from others'.
                ...(meter?.stop() ?? { otherCpuShare: null, stealShare: null }),
            },
            settings: {
                stacks: options.stacks,
                stack: first,
                batchSize: base.mapping.batchSize,
                memoryMb: base.memoryMb,
                writeConcurrency: base.handler.writeConcurrency,
                ...pick(options, "changes", "naiveChanges", "naiveModeledChanges", "rounds"),
                // The variations below are the loopback replays: all the changes, every round.
                variationChanges: records.length,
                variationRounds: options.rounds,
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
                writesPer1000: writesPer1000(top),
                recordSeconds,
            },
            latencyModel: { seed, operations: latency },
            serverWarmup,
            ...pick(top, "handler", "naive", "ceiling", "speedup", "ceilingFraction"),
            ...comparisons,
            // The handler against the ceiling at each stack's batch size, at loopback.
            variations: stacks.map(({ stack, mapping: { batchSize } }) => {
                const comparison = comparisons.loopback[stack] as Comparison;
                const { handler, ceiling, ceilingFraction } = comparison;
                const changes = handler.records;
                const writes = writesPer1000(comparison);
                return {
                    stack,
                    skew: "hot",
                    batchSize,
                    changes,
                    writesPer1000: writes,
                    handler,
                    ceiling,
                    ceilingFraction,
                };
            }),
            ...(routes ? { routes } : {}),
            codeZipBytes: archive.zipBytes,
            codeArchive: { entries: archive.entries },
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
async function alternate(
    rounds: number,
    variants: Readonly<Record<string, () => Promise<Measurement>>>,
    memoryMb: number,
    log: (line: string) => void,
): Promise<Record<string, Measurement[]>> {
    const measured: Record<string, Measurement[]> = {};
    for (let round = 0; round < rounds; round++)
        for (const [label, run] of Object.entries(variants)) {
            const result = await run();
            (measured[label] ??= []).push(result);
            const { records, elapsedMs, problems } = result;
            const rate = Math.round(replayRate(result, memoryMb));
            const found = problems.length > 0 ? ` — PROBLEMS: ${problems.slice(0, 3).join("; ")}` : "";
            log(
                `  ${label.padEnd(8)} ${String(records).padStart(6)} changes in ${(elapsedMs / 1000).toFixed(1)} s: ${rate} records/s${found}`,
            );
        }
    return measured;
}

function pick<T, K extends keyof T>(source: T, ...keys: K[]): Pick<T, K> {
    return Object.fromEntries(keys.map((key) => [key, source[key]])) as Pick<T, K>;
}
