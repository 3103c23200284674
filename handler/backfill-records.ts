import type { DynamoDBRecord } from "aws-lambda";
import type { StreamImage } from "./types";

/**
 * The sequence number of every backfilled change: lower than any real stream sequence number
 * (DynamoDB Local's start at 1, AWS's have 21 or more digits), so the projection's guard lets a
 * backfilled item in only where the stream has not written (or deleted) that key yet, and
 * applying the same item twice changes nothing the second time.
 */
export const BACKFILL_SEQUENCE_NUMBER = "0";

/** Where one page of a backfill that scans the source table came from. */
export type BackfillPage = {
    readonly tableArn: string;
    readonly runId: string;
    readonly segment: number;
    readonly page: number;
    readonly region: string;
    readonly nowSeconds: number;
};

/** Where one batch of an export's data file comes from. */
export type ExportBatchOrigin = {
    readonly tableArn: string;
    /** The export's id (the `<id>` in `AWSDynamoDB/<id>/`). */
    readonly exportId: string;
    /** The data file's name without directory and extension. */
    readonly fileLabel: string;
    /** The batch's number within the file: its first line divided by the batch size. */
    readonly batch: number;
    readonly exportTimeSeconds: number;
};

/**
 * Where a backfilled item came from: the `index`-th item of a scanned page, or the item on line
 * `line` (counted from 1) of an export's data file.
 */
export type BackfillSource =
    | { readonly scan: BackfillPage; readonly index: number }
    | { readonly export: ExportBatchOrigin; readonly line: number };

/**
 * An existing item as the INSERT stream record the handler would have received, so a backfill goes
 * through the handler's own encoding, coalescing and guarded write. Pure.
 *
 * Its sequence number is {@link BACKFILL_SEQUENCE_NUMBER}. Its `eventSourceARN` names a pseudo
 * stream per scanned page (`…/stream/backfill-<run>-s<segment>-p<page>`) or per batch of a data
 * file (`…/stream/export-<export id>-<file>-b<batch>`), so that each batch's archive object has
 * its own deterministic name (a batch applied again overwrites its object instead of adding
 * another); its `eventID` (`backfill:<run>:<segment>:<page>:<index>`,
 * `export:<export id>:<file>:<line>`) tells archive readers a backfilled line from a streamed one.
 *
 * @param item - the item as a stream record carries it (binary as base64)
 * @param keyAttributes - the source table's key attribute names, partition key first
 * @throws {Error} naming the item when it lacks one of the key attributes
 */
export function toBackfillRecord(
    item: StreamImage,
    keyAttributes: readonly string[],
    source: BackfillSource,
): DynamoDBRecord {
    const names = recordNames(source);
    const keys: StreamImage = {};
    for (const name of keyAttributes) {
        const value = item[name];
        if (value === undefined) throw new Error(names.missingKey(name, item));
        keys[name] = value;
    }
    return {
        eventID: names.eventID,
        eventName: "INSERT",
        eventVersion: "1.1",
        eventSource: "aws:dynamodb",
        awsRegion: names.region,
        eventSourceARN: names.eventSourceARN,
        dynamodb: {
            ApproximateCreationDateTime: names.creationSeconds,
            Keys: keys,
            NewImage: item,
            SequenceNumber: BACKFILL_SEQUENCE_NUMBER,
            StreamViewType: "NEW_AND_OLD_IMAGES",
        },
    };
}

/** What a backfilled record is named and dated by, for each kind of source. */
function recordNames(source: BackfillSource) {
    if ("scan" in source) {
        const { scan: page, index } = source;
        return {
            eventID: `backfill:${page.runId}:${page.segment}:${page.page}:${index}`,
            eventSourceARN: `${page.tableArn}/stream/backfill-${page.runId}-s${page.segment}-p${page.page}`,
            region: page.region,
            creationSeconds: page.nowSeconds,
            missingKey: (name: string, item: StreamImage) =>
                `Scanned item has no key attribute ${name}: ${JSON.stringify(item)}`,
        };
    }
    const { export: batch, line } = source;
    return {
        eventID: `export:${batch.exportId}:${batch.fileLabel}:${line}`,
        eventSourceARN: `${batch.tableArn}/stream/export-${batch.exportId}-${batch.fileLabel}-b${batch.batch}`,
        region: arnRegion(batch.tableArn),
        creationSeconds: batch.exportTimeSeconds,
        missingKey: (name: string) => `line ${line} has no key attribute ${name}`,
    };
}

function arnRegion(arn: string): string {
    return arn.split(":")[3] ?? "";
}
