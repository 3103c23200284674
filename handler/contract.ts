/**
 * The handler's contract with the program that deploys it: the names and ranges both sides must
 * agree on. `infra/` imports this module (and the handler's factory) and nothing else of
 * `handler/`, so a change here is a change of the contract, made in one place.
 */

/** The environment variables the program sets on the function. */
export const SETTING_VARIABLES = {
    projectionTable: "PROJECTION_TABLE",
    archiveBucket: "ARCHIVE_BUCKET",
    archivePrefix: "ARCHIVE_PREFIX",
    writeConcurrency: "WRITE_CONCURRENCY",
    tombstoneTtlSeconds: "TOMBSTONE_TTL_SECONDS",
    ttlExpirations: "TTL_EXPIRATIONS",
    // Set only when the stack configures them; absent, the handler behaves as without routes.
    routes: "ROUTES",
    archiveScope: "ARCHIVE_SCOPE",
    archiveExcludeAttributes: "ARCHIVE_EXCLUDE_ATTRIBUTES",
    // Powertools' own variable names, so its Logger and Metrics would read them too.
    serviceName: "POWERTOOLS_SERVICE_NAME",
    metricsNamespace: "POWERTOOLS_METRICS_NAMESPACE",
} as const;

/**
 * Distinct keys the handler writes at once. Past 100 the Node SDK's own CPU per request bounds
 * a single invocation, so more concurrency only adds throttling risk on a hot partition.
 */
export const WRITE_CONCURRENCY_RANGE = { min: 1, max: 100 } as const;

/** What the handler does with TTL expirations: delete from the projection too, or only archive. */
export const TTL_EXPIRATION_MODES = ["delete", "archiveOnly"] as const;
export type TtlExpirationMode = (typeof TTL_EXPIRATION_MODES)[number];

/**
 * Which records the archive keeps: every record of the stream, or only those at least one route
 * needs (a record routed to no projection is then left out, and the mapping's filter keeps it
 * from invoking the function at all).
 */
export const ARCHIVE_SCOPES = ["all", "routed"] as const;
export type ArchiveScope = (typeof ARCHIVE_SCOPES)[number];

/** A value a route compares an attribute with, typed as DynamoDB writes it in a stream image. */
export type RouteValue = { readonly S: string } | { readonly N: string } | { readonly BOOL: boolean };

/**
 * Which items a route holds: every item; items whose key attribute (a string) starts with a
 * prefix; or items whose top-level attribute equals one of some values. Numbers are compared by
 * the decimal text DynamoDB writes (normalized: no exponent, no leading or trailing zeros), which
 * is also how the mapping's filter compares them.
 */
export type RouteMatch =
    | "all"
    | { readonly keyPrefix: { readonly attribute: string; readonly prefix: string } }
    | { readonly attributeEquals: { readonly attribute: string; readonly values: readonly RouteValue[] } };

/**
 * The top-level attributes a route's projection carries: only `include` (when given), less
 * `exclude`. Key attributes are always kept.
 */
export type RouteAttributes = { readonly include?: readonly string[]; readonly exclude?: readonly string[] };

/** One route of a single-table design's items to a projection of its own. */
export type RouteDefinition = {
    /** Kebab-case, unique in the feed; names the route's projection table, log fields and metrics. */
    readonly name: string;
    readonly match: RouteMatch;
    readonly attributes?: RouteAttributes;
};

/**
 * The name of the one route of a feed without `routes` (every item, on the feed's one projection
 * table): what its archive lines name and what the lake calls its current-state table.
 */
export const DEFAULT_ROUTE_NAME = "default";

/** A route as the function runs it: its definition and the physical name of its projection table. */
export type DeployedRoute = RouteDefinition & { readonly table: string };

/** The dimension that tells the per-route metrics apart. */
export const ROUTE_DIMENSION = "route";

/**
 * Records of a batch that no route needed, emitted with the batch's metrics when the feed has
 * routes (the mapping's filter keeps such records from invoking the function at all when
 * `archiveScope` is `routed`).
 */
export const UNROUTED_RECORDS_METRIC = "RecordsUnrouted";

/** The metrics the handler emits per route and batch (dimension `route`), when the feed has routes. */
export const ROUTE_METRICS = {
    /** Guarded writes to the route's projection that landed (puts and tombstones). */
    applied: "RouteWritesApplied",
    /** Guarded writes to the route's projection that lost to a newer change already there. */
    stale: "RouteWritesStale",
    /** Tombstones that landed: the item was deleted, or stopped matching the route. */
    tombstoned: "RouteTombstonesWritten",
} as const;

/** The CloudWatch namespace of the handler's own metrics; the `service` dimension tells stacks apart. */
export const METRICS_NAMESPACE = "DdbChangefeed";

/** The metrics the handler emits once per batch (in EMF, so they cost no API call). */
export const BATCH_METRICS = {
    /** Records that need no retry: applied, stale, superseded or only archived. */
    recordsProcessed: "RecordsProcessed",
    /** Records reported for retry (or that failed the whole batch). */
    recordsFailed: "RecordsFailed",
    /** Earlier changes of a key whose latest change in the batch was written instead. */
    recordsSuperseded: "RecordsSuperseded",
    /** Guarded writes that lost to a newer change already in the projection. */
    staleWritesSkipped: "StaleWritesSkipped",
    /** Compressed size of the batch's archive object, when it was stored. */
    archiveBytes: "ArchiveBytes",
    /** Wall-clock time from receiving the batch to its response. */
    batchDuration: "BatchDuration",
} as const;

/**
 * The metric the handler emits once per invocation that fails with an error it did not raise on
 * purpose (see `isDeliberateFailure`): what the Errors alarm counts.
 */
export const INVOCATION_METRICS = {
    /** Invocations that failed unexpectedly: an archive write, a wiring or a programming error. */
    unexpectedErrors: "UnexpectedInvocationErrors",
} as const;

/**
 * Attributes the projection reserves on every item. A source item must not use these names (its
 * record fails with a reason saying so).
 *
 * - `_cdc_sequence`: the 40-digit, zero-padded sequence number of the change the item reflects.
 * - `_cdc_tombstone`: present (true) when the item was deleted at the source; readers skip it.
 * - `_cdc_expires_at`: epoch seconds after which the projection's TTL removes a tombstone.
 */
export const RESERVED_ATTRIBUTES = {
    sequence: "_cdc_sequence",
    tombstone: "_cdc_tombstone",
    expiresAt: "_cdc_expires_at",
} as const;

/** The prefix of every reserved attribute name, present and future; config refuses names with it. */
export const RESERVED_ATTRIBUTE_PREFIX = "_cdc_";

/**
 * The handler's dependencies that the Lambda Node.js runtime already provides. The code archive
 * leaves them out (packaging them would take it from ~470 KB to over 4 MB); everything else in
 * package.json `dependencies` is packaged. The function therefore runs the runtime's version of
 * them, which the local Lambda runner gives it too (see local/lambda/runtime-modules.ts).
 */
export const RUNTIME_PROVIDED_PACKAGES = ["@aws-sdk/client-dynamodb", "@aws-sdk/client-s3"] as const;

/** The environment variables the program sets on the export backfill function, besides {@link SETTING_VARIABLES}. */
export const EXPORT_BACKFILL_VARIABLES = {
    /** The source table's key attribute names, partition key first, comma-separated (e.g. `pk,sk`). */
    keyAttributes: "KEY_ATTRIBUTES",
} as const;

/**
 * Source items per handler batch (and so per archive object) when a data file of an export is
 * applied: a tenth of the PUTs the stream's batches of 100 would cost, well under the stream's
 * 10,000-record batch limit.
 */
export const EXPORT_BATCH_SIZE = 500;

/** One data file of a DynamoDB export: a line of its `manifest-files.json`. */
export type ExportDataFile = {
    readonly dataFileS3Key: string;
    readonly itemCount: number;
    readonly md5Checksum?: string;
    readonly etag?: string;
};

/** The export a data file belongs to. */
export type ExportOrigin = {
    readonly exportArn: string;
    /** The export's point in time (ISO 8601): the creation time of every backfilled change. */
    readonly exportTime: string;
    readonly tableArn: string;
};

/** What the export backfill applied of a data file so far. */
export type ExportFileTotals = {
    readonly items: number;
    readonly applied: number;
    /** Items whose key the projection already holds in a newer state (written or deleted by the stream). */
    readonly stale: number;
};

/**
 * The export backfill function's input, built by the state machine for each line of the manifest
 * (`bucket`, `file`, `export`), and its output, which the state machine hands back while `done`
 * is false: a file too large for one invocation is applied over several, each resuming at
 * `resumeAtLine`.
 */
export type ExportFileTask = {
    readonly bucket: string;
    readonly file: ExportDataFile;
    readonly export: ExportOrigin;
    readonly resumeAtLine?: number;
    readonly totals?: ExportFileTotals;
};

export type ExportFileResult = ExportFileTask & {
    readonly done: boolean;
    readonly resumeAtLine: number;
    readonly totals: ExportFileTotals;
};
