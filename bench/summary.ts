import { costPerMillionChanges, type CostBreakdown } from "./cost";
import { totalCalls, type Measurement } from "./measurement";

/** One contender's figures, as reported in results.json and the tables. */
export type ContenderSummary = {
    readonly records: number;
    readonly batches: number;
    readonly elapsedSeconds: number;
    readonly recordsPerSecond: number;
    /** When measured in rounds: each round's records/s (the figures above are the fastest round's). */
    readonly roundsRecordsPerSecond?: readonly number[];
    /** Every API call per 1,000 changes. */
    readonly apiCallsPer1000: number;
    readonly apiCallsPer1000ByOperation: Readonly<Record<string, number>>;
    readonly apiCallsPerBatch: {
        readonly mean: number;
        readonly max: number;
        /** Largest (calls − (distinct keys + 1)) over the batches: ≤ 0 means the floor holds. */
        readonly maxOverDistinctKeysPlusOne: number;
    };
    /** HTTP attempts beyond one per call (SDK retries). */
    readonly retries: number;
    readonly archiveObjects: number;
    readonly archiveBytes: number;
    readonly archiveBytesPerChange: number;
    readonly meanInvocationMs: number;
    readonly costPerMillionUsd: number;
    readonly costBreakdownPerMillionUsd: CostBreakdown;
    /** Why a figure may be wrong; empty when every check passed. */
    readonly problems: readonly string[];
};

/** Derives the reported figures from a measurement and the batches' distinct key counts. */
export function summarize(
    measurement: Measurement,
    distinctKeysPerBatch: readonly number[],
    memoryMb: number,
): ContenderSummary {
    const calls = totalCalls(measurement.calls);
    // Multiply first, so exact ratios (2 calls per change) stay exact.
    const per1000 = (count: number) => (count * 1000) / measurement.records;
    const archive = measurement.calls["S3.PutObject"];
    const cost = costPerMillionChanges(measurement, memoryMb);
    const attempts = Object.values(measurement.calls).reduce((sum, count) => sum + count.attempts, 0);
    const excess = measurement.callsPerBatch.map(
        (count, index) => count - ((distinctKeysPerBatch[index] ?? 0) + 1),
    );
    return {
        records: measurement.records,
        batches: measurement.batches,
        elapsedSeconds: measurement.elapsedMs / 1000,
        recordsPerSecond: measurement.records / (measurement.elapsedMs / 1000),
        apiCallsPer1000: per1000(calls),
        apiCallsPer1000ByOperation: Object.fromEntries(
            Object.entries(measurement.calls)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([operation, count]) => [operation, per1000(count.calls)]),
        ),
        apiCallsPerBatch: {
            mean: calls / Math.max(1, measurement.batches),
            max: Math.max(0, ...measurement.callsPerBatch),
            maxOverDistinctKeysPlusOne: Math.max(...excess),
        },
        retries: attempts - calls,
        archiveObjects: archive?.calls ?? 0,
        archiveBytes: archive?.bodyBytes ?? 0,
        archiveBytesPerChange: (archive?.bodyBytes ?? 0) / measurement.records,
        meanInvocationMs:
            measurement.batchMs.reduce((sum, ms) => sum + ms, 0) / Math.max(1, measurement.batchMs.length),
        costPerMillionUsd: cost.total,
        costBreakdownPerMillionUsd: cost,
        problems: measurement.problems,
    };
}

/**
 * What the handler and the ceiling must have done: per batch, one PutItem per distinct key and
 * one PutObject, nothing else, nothing retried or failed. Returns what does not hold.
 */
export function checkMinimumWork(
    measurement: Measurement,
    distinctKeysPerBatch: readonly number[],
): string[] {
    const problems: string[] = [];
    const expectedWrites = distinctKeysPerBatch.reduce((sum, count) => sum + count, 0);
    const operations = Object.keys(measurement.calls).sort();
    if (operations.join() !== "DynamoDB.PutItem,S3.PutObject") {
        problems.push(`expected only DynamoDB.PutItem and S3.PutObject calls, saw ${operations.join(", ")}`);
    }
    const putItems = measurement.calls["DynamoDB.PutItem"]?.calls ?? 0;
    const putObjects = measurement.calls["S3.PutObject"]?.calls ?? 0;
    if (putItems !== expectedWrites)
        problems.push(`${putItems} PutItem calls, expected ${expectedWrites} (distinct keys per batch)`);
    if (putObjects !== measurement.batches)
        problems.push(`${putObjects} PutObject calls for ${measurement.batches} batches`);
    const mismatched = measurement.callsPerBatch.filter(
        (count, index) => count !== (distinctKeysPerBatch[index] ?? -1) + 1,
    );
    if (mismatched.length > 0)
        problems.push(`${mismatched.length} batches made other than distinct keys + 1 calls`);
    problems.push(...failureProblems(measurement));
    return problems;
}

/** What the naive baseline must have done: one write and one PutObject per record. */
export function checkNaiveWork(measurement: Measurement): string[] {
    const problems: string[] = [];
    const writes =
        (measurement.calls["DynamoDB.PutItem"]?.calls ?? 0) +
        (measurement.calls["DynamoDB.DeleteItem"]?.calls ?? 0);
    const putObjects = measurement.calls["S3.PutObject"]?.calls ?? 0;
    if (writes !== measurement.records)
        problems.push(`${writes} PutItem/DeleteItem calls for ${measurement.records} records`);
    if (putObjects !== measurement.records)
        problems.push(`${putObjects} PutObject calls for ${measurement.records} records`);
    problems.push(...failureProblems(measurement));
    return problems;
}

function failureProblems(measurement: Measurement): string[] {
    const problems: string[] = [];
    for (const [operation, count] of Object.entries(measurement.calls)) {
        if (count.errors > 0) problems.push(`${count.errors} ${operation} calls failed`);
        if (count.attempts !== count.calls)
            problems.push(`${count.attempts - count.calls} ${operation} retries`);
    }
    return problems;
}
