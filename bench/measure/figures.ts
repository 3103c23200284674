import type { DynamoDBRecord } from "aws-lambda";
import { planBatch } from "../../handler/plan";
import type { ContenderSummary } from "../bench-results";
import { guardedPuts } from "./ceiling-work";
import { billedMs, costPerMillionChanges } from "./cost";
import type { CallTally } from "./function-preload";
import type { Measurement } from "./replay";
import type { StackSettings } from "./stack-settings";
import { itemSizeBytes, type Item } from "./workload";

/** Writes per second one DynamoDB partition accepts, and so one stream shard carries. */
export const PARTITION_WRITES_PER_SECOND = 1000;

/**
 * Derives a contender's reported figures from its fastest round, with every round's rate, and
 * checks the counted calls against what the records require: the handler and the ceiling exactly
 * one PutItem per distinct key per batch plus one PutObject; the naive handler one write and one
 * PutObject per record; no failed call, no retry.
 */
export function summarize(rounds: readonly Measurement[], settings: StackSettings) {
    const rate = (round: Measurement) => replayRate(round, settings.memoryMb);
    const best = rounds.reduce((fastest, round) => (rate(round) > rate(fastest) ? round : fastest));
    const calls = merge(best.batches.map((batch) => batch.calls));
    const per1000 = (count: number) => (count * 1000) / best.records;
    const callCount = (operation?: string) =>
        Object.entries(calls).reduce(
            (sum, [name, count]) => sum + (!operation || name === operation ? count.calls : 0),
            0,
        );
    const distinct = best.batches.map(
        (batch) => planBatch(batch.records, { ttlExpirations: settings.handler.ttlExpirations }).writes.size,
    );
    const perBatch = best.batches.map((batch) =>
        Object.values(batch.calls).reduce((sum, count) => sum + count.calls, 0),
    );
    const durations = best.batches.map((batch) => batch.durationMs).sort((a, b) => a - b);
    const billed = best.batches.reduce(
        (sum, batch) => sum + billedMs(batch.durationMs, batch.cpuMs, settings.memoryMb),
        0,
    );
    const writeUnits = best.batches.reduce(
        (sum, batch) => sum + batchWriteUnits(best.contender, batch.records, settings),
        0,
    );
    const putObjects = callCount("S3.PutObject");
    const cost = costPerMillionChanges({
        changes: best.records,
        invocations: best.batches.length,
        billedMs: billed,
        memoryMb: settings.memoryMb,
        writeUnits,
        putObjects,
    });
    const problems = [...best.problems, ...checkCalls(best, calls, perBatch, distinct)];
    return {
        records: best.records,
        batches: best.batches.length,
        elapsedSeconds: best.elapsedMs / 1000,
        recordsPerSecond: rate(best),
        roundsRecordsPerSecond: rounds.map(rate),
        apiCallsPer1000: per1000(callCount()),
        apiCallsPer1000ByOperation: Object.fromEntries(
            Object.keys(calls)
                .sort()
                .map((operation) => [operation, per1000(callCount(operation))]),
        ),
        apiCallsPerBatch: {
            mean: callCount() / Math.max(1, best.batches.length),
            max: Math.max(0, ...perBatch),
            maxOverDistinctKeysPlusOne: Math.max(
                ...perBatch.map((count, index) => count - ((distinct[index] ?? 0) + 1)),
            ),
        },
        retries: Object.values(calls).reduce((sum, count) => sum + count.attempts - count.calls, 0),
        archiveObjects: putObjects,
        archiveBytes: calls["S3.PutObject"]?.bodyBytes ?? 0,
        archiveBytesPerChange: (calls["S3.PutObject"]?.bodyBytes ?? 0) / best.records,
        meanInvocationMs: mean(durations),
        p50BatchMs: percentile(durations, 0.5),
        p99BatchMs: percentile(durations, 0.99),
        cpuMsPerBatch: mean(best.batches.map((batch) => batch.cpuMs)),
        billedMsPer1000: per1000(billed),
        writeUnitsPer1000: per1000(writeUnits),
        costPerMillionUsd: cost.total,
        costBreakdownPerMillionUsd: cost,
        problems: [...new Set(problems)],
    };
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
    contenders: {
        readonly handler: ContenderSummary;
        readonly naive: ContenderSummary;
        readonly ceiling: ContenderSummary;
    },
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
function batchWriteUnits(
    contender: Measurement["contender"],
    records: readonly DynamoDBRecord[],
    settings: StackSettings,
): number {
    const units = (item: Item | undefined) => Math.max(1, Math.ceil(itemSizeBytes(item ?? {}) / 1024));
    if (contender !== "naive")
        return guardedPuts(records, settings.handler).reduce((sum, put) => sum + units(put.Item), 0);
    return records.reduce((sum, record) => sum + units(record.dynamodb?.NewImage as Item | undefined), 0);
}

function checkCalls(
    measurement: Measurement,
    calls: CallTally,
    perBatch: readonly number[],
    distinct: readonly number[],
): string[] {
    const problems: string[] = [];
    for (const [operation, count] of Object.entries(calls)) {
        if (count.errors > 0) problems.push(`${count.errors} ${operation} calls failed`);
        if (count.attempts !== count.calls)
            problems.push(`${count.attempts - count.calls} ${operation} retries`);
    }
    const count = (operation: string) => calls[operation]?.calls ?? 0;
    if (measurement.contender === "naive") {
        const writes = count("DynamoDB.PutItem") + count("DynamoDB.DeleteItem");
        if (writes !== measurement.records || count("S3.PutObject") !== measurement.records)
            problems.push(
                `${writes} writes and ${count("S3.PutObject")} PutObjects for ${measurement.records} records`,
            );
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
    for (const tally of tallies) {
        for (const [operation, count] of Object.entries(tally)) {
            const entry = (merged[operation] ??= { calls: 0, attempts: 0, errors: 0, bodyBytes: 0 });
            entry.calls += count.calls;
            entry.attempts += count.attempts;
            entry.errors += count.errors;
            entry.bodyBytes += count.bodyBytes;
        }
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

/**
 * The handler's figures with routes, from its fastest round: rate, calls by operation and batch
 * durations. (A route set writes up to once per key per route, so the one-route checks and write
 * units of `summarize` do not apply.)
 */
export function summarizeRouted(rounds: readonly Measurement[], memoryMb: number) {
    const rate = (round: Measurement) => scheduledRate(round, memoryMb);
    const best = rounds.reduce((fastest, round) => (rate(round) > rate(fastest) ? round : fastest));
    const calls = merge(best.batches.map((batch) => batch.calls));
    const durations = best.batches.map((batch) => batch.durationMs).sort((a, b) => a - b);
    const per1000 = (count: number) => (count * 1000) / best.records;
    return {
        records: best.records,
        recordsPerSecond: rate(best),
        roundsRecordsPerSecond: rounds.map(rate),
        apiCallsPer1000: per1000(Object.values(calls).reduce((sum, count) => sum + count.calls, 0)),
        apiCallsPer1000ByOperation: Object.fromEntries(
            Object.keys(calls)
                .sort()
                .map((operation) => [operation, per1000(calls[operation]?.calls ?? 0)]),
        ),
        p50BatchMs: percentile(durations, 0.5),
        p99BatchMs: percentile(durations, 0.99),
        problems: [...new Set(best.problems)],
    };
}
