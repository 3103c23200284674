import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { toEventImage } from "./event-image";

/**
 * The sequence number of every backfilled change: lower than any real stream sequence number
 * (DynamoDB Local's start at 1, AWS's have 21 or more digits), so the projection's guard lets a
 * backfilled item in only where the stream has not written that key yet.
 */
export const BACKFILL_SEQUENCE_NUMBER = "0";

/** Where one page of a backfill came from. */
export type BackfillPage = {
    readonly tableArn: string;
    readonly runId: string;
    readonly segment: number;
    readonly page: number;
    readonly region: string;
    readonly nowSeconds: number;
};

/**
 * An existing item as the INSERT stream record the handler would have received, so backfill goes
 * through the handler's own encoding, coalescing and guarded write. Pure.
 *
 * The record's `eventSourceARN` names a per-page pseudo stream (`…/stream/backfill-<run>-s<segment>-p<page>`)
 * so each page's archive object has its own deterministic name: a page processed again after an
 * interruption overwrites its object instead of adding another. Its `eventID` starts with
 * `backfill:` so archive readers can tell backfilled lines from streamed ones.
 */
export function toBackfillRecord(
    item: Record<string, AttributeValue>,
    keyNames: readonly string[],
    page: BackfillPage,
    index: number,
): DynamoDBRecord {
    const keys: Record<string, AttributeValue> = {};
    for (const name of keyNames) {
        const value = item[name];
        if (value === undefined)
            throw new Error(`Scanned item has no key attribute ${name}: ${JSON.stringify(item)}`);
        keys[name] = value;
    }
    return {
        eventID: `backfill:${page.runId}:${page.segment}:${page.page}:${index}`,
        eventName: "INSERT",
        eventVersion: "1.1",
        eventSource: "aws:dynamodb",
        awsRegion: page.region,
        eventSourceARN: `${page.tableArn}/stream/backfill-${page.runId}-s${page.segment}-p${page.page}`,
        dynamodb: {
            ApproximateCreationDateTime: page.nowSeconds,
            Keys: toEventImage(keys, "Keys"),
            NewImage: toEventImage(item, "NewImage"),
            SequenceNumber: BACKFILL_SEQUENCE_NUMBER,
            StreamViewType: "NEW_AND_OLD_IMAGES",
        },
    };
}
