import type { CallTally } from "./api-calls";

/** What one contender did with one recorded stream, as measured. */
export type Measurement = {
    readonly records: number;
    readonly batches: number;
    /** Wall-clock time from the first batch handed over to the last one done. */
    readonly elapsedMs: number;
    /** Duration of each invocation (or, for the ceiling, each batch): what Lambda would bill. */
    readonly batchMs: readonly number[];
    /** Every call, by operation. */
    readonly calls: CallTally;
    /** Calls made while processing each batch, in order. */
    readonly callsPerBatch: readonly number[];
    /** Anything that makes the figures suspect (failed invocations, counts that do not add up). */
    readonly problems: readonly string[];
};

/** Adds per-batch tallies into one. */
export function mergeTallies(tallies: readonly CallTally[]): CallTally {
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

/** Total calls of one tally. */
export function totalCalls(tally: CallTally): number {
    return Object.values(tally).reduce((sum, count) => sum + count.calls, 0);
}
