import type { DynamoDBRecord } from "aws-lambda";

/**
 * Lambda's limit on a synchronous invocation's request payload, which caps an event source
 * mapping's batch as well as `batchSize`: 6 MB, taken here as 6 MiB (6,291,456 bytes), the size
 * Lambda's own error messages state.
 */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** `{"Records":[` and `]}` around the records, which are separated by commas. */
const EVENT_ENVELOPE_BYTES = Buffer.byteLength('{"Records":[]}');

/** Bytes of one record in the event's JSON. */
export function recordPayloadBytes(record: DynamoDBRecord): number {
    return Buffer.byteLength(JSON.stringify(record));
}

/** Bytes of the invocation payload `{"Records":[...]}` for these records, as JSON. */
export function eventPayloadBytes(records: readonly DynamoDBRecord[]): number {
    return Buffer.byteLength(JSON.stringify({ Records: records }));
}

/**
 * How many of the first queued records make the next batch: up to `batchSize`, and only as many
 * as fit in `maxPayloadBytes` of event JSON. Always at least one record of a non-empty queue (a
 * DynamoDB stream record, at most twice a 400 KB item, never reaches the limit on its own).
 *
 * @param sizes - each queued record's bytes (see {@link recordPayloadBytes}), in queue order
 */
export function nextBatchLength(
    sizes: readonly number[],
    batchSize: number,
    maxPayloadBytes = MAX_PAYLOAD_BYTES,
): number {
    let bytes = EVENT_ENVELOPE_BYTES;
    let length = 0;
    for (const size of sizes) {
        if (length >= batchSize) break;
        const next = bytes + size + (length > 0 ? 1 : 0);
        if (length > 0 && next > maxPayloadBytes) break;
        bytes = next;
        length++;
    }
    return length;
}

/** Whether the queued records already fill a batch, by count or by payload. */
export function batchIsFull(
    sizes: readonly number[],
    batchSize: number,
    maxPayloadBytes = MAX_PAYLOAD_BYTES,
): boolean {
    return sizes.length >= batchSize || nextBatchLength(sizes, batchSize, maxPayloadBytes) < sizes.length;
}

/** What decides whether a lane's gathered records go to the function now. */
export type BatchDueInput = {
    /** Payload bytes of each queued record, in order. */
    readonly sizes: readonly number[];
    readonly batchSize: number;
    /** `maximumBatchingWindowInSeconds`, in milliseconds. */
    readonly windowMs: number;
    /** When the window began: when the previous invocation completed (or polling started). */
    readonly windowStartedAt: number;
    readonly now: number;
    /** The shard is closed and read to its end: nothing more will join these records. */
    readonly closed: boolean;
    readonly maxPayloadBytes?: number;
};

/**
 * Whether queued records are due for an invocation. As AWS documents it for streams, Lambda
 * invokes when the batch is full (`batchSize` records or 6 MB of payload) or when the batching
 * window has passed, and the window begins as soon as the previous invocation completes, not
 * when the first record arrives: a record arriving long after the last invocation goes at once.
 */
export function batchIsDue(input: BatchDueInput): boolean {
    if (input.sizes.length === 0) return false;
    return (
        batchIsFull(input.sizes, input.batchSize, input.maxPayloadBytes) ||
        input.closed ||
        input.now - input.windowStartedAt >= input.windowMs
    );
}
