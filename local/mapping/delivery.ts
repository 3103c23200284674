import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { InvokeOptions, Invocation } from "../lambda/local-function";
import { MAX_PAYLOAD_BYTES, nextBatchLength, recordPayloadBytes } from "./batching";

/** The mapping's settings that shape delivery, as the program declares them. */
export type MappingSettings = {
    readonly batchSize: number;
    readonly maximumRetryAttempts: number;
    readonly maximumRecordAgeInSeconds: number;
    readonly bisectBatchOnFunctionError: boolean;
    readonly reportBatchItemFailures: boolean;
};

/** Why a batch was given up on, in AWS's words. */
export type FailureCondition = "RetryAttemptsExhausted" | "RecordAgeExceeded";

/** A batch sent to the on-failure destination. */
export type DiscardedBatch = {
    readonly records: readonly DynamoDBRecord[];
    readonly condition: FailureCondition;
    /** Invocations of these records, the last one included. */
    readonly invokeCount: number;
    readonly lastInvocation: Invocation | undefined;
};

/** What happened while delivering, for progress lines and tests. */
export type DeliveryEvent =
    | {
          readonly kind: "invoked";
          readonly records: number;
          readonly invocation: Invocation;
          readonly batch: readonly DynamoDBRecord[];
          /** The shorter timeout the schedule gave this invocation, if any. */
          readonly timeoutMs?: number;
      }
    | {
          readonly kind: "checkpointed";
          readonly records: number;
          readonly sequenceNumber: string;
          readonly batch: readonly DynamoDBRecord[];
      }
    | { readonly kind: "bisected"; readonly records: number }
    | { readonly kind: "discarded"; readonly batch: DiscardedBatch }
    /** An invocation was throttled: retried after a pause, counting no attempt. */
    | { readonly kind: "throttled"; readonly records: number; readonly retryInMs: number }
    /** A batch that succeeded is delivered again, as after a lost checkpoint. */
    | { readonly kind: "redelivered"; readonly records: number };

/**
 * Choices a real mapping makes, and things AWS is allowed to do and rarely does, that a test or
 * the chaos mode may want to vary; the defaults are the usual case.
 */
export type DeliverySchedule = {
    /** Records to take for the next batch, given the configured maximum (default: the maximum). */
    readonly nextBatchSize?: (maximum: number) => number;
    /**
     * Whether to deliver a successful batch again, as at-least-once delivery may after a lost
     * checkpoint (default: never). The batch goes through the same rules again: retries,
     * bisection, record age.
     */
    readonly redeliverSucceededBatch?: (batch: readonly DynamoDBRecord[]) => boolean;
    /**
     * Whether this invocation is throttled (default: never). A throttled invocation is retried
     * after a pause and counts no attempt, as AWS retries throttles until the records expire.
     */
    readonly throttleInvocation?: (batch: readonly DynamoDBRecord[]) => boolean;
    /** A shorter timeout for this invocation, in milliseconds (default: the function's own). */
    readonly invocationTimeoutMs?: (batch: readonly DynamoDBRecord[]) => number | undefined;
};

export type MappingHooks = {
    readonly invoke: (event: DynamoDBStreamEvent, options?: InvokeOptions) => Promise<Invocation>;
    readonly discard: (batch: DiscardedBatch) => Promise<void>;
    readonly now?: () => number;
    /**
     * When a record was written, in epoch milliseconds, for judging its age (default:
     * {@link streamRecordTimeMs}). The local mapping passes a reading of DynamoDB Local's
     * minute-rounded times that never makes a record look older than it is.
     */
    readonly recordTimeMs?: (record: DynamoDBRecord) => number | undefined;
    /** The invocation payload limit a batch is cut at (default: Lambda's 6 MB); tests lower it. */
    readonly maxPayloadBytes?: number;
    readonly schedule?: DeliverySchedule;
    readonly onEvent?: (event: DeliveryEvent) => void;
    /** Waits before a throttled invocation is retried (default: a timer). */
    readonly sleep?: (ms: number) => Promise<void>;
};

/** The pause before retrying a throttled invocation: 100 ms, doubling, at most 1.6 s. */
export function throttleBackoffMs(throttlesSoFar: number): number {
    return 100 * 2 ** Math.min(throttlesSoFar, 4);
}

/** A record's `ApproximateCreationDateTime` in epoch milliseconds, as Lambda judges its age. */
export function streamRecordTimeMs(record: DynamoDBRecord): number | undefined {
    const created = record.dynamodb?.ApproximateCreationDateTime;
    return created === undefined ? undefined : created * 1000;
}

/**
 * Delivers one shard's records, in order, in batches of up to `batchSize` records, each cut
 * earlier where the event's JSON would pass the 6 MB invocation payload limit, one batch after the
 * other, each with the rules of {@link deliverBatch}.
 *
 * Resolves when every record is checkpointed or discarded.
 */
export async function deliverShard(
    records: readonly DynamoDBRecord[],
    settings: MappingSettings,
    hooks: MappingHooks,
): Promise<void> {
    const sizes = records.map(recordPayloadBytes);
    let position = 0;
    while (position < records.length) {
        const wanted = hooks.schedule?.nextBatchSize?.(settings.batchSize) ?? settings.batchSize;
        const limit = Math.max(1, Math.min(wanted, settings.batchSize));
        const length = nextBatchLength(
            sizes.slice(position, position + limit),
            limit,
            hooks.maxPayloadBytes ?? MAX_PAYLOAD_BYTES,
        );
        await deliverBatch(records.slice(position, position + length), settings, hooks);
        position += length;
    }
}

/**
 * Delivers one batch to a function with the semantics of a Lambda event source mapping for
 * DynamoDB Streams:
 *
 * - the checkpoint only ever moves forward, in order (reported as `checkpointed` events);
 * - with ReportBatchItemFailures, a response naming failed records checkpoints before the lowest
 *   failed sequence number and re-delivers from it (an invalid or empty `itemIdentifier` counts
 *   as a failure of the whole batch); that retry counts toward `maximumRetryAttempts`;
 * - a function error (a thrown error, a timeout, a crash) with bisect on splits the batch in two
 *   and delivers each half; splits do not count as retries; a batch of one is retried;
 * - a batch whose retries are exhausted is discarded to the on-failure destination and skipped;
 * - before every invocation, the first included, each record older than `maximumRecordAgeInSeconds`
 *   is discarded on its own (with `RecordAgeExceeded`) and the rest of the batch goes on: age is
 *   judged record by record, never by the batch's first record;
 * - a throttled invocation (see `DeliverySchedule`) is retried after a pause without counting an
 *   attempt, until it goes through or its records expire.
 *
 * Resolves when every record of the batch is checkpointed or discarded.
 */
export async function deliverBatch(
    records: readonly DynamoDBRecord[],
    settings: MappingSettings,
    hooks: MappingHooks,
): Promise<void> {
    const now = hooks.now ?? Date.now;
    const emit = hooks.onEvent ?? (() => undefined);
    const invokeCounts = new Map<DynamoDBRecord, number>();

    const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const invoke = async (batch: readonly DynamoDBRecord[]): Promise<Invocation> => {
        for (const record of batch) invokeCounts.set(record, (invokeCounts.get(record) ?? 0) + 1);
        const timeoutMs = hooks.schedule?.invocationTimeoutMs?.(batch);
        const event = { Records: [...batch] };
        const invocation = await (timeoutMs === undefined
            ? hooks.invoke(event)
            : hooks.invoke(event, { timeoutMs }));
        emit({
            kind: "invoked",
            records: batch.length,
            invocation,
            batch,
            ...(timeoutMs === undefined ? {} : { timeoutMs }),
        });
        return invocation;
    };
    const discard = async (
        batch: readonly DynamoDBRecord[],
        condition: FailureCondition,
        lastInvocation: Invocation | undefined,
    ): Promise<void> => {
        const discarded = {
            records: batch,
            condition,
            invokeCount: Math.max(0, ...batch.map((record) => invokeCounts.get(record) ?? 0)),
            lastInvocation,
        };
        await hooks.discard(discarded);
        emit({ kind: "discarded", batch: discarded });
    };
    /** A redelivered batch's records were checkpointed the first time; they are not counted again. */
    let redelivering = 0;
    const checkpoint = (batch: readonly DynamoDBRecord[]): void => {
        const last = batch[batch.length - 1]?.dynamodb?.SequenceNumber;
        if (last && redelivering === 0)
            emit({ kind: "checkpointed", records: batch.length, sequenceNumber: last, batch });
    };
    const recordTimeMs = hooks.recordTimeMs ?? streamRecordTimeMs;
    const expired = (record: DynamoDBRecord): boolean => {
        const written = recordTimeMs(record);
        return written !== undefined && now() - written > settings.maximumRecordAgeInSeconds * 1000;
    };
    /** Discards the batch's expired records (each run of them as one failed batch); returns the rest. */
    const discardExpired = async (
        batch: readonly DynamoDBRecord[],
        lastInvocation: Invocation | undefined,
    ): Promise<readonly DynamoDBRecord[]> => {
        const runs: DynamoDBRecord[][] = [];
        const fresh: DynamoDBRecord[] = [];
        let previousExpired = false;
        for (const record of batch) {
            const isExpired = expired(record);
            if (isExpired && previousExpired) runs[runs.length - 1]!.push(record);
            else if (isExpired) runs.push([record]);
            else fresh.push(record);
            previousExpired = isExpired;
        }
        for (const run of runs) await discard(run, "RecordAgeExceeded", lastInvocation);
        return fresh;
    };

    const deliver = async (initial: readonly DynamoDBRecord[], retriesSoFar: number): Promise<void> => {
        let batch = initial;
        let retries = retriesSoFar;
        let lastInvocation: Invocation | undefined;
        let throttles = 0;
        for (;;) {
            batch = await discardExpired(batch, lastInvocation);
            if (batch.length === 0) return;
            if (hooks.schedule?.throttleInvocation?.(batch)) {
                const retryInMs = throttleBackoffMs(throttles++);
                emit({ kind: "throttled", records: batch.length, retryInMs });
                await sleep(retryInMs);
                continue;
            }
            lastInvocation = await invoke(batch);
            const failedAt = lastInvocation.ok ? firstFailedIndex(batch, lastInvocation.value, settings) : -1;
            if (lastInvocation.ok && failedAt === undefined) {
                checkpoint(batch);
                if (hooks.schedule?.redeliverSucceededBatch?.(batch)) {
                    emit({ kind: "redelivered", records: batch.length });
                    redelivering++;
                    try {
                        await deliver(batch, 0);
                    } finally {
                        redelivering--;
                    }
                }
                return;
            }
            if (lastInvocation.ok && failedAt !== undefined && failedAt >= 0) {
                checkpoint(batch.slice(0, failedAt));
                batch = batch.slice(failedAt);
            } else if (settings.bisectBatchOnFunctionError && batch.length > 1) {
                emit({ kind: "bisected", records: batch.length });
                const half = Math.ceil(batch.length / 2);
                await deliver(batch.slice(0, half), retries);
                await deliver(batch.slice(half), retries);
                return;
            }
            retries++;
            if (retries > settings.maximumRetryAttempts) {
                return discard(batch, "RetryAttemptsExhausted", lastInvocation);
            }
        }
    };
    await deliver(records, 0);
}

/**
 * Where a successful response says to resume: undefined when nothing failed, the index of the
 * lowest failed sequence number, or -1 when the response fails the whole batch.
 *
 * AWS documents that an empty or null `itemIdentifier`, or one under a wrong key name, fails the
 * whole batch. It does not say what a well-formed identifier that names no record of the batch
 * does. The local mapping treats it the same way, as a failure of the whole batch: it cannot
 * checkpoint before a record it was not given, and retrying the whole batch never skips a record,
 * whereas ignoring the identifier could checkpoint past a record the function meant to fail.
 */
function firstFailedIndex(
    batch: readonly DynamoDBRecord[],
    response: unknown,
    settings: MappingSettings,
): number | undefined {
    if (!settings.reportBatchItemFailures) return undefined;
    const failures = (response as { batchItemFailures?: { itemIdentifier?: unknown }[] } | null)
        ?.batchItemFailures;
    if (!Array.isArray(failures) || failures.length === 0) return undefined;
    let lowest = Number.POSITIVE_INFINITY;
    for (const failure of failures) {
        const index = batch.findIndex(
            (record) =>
                typeof failure?.itemIdentifier === "string" &&
                failure.itemIdentifier !== "" &&
                record.dynamodb?.SequenceNumber === failure.itemIdentifier,
        );
        if (index < 0) return -1;
        lowest = Math.min(lowest, index);
    }
    return lowest;
}
