import type { DynamoDBRecord } from "aws-lambda";
import { planBatch } from "../../handler/plan";
import { guardedPuts } from "./ceiling-work";
import { billedMs, costPerMillionChanges } from "./cost";
import type { CallTally } from "./function-preload";
import type { Measurement } from "./replay";
import type { StackSettings } from "./stack-settings";
import { itemSizeBytes, type Item } from "./workload";

/** Writes per second one DynamoDB partition accepts, and so one stream shard carries. */
export const PARTITION_WRITES_PER_SECOND = 1000;

/** One contender's figures for one stack and latency mode (see `summarize`). */
export type ContenderSummary = ReturnType<typeof summarize>;
/** The three contenders on one stack in one latency mode (see `compare`). */
export type Comparison = ReturnType<typeof compare>;

/**
 * The figures every replay gets, from its fastest round: its rate and every round's, calls by
 * operation and batch durations; with the merged calls and each batch's calls for further figures.
 */
function fastest(rounds: readonly Measurement[], memoryMb: number) {
    const rate = (round: Measurement) => replayRate(round, memoryMb);
    const best = rounds.reduce((fastest, round) => (rate(round) > rate(fastest) ? round : fastest));
    const calls = merge(best.batches.map((batch) => batch.calls));
    const callsOf = (tally: CallTally) => Object.values(tally).reduce((sum, count) => sum + count.calls, 0);
    const per1000 = (count: number) => (count * 1000) / best.records;
    const durations = best.batches.map((batch) => batch.durationMs).sort((a, b) => a - b);
    const figures = {
        records: best.records,
        recordsPerSecond: rate(best),
        roundsRecordsPerSecond: rounds.map(rate),
        apiCallsPer1000: per1000(callsOf(calls)),
        apiCallsPer1000ByOperation: Object.fromEntries(
            Object.keys(calls)
                .sort()
                .map((operation) => [operation, per1000(calls[operation]?.calls ?? 0)]),
        ),
        p50BatchMs: percentile(durations, 0.5),
        p99BatchMs: percentile(durations, 0.99),
    };
    return { best, calls, per1000, perBatch: best.batches.map((batch) => callsOf(batch.calls)), figures };
}

/**
 * A contender's reported figures from its fastest round, with every round's rate, and the counted
 * calls checked against what the records require: the handler and the ceiling exactly one PutItem
 * per distinct key per batch plus one PutObject; the naive handler one write and one PutObject per
 * record; no failed call, no retry.
 */
export function summarize(rounds: readonly Measurement[], settings: StackSettings) {
    const { best, calls, per1000, perBatch, figures } = fastest(rounds, settings.memoryMb);
    const { ttlExpirations } = settings.handler;
    const distinct = best.batches.map((batch) => planBatch(batch.records, { ttlExpirations }).writes.size);
    const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
    const billed = sum(best.batches.map((b) => billedMs(b.durationMs, b.cpuMs, settings.memoryMb)));
    const writeUnits = sum(best.batches.map((b) => writeUnitsOf(best.contender, b.records, settings)));
    const { calls: putObjects = 0, bodyBytes: archiveBytes = 0 } = calls["S3.PutObject"] ?? {};
    const usage = { invocations: perBatch.length, billedMs: billed, writeUnits, putObjects };
    const cost = costPerMillionChanges(best.records, settings.memoryMb, usage);
    return {
        ...figures,
        batches: best.batches.length,
        elapsedSeconds: best.elapsedMs / 1000,
        apiCallsPerBatch: {
            mean: sum(perBatch) / Math.max(1, perBatch.length),
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

/**
 * The handler's figures with routes, from its fastest round. (A route set writes up to once per key
 * per route, so the one-route checks and write units of `summarize` do not apply.)
 */
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
 * Records/s of a replay as Lambda would run its batches: each concurrent stream (one per unit of
 * `parallelizationFactor`) in an execution environment of its own, side by side, each batch after
 * the previous one's poll and invoke and lasting as billed at `memoryMb` (its wall time, or its
 * CPU time stretched to the memory's vCPU share when that is longer). The shard's time is its
 * slowest stream's.
 */
export function scheduledRate(measurement: Measurement, memoryMb: number): number {
    const streamMs = new Map<number, number>();
    for (const batch of measurement.batches) {
        const ms = batch.waitedMs + billedMs(batch.durationMs, batch.cpuMs, memoryMb);
        streamMs.set(batch.stream, (streamMs.get(batch.stream) ?? 0) + ms);
    }
    return measurement.records / (Math.max(...streamMs.values()) / 1000);
}

/** The three contenders side by side, with the handler's ratios to the partition, naive and ceiling. */
export function compare(
    settings: StackSettings,
    contenders: Readonly<Record<"handler" | "naive" | "ceiling", ContenderSummary>>,
) {
    const { handler, naive, ceiling } = contenders;
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

/**
 * DynamoDB write request units of a batch: one per started KB of each item written (a failed
 * conditional write still consumes them). The handler and the ceiling write each distinct key's
 * guarded item once; the naive handler writes every record's new image, or deletes (one unit: every
 * item here is under 1 KB).
 */
function writeUnitsOf(
    contender: Measurement["contender"],
    records: readonly DynamoDBRecord[],
    settings: StackSettings,
): number {
    const units = (item: Item | undefined) => Math.max(1, Math.ceil(itemSizeBytes(item ?? {}) / 1024));
    const items =
        contender === "naive"
            ? records.map((record) => record.dynamodb?.NewImage as Item | undefined)
            : guardedPuts(records, settings.handler).map((put) => put.Item);
    return items.reduce((sum, item) => sum + units(item), 0);
}

function checkCalls(
    measurement: Measurement,
    calls: CallTally,
    perBatch: readonly number[],
    distinct: readonly number[],
): string[] {
    const problems = Object.entries(calls).flatMap(([operation, { errors, attempts, calls }]) => [
        ...(errors > 0 ? [`${errors} ${operation} calls failed`] : []),
        ...(attempts !== calls ? [`${attempts - calls} ${operation} retries`] : []),
    ]);
    const count = (operation: string) => calls[operation]?.calls ?? 0;
    const { records } = measurement;
    if (measurement.contender === "naive") {
        const writes = count("DynamoDB.PutItem") + count("DynamoDB.DeleteItem");
        if (writes !== records || count("S3.PutObject") !== records)
            problems.push(`${writes} writes and ${count("S3.PutObject")} PutObjects for ${records} records`);
        return problems;
    }
    const operations = Object.keys(calls).sort().join(", ");
    if (operations !== "DynamoDB.PutItem, S3.PutObject")
        problems.push(`expected PutItem and PutObject calls only, saw ${operations}`);
    const off = perBatch.filter((calls, index) => calls !== (distinct[index] ?? -1) + 1).length;
    if (off > 0) problems.push(`${off} batches made other than distinct keys + 1 calls`);
    return problems;
}

function merge(tallies: readonly CallTally[]): CallTally {
    const merged: CallTally = {};
    for (const [operation, count] of tallies.flatMap((tally) => Object.entries(tally))) {
        const entry = (merged[operation] ??= { calls: 0, attempts: 0, errors: 0, bodyBytes: 0 });
        for (const key of ["calls", "attempts", "errors", "bodyBytes"] as const) entry[key] += count[key];
    }
    return merged;
}

function mean(values: readonly number[]): number {
    return values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], fraction: number): number {
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? NaN;
}

export function median(values: readonly number[]): number {
    return percentile(
        [...values].sort((a, b) => a - b),
        0.5,
    );
}
