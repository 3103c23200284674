import type { DynamoDBRecord } from "aws-lambda";
import { describeError } from "./errors";
import { describeRecordKey } from "./keys";

/**
 * One structured JSON line per failed record, so an operator can find the record (eventID,
 * sequence number, key) and the reason without the whole event.
 */
export function logRecordFailure(record: DynamoDBRecord, error: unknown): void {
    console.error(
        JSON.stringify({
            level: "ERROR",
            message: "stream record failed; it is reported for retry",
            eventID: record.eventID ?? null,
            eventName: record.eventName ?? null,
            sequenceNumber: record.dynamodb?.SequenceNumber ?? null,
            key: describeRecordKey(record),
            reason: describeError(error),
        }),
    );
}
