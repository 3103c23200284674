import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createChangeFeedClients } from "../handler/clients";
import { readSettings } from "../handler/settings";
import { dynamoDBClientConfig } from "../local/servers/dynamodb-local";
import { localMappingConfig } from "../local/mapping/settings";
import { declaredFunctionEnvironment } from "../local/program";
import { s3ClientConfig } from "../local/servers/s3rver";
import { startLocalStack, type LocalStack } from "../local/stack";
import { addCallCounter, CallCounter } from "./api-calls";
import { cutBatches, distinctKeysPerBatch } from "./batches";
import {
    runCeiling,
    runHandler,
    runNaive,
    warmServers,
    type Bench,
    type BenchContext,
    type FunctionSettings,
} from "./contenders";
import { PRICES_USD } from "./cost";
import { startCpuMeter } from "./cpu-meter";
import { integer } from "./format";
import { buildBenchFunctionCode } from "./function-code";
import { measureColdInits, median } from "./init-time";
import { makeScratchDirectory } from "./scratch-directory";
import type { BenchOptions } from "./options";
import { recordWorkloads, type Recording } from "./recording";
import { evaluateFloors, type BenchResults, type VariationResult } from "./bench-results";
import type { ContenderSummary } from "./summary";
import { stringPartitionKey } from "./tables";
import type { Skew, WorkloadSpec } from "./workload";

export type { BenchContext } from "./contenders";

/** One slice of the servers' warm-up: ~1 s of the ceiling's work, ~1 s of the naive handler's. */
const WARMUP_SLICE = { concurrentRecords: 3000, sequentialRecords: 200 } as const;

/**
 * Runs the whole benchmark in one process run: starts DynamoDB Local and s3rver with the program
 * deployed, records the workloads from the real stream, measures the ceiling, the packaged
 * handler and the naive baseline side by side, then each batch size × skew variation, and the
 * function's cold init. Every process it starts is stopped before it returns or throws.
 */
export async function runBenchmark(options: BenchOptions, context: BenchContext): Promise<BenchResults> {
    const meter = startCpuMeter();
    // measure() has stopped every process it started, so their CPU time is in our children's.
    const results = await measure(options, context);
    const interference = meter?.stop();
    if (interference && interference.otherCpuShare > 0.1) {
        context.log(
            `Warning: other processes used ${Math.round(interference.otherCpuShare * 100)}% of the CPU during the run; ` +
                "the figures are lower and noisier than on a quiet machine.",
        );
    }
    return {
        ...results,
        machine: {
            ...results.machine,
            otherCpuShare: interference?.otherCpuShare ?? null,
            stealShare: interference?.stealShare ?? null,
        },
    };
}

async function measure(options: BenchOptions, context: BenchContext): Promise<BenchResults> {
    const started = performance.now();
    const loadAverageAtStart = os.loadavg()[0] ?? 0;
    const { log, processes } = context;
    if (loadAverageAtStart > 1) {
        log(
            `Warning: load average ${loadAverageAtStart.toFixed(1)}: something else is using the CPUs; figures will be lower and noisier.`,
        );
    }
    log(
        `Starting DynamoDB Local (${options.serverJit === "full" ? "full" : "C1-only"} JIT) and s3rver on 127.0.0.1 ` +
            `with the ${options.stack} stack deployed…`,
    );
    const s3Directory = makeScratchDirectory("changefeed-bench-s3-");
    processes.addCleanup(() => fs.rmSync(s3Directory.path, { recursive: true, force: true }));
    if (!s3Directory.inMemory) {
        log(
            `Warning: no tmpfs at /dev/shm, so s3rver keeps its objects on disk (${s3Directory.path}); ` +
                "the naive handler's rate then follows the disk's latency.",
        );
    }
    const stack = await startLocalStack({
        stack: options.stack,
        s3Directory: s3Directory.path,
        ...(options.serverJit === "full" ? { peakPerformance: true } : {}),
    });
    processes.setStack(stack);
    const workDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "changefeed-bench-"));
    processes.addCleanup(() => fs.rmSync(workDirectory, { recursive: true, force: true }));
    // The handler's own client options: the ceiling is the servers' limit, not a slower client's.
    const ceilingClients = createChangeFeedClients({
        dynamodb: dynamoDBClientConfig(stack.dynamodbServer.endpoint),
        s3: s3ClientConfig(stack.s3Server.endpoint),
    });
    try {
        const settings = functionSettings(stack, options.batchSize);
        const counter = new CallCounter();
        addCallCounter(ceilingClients.dynamodb, counter);
        addCallCounter(ceilingClients.s3, counter);
        const bench: Bench = {
            stack,
            code: buildBenchFunctionCode(workDirectory),
            settings,
            ceiling: { ...ceilingClients, counter, ...settings },
            keyAttribute: (await stringPartitionKey(stack.clients.dynamodb, stack.names.sourceTable)).name,
            workDirectory,
            context,
            nextTarget: 1,
            recordSeconds: 0,
        };

        // First, while nothing else runs: cold init in fresh processes.
        log(`Timing the packaged function's cold init in ${options.initRuns} fresh processes…`);
        const initMsRuns = await measureColdInits(stack, processes, options.initRuns);

        const [hot, uniform] = await record(bench, options);
        const batchSize = settings.mapping.batchSize;
        const distinct = distinctKeysPerBatch(cutBatches(hot.records, batchSize), settings.ttlExpirations);
        const naiveRecords = hot.records.slice(0, options.naiveChanges);

        const serverWarmup = await warmServers(bench, hot.records, batchSize, {
            minSeconds: options.warmupMinSeconds,
            maxSeconds: options.warmupMaxSeconds,
            ...WARMUP_SLICE,
        });

        // Rounds alternate the contenders, so a slow spell on the machine hits them alike.
        log(`Side by side, batches of ${batchSize}, ${options.rounds} round(s):`);
        const rounds: Record<"ceiling" | "handler" | "naive", ContenderSummary[]> = {
            ceiling: [],
            handler: [],
            naive: [],
        };
        for (let round = 0; round < options.rounds; round++) {
            rounds.ceiling.push(await runCeiling(bench, hot.records, batchSize, distinct));
            rounds.handler.push(await runHandler(bench, hot.records, batchSize, distinct));
            rounds.naive.push(await runNaive(bench, naiveRecords, batchSize));
        }
        const ceiling = bestRound(rounds.ceiling);
        const handler = bestRound(rounds.handler);
        const naive = bestRound(rounds.naive);

        const variations = await runVariations(bench, options, { hot, uniform });
        const deployed = stack.deployment.functions.find((fn) => fn.resource.name === "changefeed-handler");
        const partial = {
            handler,
            naive,
            ceiling,
            speedup: handler.recordsPerSecond / naive.recordsPerSecond,
            ceilingFraction: handler.recordsPerSecond / ceiling.recordsPerSecond,
            codeZipBytes: deployed?.zipBytes ?? NaN,
            initMsMedian: median(initMsRuns),
            initMsRuns,
            variations,
        };
        const cpus = os.cpus();
        return {
            generatedAt: new Date().toISOString(),
            durationSeconds: (performance.now() - started) / 1000,
            machine: {
                cpus: cpus.length,
                cpuModel: cpus[0]?.model.trim() ?? "unknown",
                node: process.version,
                platform: `${os.platform()} ${os.arch()}`,
                loadAverageAtStart,
                otherCpuShare: null,
                stealShare: null,
            },
            settings: {
                stack: options.stack,
                batchSize,
                memoryMb: settings.memoryMb,
                writeConcurrency: settings.writeConcurrency,
                changes: options.changes,
                naiveChanges: naiveRecords.length,
                rounds: options.rounds,
                variationChanges: options.variationChanges,
                variationRounds: options.variationRounds,
                serverJit: options.serverJit,
                warmupMinSeconds: options.warmupMinSeconds,
                warmupMaxSeconds: options.warmupMaxSeconds,
                s3InMemory: s3Directory.inMemory,
                initRuns: options.initRuns,
            },
            workload: {
                changes: hot.records.length,
                keys: options.keys,
                skew: "hot",
                zipfExponent: options.zipfExponent,
                seed: options.seed,
                distinctKeys: hot.workload.distinctKeys,
                ...hot.workload.mix,
                maxItemBytes: hot.workload.maxItemBytes,
                writesPer1000: (sum(distinct) * 1000) / hot.records.length,
                recordSeconds: bench.recordSeconds,
            },
            serverWarmup,
            ...partial,
            floors: evaluateFloors(partial),
            prices: PRICES_USD,
        };
    } finally {
        ceilingClients.dynamodb.destroy();
        ceilingClients.s3.destroy();
        await processes.stopAll();
    }
}

function functionSettings(stack: LocalStack, batchSize: number | undefined): FunctionSettings {
    const deployed = stack.deployment.functions.find((fn) => fn.resource.name === "changefeed-handler");
    const mapping = stack.deployment.eventSourceMappings[0];
    if (!deployed || !mapping)
        throw new Error("The program declared no function or no event source mapping.");
    const inputs = deployed.resource.inputs as { memorySize: number };
    const settings = readSettings(declaredFunctionEnvironment(stack.run));
    const mappingSettings = localMappingConfig(mapping).settings;
    return {
        memoryMb: inputs.memorySize,
        writeConcurrency: settings.writeConcurrency,
        archivePrefix: settings.archivePrefix,
        tombstoneTtlSeconds: settings.tombstoneTtlSeconds,
        ttlExpirations: settings.ttlExpirations,
        mapping: { ...mappingSettings, batchSize: batchSize ?? mappingSettings.batchSize },
    };
}

/** Records the comparison's workload (hot keys) and, for the variations, a uniform one. */
async function record(bench: Bench, options: BenchOptions): Promise<[Recording, Recording | undefined]> {
    const spec = (skew: Skew, changes: number, keyPrefix: string): WorkloadSpec => ({
        changes,
        keys: options.keys,
        skew,
        zipfExponent: options.zipfExponent,
        seed: options.seed + (skew === "hot" ? 0 : 1),
        keyAttribute: bench.keyAttribute,
        keyPrefix,
    });
    const specs = [spec("hot", Math.max(options.changes, options.variationChanges), "order-")];
    if (options.variationSkews.includes("uniform"))
        specs.push(spec("uniform", options.variationChanges, "account-"));
    const total = specs.reduce((sum, one) => sum + one.changes, 0);
    bench.context.log(
        `Recording ${integer(total)} changes (${specs.map((one) => `${integer(one.changes)} ${one.skew}`).join(", ")}) ` +
            `through ${bench.stack.names.sourceTable}'s stream…`,
    );
    const started = performance.now();
    const [hot, uniform] = await recordWorkloads(
        bench.stack.clients,
        { name: bench.stack.names.sourceTable, streamArn: bench.stack.sourceStreamArn },
        specs,
        bench.stack.region,
    );
    bench.recordSeconds = (performance.now() - started) / 1000;
    bench.context.log(`  written and read back in ${bench.recordSeconds.toFixed(1)} s`);
    if (!hot) throw new Error("No hot-key recording.");
    return [{ ...hot, records: hot.records.slice(0, options.changes) }, uniform];
}

async function runVariations(
    bench: Bench,
    options: BenchOptions,
    recordings: { readonly hot: Recording; readonly uniform: Recording | undefined },
): Promise<VariationResult[]> {
    const results: VariationResult[] = [];
    for (const skew of options.variationSkews) {
        const recording = recordings[skew];
        if (!recording) throw new Error(`No ${skew}-key recording.`);
        const records = recording.records.slice(0, options.variationChanges);
        const keys = new Set(records.map((record) => JSON.stringify(record.dynamodb?.Keys)));
        for (const batchSize of options.variationBatchSizes) {
            bench.context.log(`Variation: ${skew} keys, batches of ${batchSize}:`);
            const distinct = distinctKeysPerBatch(
                cutBatches(records, batchSize),
                bench.settings.ttlExpirations,
            );
            const rounds: Record<"ceiling" | "handler", ContenderSummary[]> = { ceiling: [], handler: [] };
            for (let round = 0; round < options.variationRounds; round++) {
                rounds.ceiling.push(await runCeiling(bench, records, batchSize, distinct));
                rounds.handler.push(await runHandler(bench, records, batchSize, distinct));
            }
            const ceiling = bestRound(rounds.ceiling);
            const handler = bestRound(rounds.handler);
            results.push({
                skew,
                batchSize,
                changes: records.length,
                distinctKeys: keys.size,
                writesPer1000: (sum(distinct) * 1000) / records.length,
                handler,
                ceiling,
                ceilingFraction: handler.recordsPerSecond / ceiling.recordsPerSecond,
            });
        }
    }
    return results;
}

/** The fastest round, with every round's rate alongside. */
function bestRound(rounds: readonly ContenderSummary[]): ContenderSummary {
    const best = rounds.reduce((fastest, round) =>
        round.recordsPerSecond > fastest.recordsPerSecond ? round : fastest,
    );
    return { ...best, roundsRecordsPerSecond: rounds.map((round) => round.recordsPerSecond) };
}

function sum(values: readonly number[]): number {
    return values.reduce((total, value) => total + value, 0);
}
