import type { AttributeValue, DynamoDBRecord } from "aws-lambda";
import { planBatch } from "../handler/plan";
import type { TtlExpirationMode } from "../handler/contract";

/** Cuts records into batches of `size` in stream order: what the mapping does when nothing fails. */
export function cutBatches<T>(records: readonly T[], size: number): T[][] {
    const batches: T[][] = [];
    for (let start = 0; start < records.length; start += size)
        batches.push(records.slice(start, start + size));
    return batches;
}

/** Distinct keys of each batch: the handler's projection writes (one per key per batch). */
export function distinctKeysPerBatch(
    batches: readonly (readonly DynamoDBRecord[])[],
    ttlExpirations: TtlExpirationMode,
): number[] {
    return batches.map((batch) => planBatch(batch, { ttlExpirations }).writes.size);
}

/**
 * Copies of records under other keys (`prefix` + key), for warming a contender up with realistic
 * records without touching the keys it is then timed on. Event IDs and sequence numbers change too
 * (a leading 9 keeps them digits and in order), so the copies' archive objects do not share names
 * with the timed batches' and no timed PUT overwrites a warm-up object.
 */
export function warmupCopies(
    records: readonly DynamoDBRecord[],
    keyAttribute: string,
    prefix: string,
): DynamoDBRecord[] {
    const rekey = (image: Record<string, AttributeValue> | undefined) => {
        const key = image?.[keyAttribute]?.S;
        return image && key !== undefined ? { ...image, [keyAttribute]: { S: `${prefix}${key}` } } : image;
    };
    return records.map((record) => ({
        ...record,
        eventID: `${prefix}${record.eventID ?? ""}`,
        dynamodb: {
            ...record.dynamodb,
            ...(record.dynamodb?.SequenceNumber
                ? { SequenceNumber: `9${record.dynamodb.SequenceNumber}` }
                : {}),
            Keys: rekey(record.dynamodb?.Keys),
            NewImage: rekey(record.dynamodb?.NewImage),
            OldImage: rekey(record.dynamodb?.OldImage),
        },
    }));
}
