/**
 * The base of the handler's errors: each subclass sets its `name`, which is what logs, metrics
 * and {@link isDeliberateFailure} tell them apart by (spelled out rather than taken from the
 * class, so a bundler that renames classes cannot change it).
 */
export abstract class ChangeFeedError extends Error {
    abstract override readonly name: string;
}

/** A stream record the handler cannot apply; that record fails, the rest of the batch goes on. */
export class MalformedRecordError extends ChangeFeedError {
    override readonly name = "MalformedRecordError";

    constructor(
        readonly eventID: string | undefined,
        readonly reason: string,
    ) {
        super(`Stream record ${eventID ?? "(no eventID)"} is malformed: ${reason}`);
    }
}

/** The batch's archive object could not be stored; the whole batch fails so it is retried. */
export class ArchiveWriteError extends ChangeFeedError {
    override readonly name = "ArchiveWriteError";

    constructor(
        readonly objectKey: string,
        cause: unknown,
    ) {
        super(`Archiving the batch to ${objectKey} failed: ${describeError(cause)}`, { cause });
    }
}

/** The function was deployed without a setting it needs. */
export class MissingSettingError extends ChangeFeedError {
    override readonly name = "MissingSettingError";

    constructor(readonly variable: string) {
        super(
            `Environment variable ${variable} is not set; the Pulumi program sets it on the ` +
                `function (run pulumi up again, or set it for a local run).`,
        );
    }
}

/** The function was deployed with a setting out of range, or not in the form the program writes. */
export class InvalidSettingError extends ChangeFeedError {
    override readonly name = "InvalidSettingError";

    /** @param allowed - what the variable may be, e.g. `delete or archiveOnly` */
    constructor(
        readonly variable: string,
        readonly value: string,
        allowed: string,
    ) {
        super(
            `Environment variable ${variable} is "${value}"; allowed: ${allowed}. The Pulumi program sets it ` +
                `from stack config (run pulumi up again, or fix it for a local run).`,
        );
    }
}

/** The event is not a DynamoDB Streams batch at all: a wiring mistake, not a bad record. */
export class InvalidEventError extends ChangeFeedError {
    override readonly name = "InvalidEventError";

    constructor(reason: string) {
        super(`Not a DynamoDB Streams event: ${reason}`);
    }
}

/**
 * Failed records without a sequence number cannot be named in `batchItemFailures` (Powertools
 * would drop them silently), so the whole batch fails instead: nothing is lost, and bisecting
 * isolates the record for the failure destination.
 */
export class UnreportableRecordError extends ChangeFeedError {
    override readonly name = "UnreportableRecordError";
    readonly eventIDs: readonly string[];

    constructor(records: readonly { readonly eventID?: string | undefined }[]) {
        const eventIDs = records.map((record) => record.eventID ?? "(no eventID)");
        super(
            `Failed stream records without a sequence number cannot be reported one by one, so ` +
                `the whole batch fails: ${eventIDs.join(", ")}`,
        );
        this.eventIDs = eventIDs;
    }
}

/**
 * The first record of a multi-record batch failed. Reporting it would checkpoint nothing, and on
 * exhausting its retries the mapping would send the whole rest of the batch to the failure
 * destination with it; failing the invocation makes the mapping bisect the batch instead (splits
 * cost no retries), so a poison record ends up alone in the failure destination.
 */
export class FirstRecordFailedError extends ChangeFeedError {
    override readonly name = "FirstRecordFailedError";

    constructor(
        readonly sequenceNumber: string,
        readonly failedRecords: number,
    ) {
        super(
            `The batch's first record (sequence ${sequenceNumber}) failed (${failedRecords} failed in all), so ` +
                `nothing could be checkpointed; failing the invocation so the mapping bisects the batch and isolates it.`,
        );
    }
}

/** A data file of an export could not be applied: a line is not DynamoDB JSON, or its items keep failing. */
export class ExportFileError extends ChangeFeedError {
    override readonly name = "ExportFileError";
    readonly firstLine: number;
    readonly lastLine: number;

    constructor(
        readonly dataFileS3Key: string,
        lines: { readonly first: number; readonly last: number },
        readonly reasons: readonly string[],
    ) {
        const shown = reasons.slice(0, EXPORT_FILE_REASONS_SHOWN).join("; ");
        const hidden = reasons.length - EXPORT_FILE_REASONS_SHOWN;
        super(
            `Data file ${dataFileS3Key}, lines ${lines.first}-${lines.last}: ${shown}${hidden > 0 ? ` (and ${hidden} more)` : ""}`,
        );
        this.firstLine = lines.first;
        this.lastLine = lines.last;
    }
}

/** Reasons an {@link ExportFileError}'s message shows; all of them stay in `reasons`. */
const EXPORT_FILE_REASONS_SHOWN = 5;

/**
 * The errors the handler raises on purpose when records failed, to fail the invocation so the
 * mapping retries or bisects the batch (Powertools raises FullBatchFailureError when every record
 * failed). The records themselves are logged and counted one by one; a record that keeps failing
 * ends up, alone, in the failure destination.
 */
export const DELIBERATE_FAILURES = [
    "FirstRecordFailedError",
    "FullBatchFailureError",
    "UnreportableRecordError",
] as const;

/** Whether an invocation failed on purpose (see {@link DELIBERATE_FAILURES}) rather than unexpectedly. */
export function isDeliberateFailure(error: unknown): boolean {
    return error instanceof Error && (DELIBERATE_FAILURES as readonly string[]).includes(error.name);
}

/** `Name: message` of an error, or the value as text. */
export function describeError(error: unknown): string {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
