import type { DynamoDBRecord } from "aws-lambda";
import { toSdkItem } from "./attribute-values";
import { MalformedRecordError } from "./errors";
import { RESERVED_ATTRIBUTES } from "./contract";
import { paddedSequenceNumber } from "./sequence";
import { isTtlExpiration } from "./ttl";
import type { ProjectionChange, StreamImage } from "./types";

const RESERVED_NAMES: readonly string[] = Object.values(RESERVED_ATTRIBUTES);

/**
 * Decides what one stream record does to the projection table. Pure: no I/O.
 *
 * INSERT and MODIFY put the new image; REMOVE deletes the item (as a tombstone). Every change
 * carries the record's sequence number, which guards the write.
 *
 * @throws {MalformedRecordError} when the record lacks `dynamodb`, its keys, a valid sequence
 *   number or the image its event needs, has an eventName other than INSERT, MODIFY or REMOVE, or
 *   uses an attribute name the projection reserves
 */
export function toProjectionChange(record: DynamoDBRecord): ProjectionChange {
    const malformed = (reason: string): MalformedRecordError =>
        new MalformedRecordError(record.eventID, reason);
    const stream = record.dynamodb;
    if (!stream) throw malformed("it has no `dynamodb` section");
    if (!stream.Keys || Object.keys(stream.Keys).length === 0) {
        throw malformed("its `dynamodb.Keys` is missing or empty");
    }
    const sequence = paddedSequenceNumber(stream.SequenceNumber);
    if (!sequence) {
        throw malformed(`its SequenceNumber ${JSON.stringify(stream.SequenceNumber)} is not 1-40 digits`);
    }
    const key = convert(stream.Keys, malformed);

    switch (record.eventName) {
        case "INSERT":
        case "MODIFY": {
            const image = stream.NewImage;
            if (!image) {
                throw malformed(
                    `${record.eventName} has no NewImage; the stream must use NEW_AND_OLD_IMAGES`,
                );
            }
            const reserved = Object.keys(image).filter((name) => RESERVED_NAMES.includes(name));
            if (reserved.length > 0) {
                throw malformed(
                    `attribute ${reserved.join(", ")} is reserved by the projection (${RESERVED_NAMES.join(", ")}); ` +
                        `rename it in the source table`,
                );
            }
            return { kind: "put", key, item: convert(image, malformed), sequence };
        }
        case "REMOVE":
            return { kind: "delete", key, sequence, ttlExpired: isTtlExpiration(record) };
        default:
            throw malformed(`eventName ${JSON.stringify(record.eventName)} is not INSERT, MODIFY or REMOVE`);
    }
}

function convert(image: StreamImage, malformed: (reason: string) => MalformedRecordError) {
    try {
        return toSdkItem(image);
    } catch (error) {
        throw malformed(error instanceof Error ? error.message : String(error));
    }
}
