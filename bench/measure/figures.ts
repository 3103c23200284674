import { guardedPuts } from "./ceiling-work";
import { billedMs, costPerMillionChanges } from "./cost";
import type { CallTally } from "./function-preload";
import type { BatchRun, Measurement } from "./replay";
import type { StackSettings } from "./stack-settings";
import { itemSizeBytes, type Item } from "./workload";

/** Writes per second one DynamoDB partition accepts, and so one stream shard carries. */
export const PARTITION_WRITES_PER_SECOND = 1000;

/** One contender's figures for one stack and latency mode. */
export type ContenderSummary = ReturnType<typeof summarize>;
/** The three contenders on one stack in one latency mode. */
export type Comparison = ReturnType<typeof compare>;

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const mean = (values: readonly number[]) => sum(values) / Math.max(1, values.length);

/** The figures of a replay's fastest round that every summary has, with what the others are built from. */
function fastest(rounds: readonly Measurement[], memoryMb: number) {
    const rate = (round: Measurement) => replayRate(round, memoryMb);
    const best = rounds.reduce((fastest, round) => (rate(round) > rate(fastest) ? round : fastest));
    const calls: CallTally = {};
    for (const [operation, count] of best.batches.flatMap((batch) => Object.entries(batch.calls))) {
        const total = (calls[operation] ??= { calls: 0, attempts: 0, errors: 0, bodyBytes: 0 });
        for (const key of ["calls", "attempts", "errors", "bodyBytes"] as const) total[key] += count[key];
    }
    const perBatch = best.batches.map((batch) => sum(Object.values(batch.calls).map((count) => count.calls)));
    const per1000 = (count: number) => (count * 1000) / best.records;
    const durations = best.batches.map((batch) => batch.durationMs).sort((a, b) => a - b);
    const operations = Object.keys(calls).sort();
    const figures = {
        records: best.records,
        recordsPerSecond: rate(best),
        roundsRecordsPerSecond: rounds.map(rate),
        apiCallsPer1000: per1000(sum(perBatch)),
        apiCallsPer1000ByOperation: Object.fromEntries(
            operations.map((op) => [op, per1000(calls[op]?.calls ?? 0)]),
        ),
        p50BatchMs: percentile(durations, 0.5),
        p99BatchMs: percentile(durations, 0.99),
    };
    return { best, calls, per1000, perBatch, figures };
}

/**
 * A contender's figures from its fastest round, with every round's rate, and its counted calls
 * checked against what the records require: for the handler and the ceiling exactly one PutItem per
 * distinct key per batch plus one PutObject, for the naive handler one write and one PutObject per
 * record; no failed call, no retry.
 */
export function summarize(rounds: readonly Measurement[], settings: StackSettings) {
    const { best, calls, per1000, perBatch, figures } = fastest(rounds, settings.memoryMb);
    const { memoryMb, handler: handlerSettings } = settings;
    // The handler's guarded item per distinct key of each batch: what it and the ceiling write.
    const puts = best.batches.map((batch) => guardedPuts(batch.records, handlerSettings));
    const distinct = puts.map((batchPuts) => batchPuts.length);
    const billed = sum(best.batches.map((batch) => billedMs(batch.durationMs, batch.cpuMs, memoryMb)));
    // One unit per started KB of each item written: the guarded items, or the naive handler's every
    // new image (a delete's one unit: every item here is under 1 KB).
    const units = (item: Item | undefined) => Math.max(1, Math.ceil(itemSizeBytes(item ?? {}) / 1024));
    const items = (batch: BatchRun, at: number) =>
        best.contender === "naive"
            ? batch.records.map((record) => record.dynamodb?.NewImage as Item | undefined)
            : (puts[at] ?? []).map((put) => put.Item);
    const writeUnits = sum(best.batches.map((batch, at) => sum(items(batch, at).map(units))));
    const { calls: putObjects = 0, bodyBytes: archiveBytes = 0 } = calls["S3.PutObject"] ?? {};
    const usage = { invocations: perBatch.length, billedMs: billed, writeUnits, putObjects };
    const cost = costPerMillionChanges(best.records, memoryMb, usage);
    return {
        ...figures,
        batches: best.batches.length,
        elapsedSeconds: best.elapsedMs / 1000,
        apiCallsPerBatch: {
            mean: mean(perBatch),
            max: Math.max(0, ...perBatch),
            maxOverDistinctKeysPlusOne: Math.max(
                ...perBatch.map((count, at) => count - ((distinct[at] ?? 0) + 1)),
            ),
        },
        retries: sum(Object.values(calls).map((count) => count.attempts - count.calls)),
        archiveObjects: putObjects,
        archiveBytes,
        archiveBytesPerChange: archiveBytes / best.records,
        meanInvocationMs: mean(best.batches.map((batch) => batch.durationMs)),
        cpuMsPerBatch: mean(best.batches.map((batch) => batch.cpuMs)),
        billedMsPer1000: per1000(billed),
        writeUnitsPer1000: per1000(writeUnits),
        costPerMillionUsd: cost.total,
        costBreakdownPerMillionUsd: cost,
        problems: [...new Set([...best.problems, ...checkCalls(best, calls, perBatch, distinct)])],
    };
}

/** The handler's figures with routes: a route set writes up to once per key per route, so the one-route checks do not apply. */
export function summarizeRouted(rounds: readonly Measurement[], memoryMb: number) {
    const { best, figures } = fastest(rounds, memoryMb);
    return { ...figures, problems: [...new Set(best.problems)] };
}

/** A replay's records/s: at modeled latency as Lambda would schedule it, at loopback as it ran here. */
export function replayRate(measurement: Measurement, memoryMb: number): number {
    return measurement.modeled
        ? scheduledRate(measurement, memoryMb)
        : measurement.records / (measurement.elapsedMs / 1000);
}

/**
 * Records/s as Lambda would run a replay's batches: each concurrent stream in an execution
 * environment of its own, side by side, each batch after its poll and invoke and lasting as billed
 * at `memoryMb` (its wall time, or its CPU time at the memory's vCPU share when that is longer).
 * The shard takes as long as its slowest stream.
 */
export function scheduledRate(measurement: Measurement, memoryMb: number): number {
    const streamMs = new Map<number, number>();
    for (const { stream, waitedMs, durationMs, cpuMs } of measurement.batches)
        streamMs.set(stream, (streamMs.get(stream) ?? 0) + waitedMs + billedMs(durationMs, cpuMs, memoryMb));
    return measurement.records / (Math.max(...streamMs.values()) / 1000);
}

/** The three contenders side by side, with the handler's ratios to the partition, naive and ceiling. */
export function compare(
    settings: StackSettings,
    { handler, naive, ceiling }: Readonly<Record<"handler" | "naive" | "ceiling", ContenderSummary>>,
) {
    return {
        settings: {
            batchSize: settings.mapping.batchSize,
            batchingWindowSeconds: settings.batchingWindowSeconds,
            parallelizationFactor: settings.parallelizationFactor,
            writeConcurrency: settings.handler.writeConcurrency,
            memoryMb: settings.memoryMb,
        },
        handler,
        naive,
        ceiling,
        headroom: handler.recordsPerSecond / PARTITION_WRITES_PER_SECOND,
        speedup: handler.recordsPerSecond / naive.recordsPerSecond,
        ceilingFraction: handler.recordsPerSecond / ceiling.recordsPerSecond,
        billedMsPer1000: handler.billedMsPer1000,
        costPerMillionUsd: handler.costPerMillionUsd,
    };
}

function checkCalls(
    best: Measurement,
    calls: CallTally,
    perBatch: readonly number[],
    distinct: readonly number[],
) {
    const problems = Object.entries(calls).flatMap(([operation, { errors, attempts, calls }]) => [
        ...(errors > 0 ? [`${errors} ${operation} calls failed`] : []),
        ...(attempts !== calls ? [`${attempts - calls} ${operation} retries`] : []),
    ]);
    const count = (operation: string) => calls[operation]?.calls ?? 0;
    if (best.contender === "naive") {
        const writes = count("DynamoDB.PutItem") + count("DynamoDB.DeleteItem");
        if (writes !== best.records || count("S3.PutObject") !== best.records)
            problems.push(
                `${writes} writes and ${count("S3.PutObject")} PutObjects for ${best.records} records`,
            );
        return problems;
    }
    const operations = Object.keys(calls).sort().join(", ");
    if (operations !== "DynamoDB.PutItem, S3.PutObject")
        problems.push(`expected PutItem and PutObject calls only, saw ${operations}`);
    const off = perBatch.filter((calls, at) => calls !== (distinct[at] ?? -1) + 1).length;
    if (off > 0) problems.push(`${off} batches made other than distinct keys + 1 calls`);
    return problems;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], fraction: number): number {
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? NaN;
}

export const median = (values: readonly number[]) =>
    percentile(
        [...values].sort((a, b) => a - b),
        0.5,
    );
