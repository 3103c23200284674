import type { DynamoDBRecord } from "aws-lambda";

/** Where a stream mapping's S3 failure destination writes failed batches (AWS's object names). */
export const FAILURE_PREFIX = "aws/lambda/";

/**
 * The records of a failure record's invocation payload. AWS does not document whether an S3
 * failure record's `payload` is the invocation payload as a JSON string or as an object; the
 * local mapping writes a string, and both forms are read here, so a failure record written by
 * either works. Undefined when there is no payload (an SQS or SNS destination's metadata only).
 */
export function payloadRecords(text: string): DynamoDBRecord[] | undefined {
    try {
        const record = JSON.parse(text) as { payload?: unknown };
        const payload =
            typeof record.payload === "string" ? (JSON.parse(record.payload) as unknown) : record.payload;
        const records = (payload as { Records?: unknown } | undefined)?.Records;
        return Array.isArray(records) ? (records as DynamoDBRecord[]) : undefined;
    } catch {
        return undefined;
    }
}
