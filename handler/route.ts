import type { DynamoDBRecord } from "aws-lambda";
import { toSdkItem } from "./attribute-values";
import { malformedRecordError, type MalformedRecordError } from "./errors";
import type { ProjectionChange } from "./types";

/**
 * Decides what one stream record does to the projection table. Pure: no I/O.
 *
 * INSERT and MODIFY put the new image; REMOVE deletes the item by its keys.
 *
 * @throws {MalformedRecordError} when the record lacks `dynamodb`, its keys, the image its event
 *   needs, or has an eventName other than INSERT, MODIFY or REMOVE
 */
export function routeRecord(record: DynamoDBRecord): ProjectionChange {
    const malformed = (reason: string): MalformedRecordError => malformedRecordError(record.eventID, reason);
    const stream = record.dynamodb;
    if (!stream) throw malformed("it has no `dynamodb` section");
    if (!stream.Keys || Object.keys(stream.Keys).length === 0) {
        throw malformed("its `dynamodb.Keys` is missing or empty");
    }
    const key = convert(() => toSdkItem(stream.Keys ?? {}), malformed);

    switch (record.eventName) {
        case "INSERT":
        case "MODIFY": {
            const image = stream.NewImage;
            if (!image) {
                throw malformed(
                    `${record.eventName} has no NewImage; the stream must use NEW_AND_OLD_IMAGES`,
                );
            }
            return { kind: "put", key, item: convert(() => toSdkItem(image), malformed) };
        }
        case "REMOVE":
            return { kind: "delete", key };
        default:
            throw malformed(`eventName ${JSON.stringify(record.eventName)} is not INSERT, MODIFY or REMOVE`);
    }
}

function convert<T>(work: () => T, malformed: (reason: string) => MalformedRecordError): T {
    try {
        return work();
    } catch (error) {
        throw malformed(error instanceof Error ? error.message : String(error));
    }
}
