import type { DynamoDBRecord } from "aws-lambda";
import { paddedSequenceNumber } from "./sequence";

/**
 * The object key of a batch's archive:
 * `<prefix>dt=YYYY-MM-DD/hour=HH/<table>.<stream label>_<first sequence>-<last sequence>.ndjson.gz`.
 *
 * Deterministic, so a re-delivered identical batch overwrites its object instead of duplicating
 * it; partitioned by the first record's creation time (UTC), so Athena can prune by date and
 * hour; sequences padded to 40 digits, so names sort in stream order.
 */
export function archiveObjectKey(prefix: string, records: readonly DynamoDBRecord[]): string {
    const sequences = records.map((record) => record.dynamodb?.SequenceNumber).filter(isDefined);
    const first = paddedSequenceNumber(sequences[0]) ?? "none";
    const last = paddedSequenceNumber(sequences[sequences.length - 1]) ?? "none";
    const epochSeconds = records
        .map((record) => record.dynamodb?.ApproximateCreationDateTime)
        .find(isDefined);
    const partition = epochSeconds === undefined ? "dt=unknown/hour=unknown" : hourPartition(epochSeconds);
    const stream = streamName(records.map((record) => record.eventSourceARN).find(isDefined));
    return `${prefix}${partition}/${stream}_${first}-${last}.ndjson.gz`;
}

function hourPartition(epochSeconds: number): string {
    const iso = new Date(epochSeconds * 1000).toISOString();
    return `dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}

/** `arn:…:table/Orders/stream/2026-11-27T00:00:00.000` → `Orders.2026-11-27T00-00-00.000`. */
function streamName(eventSourceArn: string | undefined): string {
    const match = /:table\/([^/]+)\/stream\/(.+)$/.exec(eventSourceArn ?? "");
    if (!match) return "unknown-stream";
    return `${match[1]}.${match[2]}`.replace(/[^A-Za-z0-9._-]/g, "-");
}

function isDefined<T>(value: T | undefined): value is T {
    return value !== undefined;
}
