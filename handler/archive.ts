import { gzip } from "node:zlib";
import type { DynamoDBRecord } from "aws-lambda";
import type { ArchiveLine, ArchiveObject } from "./types";

/** Sequence numbers have 21-40 digits; padding to 40 makes object names sort in stream order. */
const SEQUENCE_NUMBER_WIDTH = 40;

export const ARCHIVE_CONTENT_TYPE = "application/x-ndjson";
export const ARCHIVE_CONTENT_ENCODING = "gzip";

/**
 * One archive line for a stream record, in DynamoDB JSON so every type round-trips exactly.
 * Tolerates malformed records (missing parts become null): the archive keeps what arrived.
 */
export function toArchiveLine(record: DynamoDBRecord): ArchiveLine {
    const stream = record.dynamodb;
    const epochSeconds = stream?.ApproximateCreationDateTime;
    return {
        eventID: record.eventID ?? null,
        eventName: record.eventName ?? null,
        sequenceNumber: stream?.SequenceNumber ?? null,
        approximateCreationDateTime:
            epochSeconds === undefined ? null : new Date(epochSeconds * 1000).toISOString(),
        keys: stream?.Keys ?? null,
        oldImage: stream?.OldImage ?? null,
        newImage: stream?.NewImage ?? null,
    };
}

/**
 * The object key of a batch's archive:
 * `<prefix>dt=YYYY-MM-DD/hour=HH/<stream>/<first sequence>-<last sequence>.ndjson.gz`.
 *
 * Deterministic, so a re-delivered identical batch overwrites its object instead of duplicating it;
 * partitioned by the first record's creation time (UTC), so Athena can prune by date and hour.
 */
export function archiveObjectKey(prefix: string, records: readonly DynamoDBRecord[]): string {
    const sequenceNumbers = records
        .map((record) => record.dynamodb?.SequenceNumber)
        .filter((sequence): sequence is string => sequence !== undefined);
    const first = sequenceNumbers[0] ?? "none";
    const last = sequenceNumbers[sequenceNumbers.length - 1] ?? "none";
    const epochSeconds = records.find((record) => record.dynamodb?.ApproximateCreationDateTime)?.dynamodb
        ?.ApproximateCreationDateTime;
    const partition = epochSeconds === undefined ? "dt=unknown/hour=unknown" : hourPartition(epochSeconds);
    const stream = streamName(records.find((record) => record.eventSourceARN)?.eventSourceARN);
    return `${prefix}${partition}/${stream}/${pad(first)}-${pad(last)}.ndjson.gz`;
}

/** Encodes a batch as one gzip NDJSON archive object (one line per record, in batch order). */
export async function encodeArchiveObject(
    prefix: string,
    records: readonly DynamoDBRecord[],
): Promise<ArchiveObject> {
    const ndjson = records.map((record) => `${JSON.stringify(toArchiveLine(record))}\n`).join("");
    const body = await new Promise<Buffer>((resolve, reject) =>
        gzip(Buffer.from(ndjson, "utf8"), (error, zipped) => (error ? reject(error) : resolve(zipped))),
    );
    return { key: archiveObjectKey(prefix, records), body, lineCount: records.length };
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

function pad(sequenceNumber: string): string {
    return /^\d+$/.test(sequenceNumber)
        ? sequenceNumber.padStart(SEQUENCE_NUMBER_WIDTH, "0")
        : sequenceNumber;
}
