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

/** One line per batch: its sequence range and what became of its records. */
export function logBatchSummary(records: readonly DynamoDBRecord[], counts: Record<string, number>): void {
    console.log(
        JSON.stringify({
            level: "INFO",
            message: "batch processed",
            firstSequenceNumber: records[0]?.dynamodb?.SequenceNumber ?? null,
            lastSequenceNumber: records[records.length - 1]?.dynamodb?.SequenceNumber ?? null,
            ...counts,
        }),
    );
}
