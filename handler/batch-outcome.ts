/** What happened to a batch's records, for the summary log line. */
export type BatchSummary = {
    records: number;
    writes: number;
    applied: number;
    stale: number;
    superseded: number;
    archiveOnly: number;
    failed: number;
};

/** What became of a batch, for its summary log line and its metrics. */
export type BatchOutcome = {
    readonly summary: Readonly<BatchSummary>;
    readonly durationMs: number;
    /** The archive object's compressed size; undefined when it was not stored. */
    readonly archiveBytes: number | undefined;
};
