/*
 * The handler's errors are plain `Error`s with a `name` and their data, built by functions rather
 * than classes: Pulumi serializes handler/ into the function's code by value, and its rewrite of
 * a class constructor breaks `Error` subclasses (the message is dropped, `new.target` is undefined).
 * ESLint forbids classes in handler/ for that reason.
 */

/** An error of the handler's, told apart by `name`. */
export type ChangeFeedError<Name extends string, Data extends object = object> = Error &
    Readonly<Data> & { readonly name: Name };

/** A stream record the handler cannot apply; that record fails, the rest of the batch goes on. */
export type MalformedRecordError = ChangeFeedError<
    "MalformedRecordError",
    { eventID: string | undefined; reason: string }
>;

/** The batch's archive object could not be stored; the whole batch fails so it is retried. */
export type ArchiveWriteError = ChangeFeedError<"ArchiveWriteError", { objectKey: string }>;

/** The function was deployed without a setting it needs. */
export type MissingSettingError = ChangeFeedError<"MissingSettingError", { variable: string }>;

/** The function was deployed with a setting out of range. */
export type InvalidSettingError = ChangeFeedError<"InvalidSettingError", { variable: string; value: string }>;

/** The event is not a DynamoDB Streams batch at all: a wiring mistake, not a bad record. */
export type InvalidEventError = ChangeFeedError<"InvalidEventError">;

/**
 * Failed records without a sequence number cannot be named in `batchItemFailures` (Powertools
 * would drop them silently), so the whole batch fails instead: nothing is lost, and bisecting
 * isolates the record for the failure destination.
 */
export type UnreportableRecordError = ChangeFeedError<
    "UnreportableRecordError",
    { eventIDs: readonly string[] }
>;

/**
 * The first record of a multi-record batch failed. Reporting it would checkpoint nothing, and on
 * exhausting its retries the mapping would send the whole rest of the batch to the failure
 * destination with it; failing the invocation makes the mapping bisect the batch instead (splits
 * cost no retries), so a poison record ends up alone in the failure destination.
 */
export type FirstRecordFailedError = ChangeFeedError<
    "FirstRecordFailedError",
    { sequenceNumber: string; failedRecords: number }
>;

export function firstRecordFailedError(
    sequenceNumber: string,
    failedRecords: number,
): FirstRecordFailedError {
    return changeFeedError(
        "FirstRecordFailedError",
        `The batch's first record (sequence ${sequenceNumber}) failed (${failedRecords} failed in all), so ` +
            `nothing could be checkpointed; failing the invocation so the mapping bisects the batch and isolates it.`,
        { sequenceNumber, failedRecords },
    );
}

export function malformedRecordError(eventID: string | undefined, reason: string): MalformedRecordError {
    return changeFeedError(
        "MalformedRecordError",
        `Stream record ${eventID ?? "(no eventID)"} is malformed: ${reason}`,
        { eventID, reason },
    );
}

export function archiveWriteError(objectKey: string, cause: unknown): ArchiveWriteError {
    return changeFeedError(
        "ArchiveWriteError",
        `Archiving the batch to ${objectKey} failed: ${describeError(cause)}`,
        { objectKey },
        cause,
    );
}

export function missingSettingError(variable: string): MissingSettingError {
    return changeFeedError(
        "MissingSettingError",
        `Environment variable ${variable} is not set; the Pulumi program sets it on the ` +
            `function (run pulumi up again, or set it for a local run).`,
        { variable },
    );
}

export function invalidSettingError(variable: string, value: string, allowed: string): InvalidSettingError {
    return changeFeedError(
        "InvalidSettingError",
        `Environment variable ${variable} is "${value}"; allowed: ${allowed}. The Pulumi program sets it ` +
            `from stack config (run pulumi up again, or fix it for a local run).`,
        { variable, value },
    );
}

export function invalidEventError(reason: string): InvalidEventError {
    return changeFeedError("InvalidEventError", `Not a DynamoDB Streams event: ${reason}`, {});
}

export function unreportableRecordError(records: readonly { eventID?: string }[]): UnreportableRecordError {
    const eventIDs = records.map((record) => record.eventID ?? "(no eventID)");
    return changeFeedError(
        "UnreportableRecordError",
        `Failed stream records without a sequence number cannot be reported one by one, so ` +
            `the whole batch fails: ${eventIDs.join(", ")}`,
        { eventIDs },
    );
}

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

function changeFeedError<Name extends string, Data extends object>(
    name: Name,
    message: string,
    data: Data,
    cause?: unknown,
): ChangeFeedError<Name, Data> {
    const error = new Error(message, cause === undefined ? undefined : { cause });
    return Object.assign(error, data, { name });
}

/** A data file of an export could not be applied: a line is not DynamoDB JSON, or its items keep failing. */
export type ExportFileError = ChangeFeedError<
    "ExportFileError",
    { dataFileS3Key: string; firstLine: number; lastLine: number; reasons: readonly string[] }
>;

export function exportFileError(
    dataFileS3Key: string,
    lines: { readonly first: number; readonly last: number },
    reasons: readonly string[],
): ExportFileError {
    const shown = reasons.slice(0, 5).join("; ");
    const more = reasons.length > 5 ? ` (and ${reasons.length - 5} more)` : "";
    return changeFeedError(
        "ExportFileError",
        `Data file ${dataFileS3Key}, lines ${lines.first}-${lines.last}: ${shown}${more}`,
        { dataFileS3Key, firstLine: lines.first, lastLine: lines.last, reasons },
    );
}
