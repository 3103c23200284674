import * as path from "node:path";
import type { DynamoDBRecord } from "aws-lambda";
import type { TtlExpirationMode } from "../handler/contract";
import type { MappingSettings } from "../local/mapping/delivery";
import type { LocalStack } from "../local/stack";
import { cutBatches, distinctKeysPerBatch, warmupCopies } from "./batches";
import { measureCeiling, type CeilingSetup } from "./ceiling";
import { integer } from "./format";
import type { BenchFunctionCode } from "./function-code";
import { countedFunction, type CountedFunction, type Target } from "./functions";
import type { Measurement } from "./measurement";
import type { BenchProcesses } from "./processes";
import { measureFunction } from "./run-function";
import { warmUntilSteady, type ServerWarmup, type WarmupPlan } from "./server-warmup";
import { checkMinimumWork, checkNaiveWork, summarize, type ContenderSummary } from "./summary";
import { createBucket, createTableLike, deleteTable } from "./tables";

/** What a run reports progress to and registers its processes with. */
export type BenchContext = {
    readonly log: (line: string) => void;
    readonly processes: BenchProcesses;
};

/** The deployed function's settings that shape the work. */
export type FunctionSettings = {
    readonly memoryMb: number;
    readonly writeConcurrency: number;
    readonly archivePrefix: string;
    readonly tombstoneTtlSeconds: number;
    readonly ttlExpirations: TtlExpirationMode;
    readonly mapping: MappingSettings;
};

/** Everything the contenders share within one run. */
export type Bench = {
    readonly stack: LocalStack;
    readonly code: BenchFunctionCode;
    readonly settings: FunctionSettings;
    readonly ceiling: CeilingSetup;
    readonly keyAttribute: string;
    readonly workDirectory: string;
    readonly context: BenchContext;
    nextTarget: number;
    recordSeconds: number;
};

/** Records replayed to warm a contender up: at most this many, as copies under other keys. */
const WARMUP_RECORDS = 1000;
const NAIVE_WARMUP_RECORDS = 50;

/** A fresh, empty projection table and archive bucket for one contender. */
async function freshTarget(bench: Bench, contender: string): Promise<Target> {
    const id = bench.nextTarget++;
    const target = {
        table: `${bench.stack.names.projectionTable}-bench-${id}-${contender}`,
        bucket: `${bench.stack.names.archiveBucket}-bench-${id}-${contender}`,
    };
    await createTableLike(bench.stack.clients.dynamodb, bench.stack.names.projectionTable, target.table);
    await createBucket(bench.stack.clients.s3, target.bucket);
    return target;
}

function warmup(bench: Bench, records: readonly DynamoDBRecord[], count: number): DynamoDBRecord[] {
    return warmupCopies(records.slice(0, count), bench.keyAttribute, "warmup-");
}

/**
 * Warms the servers up until their speed levels off (see `server-warmup.ts`), on copies of the
 * records under other keys: the ceiling's work on the first records, and the naive handler's
 * one-call-at-a-time work on fewer of them.
 */
export async function warmServers(
    bench: Bench,
    records: readonly DynamoDBRecord[],
    batchSize: number,
    plan: WarmupPlan,
): Promise<ServerWarmup> {
    const copies = (count: number, prefix: string) =>
        warmupCopies(records.slice(0, count), bench.keyAttribute, prefix);
    bench.context.log(
        `Warming the servers up until their speed levels off (${plan.minSeconds}–${plan.maxSeconds} s), ` +
            `slices of ${integer(plan.concurrentRecords)} records concurrently and ${integer(plan.sequentialRecords)} one at a time…`,
    );
    return warmUntilSteady(
        {
            ceiling: bench.ceiling,
            freshTarget: () => freshTarget(bench, "warmup"),
            dropTarget: (target) => deleteTable(bench.stack.clients.dynamodb, target.table),
            log: bench.context.log,
        },
        {
            concurrent: copies(plan.concurrentRecords, "server-warmup-"),
            sequential: copies(plan.sequentialRecords, "server-warmup-sequential-"),
        },
        batchSize,
        plan,
    );
}

export async function runCeiling(
    bench: Bench,
    records: readonly DynamoDBRecord[],
    batchSize: number,
    distinct: readonly number[],
): Promise<ContenderSummary> {
    const target = await freshTarget(bench, "ceiling");
    const measurement = await measureCeiling(
        bench.ceiling,
        target,
        records,
        warmup(bench, records, Math.max(WARMUP_RECORDS, batchSize)),
        batchSize,
    );
    await deleteTable(bench.stack.clients.dynamodb, target.table);
    return report(
        bench,
        "ceiling",
        withProblems(measurement, checkMinimumWork(measurement, distinct)),
        distinct,
    );
}

export async function runHandler(
    bench: Bench,
    records: readonly DynamoDBRecord[],
    batchSize: number,
    distinct: readonly number[],
): Promise<ContenderSummary> {
    const measurement = await runFunction(
        bench,
        "handler",
        records,
        batchSize,
        Math.max(WARMUP_RECORDS, batchSize),
        (target, file) => countedFunction("handler", bench.stack, bench.code, target, file, () => undefined),
    );
    return report(
        bench,
        "handler",
        withProblems(measurement, checkMinimumWork(measurement, distinct)),
        distinct,
    );
}

export async function runNaive(
    bench: Bench,
    records: readonly DynamoDBRecord[],
    batchSize: number,
): Promise<ContenderSummary> {
    const measurement = await runFunction(
        bench,
        "naive",
        records,
        batchSize,
        NAIVE_WARMUP_RECORDS,
        (target, file) => countedFunction("naive", bench.stack, bench.code, target, file, () => undefined),
    );
    const distinct = distinctKeysPerBatch(cutBatches(records, batchSize), bench.settings.ttlExpirations);
    return report(bench, "naive", withProblems(measurement, checkNaiveWork(measurement)), distinct);
}

async function runFunction(
    bench: Bench,
    contender: string,
    records: readonly DynamoDBRecord[],
    batchSize: number,
    warmupCount: number,
    create: (target: Target, callsFile: string) => CountedFunction,
): Promise<Measurement> {
    const target = await freshTarget(bench, contender);
    const counted = create(target, path.join(bench.workDirectory, `${target.table}.calls.ndjson`));
    bench.context.processes.track(counted.fn);
    try {
        return await measureFunction(counted, records, warmup(bench, records, warmupCount), {
            ...bench.settings.mapping,
            batchSize,
        });
    } finally {
        await bench.context.processes.release(counted.fn);
        await deleteTable(bench.stack.clients.dynamodb, target.table);
    }
}

function withProblems(measurement: Measurement, problems: readonly string[]): Measurement {
    return { ...measurement, problems: [...measurement.problems, ...problems] };
}

function report(
    bench: Bench,
    contender: string,
    measurement: Measurement,
    distinct: readonly number[],
): ContenderSummary {
    const summary = summarize(measurement, distinct, bench.settings.memoryMb);
    bench.context.log(
        `  ${contender.padEnd(8)} ${measurement.records.toLocaleString("en-US").padStart(6)} changes in ${summary.elapsedSeconds.toFixed(1)} s: ` +
            `${Math.round(summary.recordsPerSecond).toLocaleString("en-US")} records/s` +
            (summary.problems.length > 0 ? ` — PROBLEMS: ${summary.problems.join("; ")}` : ""),
    );
    return summary;
}
