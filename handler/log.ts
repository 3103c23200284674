import type { DynamoDBRecord } from "aws-lambda";
import { describeError } from "./errors";
import { describeRecordKey } from "./record-key";
import type { BatchOutcome } from "./batch-outcome";

/** The messages of the handler's log lines, so readers can filter on them. */
export const LOG_MESSAGES = {
    recordFailed: "stream record failed; it is reported for retry",
    batchProcessed: "batch processed",
} as const;

/** Where a batch sits in its stream: the keys that tag every log line written while it is processed. */
export type BatchLogKeys = {
    readonly stream: string | null;
    readonly firstSequenceNumber: string | null;
    readonly lastSequenceNumber: string | null;
};

/**
 * The stream and sequence range of a batch. Lambda does not pass DynamoDB's shard ID to the
 * function; the stream ARN and sequence range match the `DDBStreamBatchInfo` (which names the
 * shard) of a failed batch in the failure destination. Pure.
 */
export function batchLogKeys(records: readonly DynamoDBRecord[]): BatchLogKeys {
    return {
        stream: records.find((record) => record.eventSourceARN)?.eventSourceARN ?? null,
        firstSequenceNumber: records[0]?.dynamodb?.SequenceNumber ?? null,
        lastSequenceNumber: records[records.length - 1]?.dynamodb?.SequenceNumber ?? null,
    };
}

/** The fields of a failed record's log line: enough to find the record and why it failed. Pure. */
export function recordFailureFields(record: DynamoDBRecord, error: unknown) {
    return {
        eventID: record.eventID ?? null,
        eventName: record.eventName ?? null,
        sequenceNumber: record.dynamodb?.SequenceNumber ?? null,
        key: describeRecordKey(record),
        reason: describeError(error),
    };
}

/** The fields of a batch's summary line: what became of its records, how long it took, what it archived. Pure. */
export function batchSummaryFields(outcome: BatchOutcome) {
    return {
        ...outcome.summary,
        durationMs: outcome.durationMs,
        archiveBytes: outcome.archiveBytes ?? null,
    };
}
