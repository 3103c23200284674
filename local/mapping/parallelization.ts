import { createHash } from "node:crypto";
import type { DynamoDBRecord } from "aws-lambda";

/**
 * With a `parallelizationFactor` above 1, AWS processes up to that many batches of one shard at
 * once and keeps order per partition key: every record of a key goes to the same one of the
 * concurrent batch streams. This picks that stream from the record's partition-key value.
 *
 * @param partitionKeyName - the source table's partition-key attribute
 * @param factor - the mapping's parallelizationFactor (1-10)
 * @returns the index of the concurrent batch stream, from 0 to factor - 1
 * @throws {Error} when the record carries no value for the partition key
 */
export function concurrentStreamOf(record: DynamoDBRecord, partitionKeyName: string, factor: number): number {
    if (factor <= 1) return 0;
    const value = record.dynamodb?.Keys?.[partitionKeyName];
    if (value === undefined) {
        throw new Error(
            `Record ${record.eventID ?? "(no eventID)"} has no partition key ${partitionKeyName} in its Keys; ` +
                `it cannot be assigned to one of ${factor} concurrent batches.`,
        );
    }
    // Stable across runs and processes, so a replay splits a shard the same way.
    const digest = createHash("md5").update(JSON.stringify(value)).digest();
    return digest.readUInt32BE(0) % factor;
}

/**
 * Splits a shard's records, in order, into `factor` streams, each keeping its records' order.
 * Records of one partition key always land in the same stream.
 */
export function splitIntoConcurrentStreams(
    records: readonly DynamoDBRecord[],
    partitionKeyName: string,
    factor: number,
): DynamoDBRecord[][] {
    const streams: DynamoDBRecord[][] = Array.from({ length: Math.max(1, factor) }, () => []);
    for (const record of records) streams[concurrentStreamOf(record, partitionKeyName, factor)].push(record);
    return streams;
}
