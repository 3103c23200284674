import type { DynamoDBRecord } from "aws-lambda";

/** Stream sequence numbers have 21-40 decimal digits. */
export const SEQUENCE_NUMBER_WIDTH = 40;

/**
 * A sequence number as a fixed-width, 40-digit string, so that comparing two of them as strings
 * (as DynamoDB's `<` does on S values, and as S3 object names sort) compares them numerically.
 *
 * @returns undefined when the text is not 1-40 decimal digits
 */
export function paddedSequenceNumber(sequenceNumber: string | undefined): string | undefined {
    if (sequenceNumber === undefined || !/^\d{1,40}$/.test(sequenceNumber)) return undefined;
    return sequenceNumber.padStart(SEQUENCE_NUMBER_WIDTH, "0");
}

/**
 * The lowest well-formed sequence number of some records, as the stream wrote it: where the
 * mapping resumes a batch after a partial failure.
 */
export function lowestSequenceNumber(records: readonly DynamoDBRecord[]): string | undefined {
    let lowest: string | undefined;
    let lowestPadded = "";
    for (const record of records) {
        const padded = paddedSequenceNumber(record.dynamodb?.SequenceNumber);
        if (padded && (lowest === undefined || padded < lowestPadded)) {
            lowest = record.dynamodb?.SequenceNumber;
            lowestPadded = padded;
        }
    }
    return lowest;
}

/** Numeric order of two sequence numbers of any width: negative, zero or positive. */
export function compareSequenceNumbers(a: string, b: string): number {
    const difference = BigInt(a) - BigInt(b);
    return difference < 0n ? -1 : difference > 0n ? 1 : 0;
}
