import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { ExportFileResult, ExportFileTask, ExportFileTotals } from "./contract";
import { ExportFileError } from "./errors";
import type { DataFileReader } from "./export-reader";
import { toBackfillRecord } from "./backfill-records";
import { dataFileLabel, exportIdOf, parseExportLine } from "./export-lines";

/** What one batch of records through the handler's own path came to. */
export type ExportBatchOutcome = {
    readonly applied: number;
    readonly stale: number;
    /** Reasons of the records that failed (empty when all landed). */
    readonly failures: readonly string[];
    /** Set when the batch failed as a whole. */
    readonly error?: string;
};

/** What applying a data file needs; built once per container by the factory in `index.ts`. */
export type ExportFileDependencies = {
    readonly readDataFile: DataFileReader;
    /** Runs one batch through the stream handler's orchestration (`processStreamBatch`). */
    readonly runBatch: (event: DynamoDBStreamEvent) => Promise<ExportBatchOutcome>;
    readonly keyAttributes: readonly string[];
    readonly batchSize: number;
    /** Attempts per batch before the file fails (its writes are idempotent, so a retry is safe). */
    readonly attemptsPerBatch: number;
    /** Waits between attempts. */
    readonly backoff: (attempt: number) => Promise<void>;
    /** Milliseconds left in this invocation. */
    readonly remainingMs: () => number;
    /** No new batch starts with less time than this left: the file resumes in the next invocation. */
    readonly stopMarginMs: number;
};

const NO_TOTALS: ExportFileTotals = { items: 0, applied: 0, stale: 0 };

/**
 * Applies one data file of a DynamoDB export (gzip'd DynamoDB JSON, one `{"Item":…}` per line)
 * to the projection and the archive, in batches through the stream handler's own path: each item
 * becomes an INSERT with sequence number 0, so the guarded write lands only where the stream has
 * not written or deleted the key. Batches run one after the other, each with the handler's
 * bounded write concurrency.
 *
 * When the invocation runs short of time it stops between batches and returns `done: false` with
 * the line to resume at; the state machine invokes it again with that result. Batch boundaries
 * depend only on line numbers, so a resumed or repeated file writes the same archive objects.
 *
 * @throws {ExportFileError} when a line is not an exported item, or a batch still has failed
 *   records after its attempts (naming the lines and the reasons)
 */
export async function applyExportFile(
    task: ExportFileTask,
    dependencies: ExportFileDependencies,
): Promise<ExportFileResult> {
    const key = task.file.dataFileS3Key;
    const resumeAtLine = task.resumeAtLine ?? 0;
    let totals = task.totals ?? NO_TOTALS;
    const origin = {
        tableArn: task.export.tableArn,
        exportId: exportIdOf(key),
        fileLabel: dataFileLabel(key),
        exportTimeSeconds: Math.floor(Date.parse(task.export.exportTime) / 1000),
    };

    let lineNumber = 0;
    let pending: { readonly line: number; readonly text: string }[] = [];
    let batchesThisInvocation = 0;
    const flush = async (): Promise<boolean> => {
        if (pending.length === 0) return true;
        // At least one batch per invocation, so a file always makes progress.
        if (batchesThisInvocation > 0 && dependencies.remainingMs() < dependencies.stopMarginMs) return false;
        const first = pending[0]!.line;
        const last = pending[pending.length - 1]!.line;
        const batch = { ...origin, batch: Math.floor((first - 1) / dependencies.batchSize) };
        const records = pending.map(({ line, text }) => {
            try {
                return toBackfillRecord(
                    parseExportLine(text, `${key} line ${line}`),
                    dependencies.keyAttributes,
                    {
                        export: batch,
                        line,
                    },
                );
            } catch (error) {
                throw new ExportFileError(key, { first: line, last: line }, [
                    error instanceof Error ? error.message : String(error),
                ]);
            }
        });
        const outcome = await runWithRetries(records, dependencies, { first, last }, key);
        totals = {
            items: totals.items + records.length,
            applied: totals.applied + outcome.applied,
            stale: totals.stale + outcome.stale,
        };
        pending = [];
        batchesThisInvocation++;
        return true;
    };

    for await (const text of dependencies.readDataFile(task.bucket, key)) {
        lineNumber++;
        if (lineNumber <= resumeAtLine || text.trim() === "") continue;
        pending.push({ line: lineNumber, text });
        // A batch is a fixed range of lines, whatever invocation applies it.
        if (lineNumber % dependencies.batchSize === 0 && !(await flush())) {
            return { ...task, done: false, resumeAtLine: pending[0]!.line - 1, totals };
        }
    }
    if (!(await flush())) return { ...task, done: false, resumeAtLine: pending[0]!.line - 1, totals };
    return { ...task, done: true, resumeAtLine: lineNumber, totals };
}

async function runWithRetries(
    records: DynamoDBRecord[],
    dependencies: ExportFileDependencies,
    lines: { readonly first: number; readonly last: number },
    key: string,
): Promise<ExportBatchOutcome> {
    let outcome: ExportBatchOutcome | undefined;
    for (let attempt = 1; attempt <= dependencies.attemptsPerBatch; attempt++) {
        outcome = await dependencies.runBatch({ Records: records });
        if (outcome.failures.length === 0 && outcome.error === undefined) return outcome;
        if (attempt < dependencies.attemptsPerBatch) await dependencies.backoff(attempt);
    }
    const reasons = outcome?.failures.length ? outcome.failures : [outcome?.error ?? "the batch failed"];
    throw new ExportFileError(key, lines, reasons);
}
