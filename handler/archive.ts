import { gunzipSync, gzip } from "node:zlib";
import type { DynamoDBRecord } from "aws-lambda";
import { toSdkItem } from "./attribute-values";
import { archiveObjectKey } from "./archive-key";
import { isTtlExpiration } from "./ttl";
import type { ArchiveLine, ArchiveObject, RouteMembership, SdkItem, StreamImage } from "./types";

export const ARCHIVE_CONTENT_TYPE = "application/x-ndjson";
export const ARCHIVE_CONTENT_ENCODING = "gzip";

/** How a batch is archived beyond its prefix. */
export type ArchiveOptions = {
    /** Top-level attributes left out of both images (never of `keys`). */
    readonly excludeAttributes?: readonly string[];
    /** The routes a record's images belong to, as the batch's plan decided them (see `planBatch`). */
    readonly routesOf?: (record: DynamoDBRecord) => RouteMembership | undefined;
};

/**
 * One archive line for a stream record. Keys and images stay in DynamoDB JSON, the stream's own
 * typed encoding: numbers as decimal strings (all 38 digits), binary as base64, sets typed as
 * SS/NS/BS, so every value round-trips exactly (see `decodeArchiveLine`). Tolerates malformed
 * records (missing parts become null): the archive keeps what arrived, less the attributes
 * `excludeAttributes` names. `routes`, when given, is written as the line's route membership.
 */
export function toArchiveLine(
    record: DynamoDBRecord,
    excludeAttributes: readonly string[] = [],
    routes?: RouteMembership,
): ArchiveLine {
    const stream = record.dynamodb;
    const image = (value: StreamImage | undefined): StreamImage | null =>
        value === undefined
            ? null
            : excludeAttributes.length === 0
              ? value
              : without(value, excludeAttributes);
    const epochSeconds = stream?.ApproximateCreationDateTime;
    return {
        eventID: record.eventID ?? null,
        eventName: record.eventName ?? null,
        sequenceNumber: stream?.SequenceNumber ?? null,
        approximateCreationDateTime:
            epochSeconds === undefined ? null : new Date(epochSeconds * 1000).toISOString(),
        ttlExpired: isTtlExpiration(record),
        ...(routes ? { routes } : {}),
        keys: stream?.Keys ?? null,
        oldImage: image(stream?.OldImage),
        newImage: image(stream?.NewImage),
    };
}

function without(image: StreamImage, names: readonly string[]): StreamImage {
    const copy = { ...image };
    for (const name of names) delete copy[name];
    return copy;
}

/** Encodes a batch as one gzip NDJSON archive object (one line per record, in batch order). */
export async function encodeArchiveObject(
    prefix: string,
    records: readonly DynamoDBRecord[],
    options: ArchiveOptions = {},
): Promise<ArchiveObject> {
    const exclude = options.excludeAttributes ?? [];
    const ndjson = records
        .map((record) => `${JSON.stringify(toArchiveLine(record, exclude, options.routesOf?.(record)))}\n`)
        .join("");
    const body = await new Promise<Buffer>((resolve, reject) =>
        gzip(Buffer.from(ndjson, "utf8"), (error, zipped) => (error ? reject(error) : resolve(zipped))),
    );
    return { key: archiveObjectKey(prefix, records), body, lineCount: records.length };
}

/** An archive line decoded for a reader: keys and images as the AWS SDK takes them. */
export type DecodedChange = Omit<ArchiveLine, "keys" | "oldImage" | "newImage"> & {
    readonly keys: SdkItem | null;
    readonly oldImage: SdkItem | null;
    readonly newImage: SdkItem | null;
};

/**
 * Decodes one archive line: the inverse of the encoding, exact for every DynamoDB type. Pass an
 * image to `unmarshall` from `@aws-sdk/util-dynamodb` (with `wrapNumbers`) for plain values.
 *
 * @example
 * for (const line of gunzipSync(body).toString("utf8").split("\n").filter(Boolean)) {
 *     const change = decodeArchiveLine(line);
 *     await dynamodb.send(new PutItemCommand({ TableName, Item: change.newImage! }));
 * }
 */
export function decodeArchiveLine(line: string): DecodedChange {
    const parsed = JSON.parse(line) as ArchiveLine;
    const sdk = (image: ArchiveLine["keys"]) => (image === null ? null : toSdkItem(image));
    return {
        ...parsed,
        ttlExpired: parsed.ttlExpired === true,
        keys: sdk(parsed.keys),
        oldImage: sdk(parsed.oldImage),
        newImage: sdk(parsed.newImage),
    };
}

/** Decodes a whole archive object (gzip NDJSON) into its changes, in batch order. */
export function decodeArchiveObject(body: Uint8Array): DecodedChange[] {
    return gunzipSync(body)
        .toString("utf8")
        .split("\n")
        .filter((line) => line.length > 0)
        .map(decodeArchiveLine);
}
