import type { AttributeValue as SdkAttributeValue } from "@aws-sdk/client-dynamodb";
import type { AttributeValue as StreamAttributeValue } from "aws-lambda";
import type { ArchiveScope, DeployedRoute, TtlExpirationMode } from "./contract";

/** An item as the AWS SDK writes it: binary values are bytes. */
export type SdkItem = Record<string, SdkAttributeValue>;

/** An item as it arrives in a Lambda stream event: binary values are base64 strings. */
export type StreamImage = Record<string, StreamAttributeValue>;

/**
 * What one stream record asks of the projection table. `sequence` is the record's sequence
 * number padded to 40 digits: the guard that keeps an older change from overwriting a newer one.
 */
export type ProjectionChange =
    | { readonly kind: "put"; readonly key: SdkItem; readonly item: SdkItem; readonly sequence: string }
    | {
          readonly kind: "delete";
          readonly key: SdkItem;
          readonly sequence: string;
          readonly ttlExpired: boolean;
      };

/** What a guarded projection write did: landed, or lost to a change with a higher sequence. */
export type WriteOutcome = "applied" | "stale";

/** The routes a record's old image and new image belong to, by route name (none for a missing image). */
export type RouteMembership = {
    readonly old: readonly string[];
    readonly new: readonly string[];
};

/** One line of an archive object: a stream record, kept in DynamoDB JSON so it round-trips. */
export type ArchiveLine = {
    readonly eventID: string | null;
    readonly eventName: string | null;
    readonly sequenceNumber: string | null;
    readonly approximateCreationDateTime: string | null;
    /** True for a REMOVE made by DynamoDB's TTL process. */
    readonly ttlExpired: boolean;
    /**
     * Where the handler placed the record, so readers of the archive never match routes again.
     * Absent on lines of a malformed record, and on lines archived before it was written.
     */
    readonly routes?: RouteMembership;
    readonly keys: StreamImage | null;
    readonly oldImage: StreamImage | null;
    readonly newImage: StreamImage | null;
};

/** A ready-to-store archive object. */
export type ArchiveObject = {
    readonly key: string;
    readonly body: Uint8Array;
    readonly lineCount: number;
};

/**
 * The handler's settings, read from its environment by `readSettings`: the one shape of them.
 * What a batch reads is a part of it ({@link BatchSettings}), never a copy under other names.
 */
export type HandlerSettings = {
    /** The one projection table of a feed without routes; absent with routes (each names its own). */
    readonly projectionTable?: string;
    readonly archiveBucket: string;
    readonly archivePrefix: string;
    /** Distinct keys written at once. */
    readonly writeConcurrency: number;
    /** How long a delete's tombstone outlives it before the projection's TTL removes it. */
    readonly tombstoneTtlSeconds: number;
    readonly ttlExpirations: TtlExpirationMode;
    /** Names the handler in every log line and in the `service` dimension of its metrics. */
    readonly serviceName: string;
    /** The CloudWatch namespace of the handler's metrics. */
    readonly metricsNamespace: string;
    /** Each route to its own projection; absent: one route of every item to `projectionTable`. */
    readonly routes?: readonly DeployedRoute[];
    /** Which records the archive keeps (default: all). */
    readonly archiveScope?: ArchiveScope;
    /** Top-level attributes left out of both images in the archive. */
    readonly archiveExcludeAttributes?: readonly string[];
};

/** The settings one batch runs with: the part of {@link HandlerSettings} that planning, writing and archiving read. */
export type BatchSettings = Pick<
    HandlerSettings,
    | "projectionTable"
    | "archivePrefix"
    | "writeConcurrency"
    | "ttlExpirations"
    | "routes"
    | "archiveScope"
    | "archiveExcludeAttributes"
>;
