/** What one route's projection received in a batch. */
export type RouteCounts = {
    /** Writes that landed, puts and tombstones. */
    applied: number;
    /** Writes that lost to a newer change already in the projection. */
    stale: number;
    /** Tombstones that landed: the item was deleted, or stopped matching the route. */
    tombstoned: number;
};

/** What happened to a batch's records, for the summary log line. */
export type BatchSummary = {
    records: number;
    writes: number;
    applied: number;
    stale: number;
    superseded: number;
    archiveOnly: number;
    failed: number;
    /** With routes: records no route needed. */
    unrouted?: number;
    /** With routes: each route's writes, by route name. */
    routes?: Record<string, RouteCounts>;
};

/** What became of a batch, for its summary log line and its metrics. */
export type BatchOutcome = {
    readonly summary: Readonly<BatchSummary>;
    readonly durationMs: number;
    /** The archive object's compressed size; undefined when it was not stored. */
    readonly archiveBytes: number | undefined;
};
