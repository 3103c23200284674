import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { ExportFileResult, ExportFileTask } from "../handler/contract";

/** One child execution as a Distributed Map's ResultWriter records it. */
export type ChildResult = {
    readonly Status: string;
    readonly Input?: string;
    readonly Output?: string;
    readonly Error?: string;
    readonly Cause?: string;
};

/** A run's results by status: `SUCCEEDED`, `FAILED`, `PENDING` (not run). */
export type MapResults = Readonly<Record<"SUCCEEDED" | "FAILED" | "PENDING", readonly ChildResult[]>>;

/** What a backfill run came to, for its summary. */
export type BackfillRunSummary = {
    readonly files: {
        readonly total: number;
        readonly succeeded: number;
        readonly failed: number;
        readonly notRun: number;
    };
    /** Items of the export, by its manifest. */
    readonly items: number;
    readonly applied: number;
    /** Items whose key the projection already held in a newer state (written or deleted by the stream). */
    readonly stale: number;
    /** Items in files that failed or did not run. */
    readonly failedItems: number;
    readonly failures: readonly {
        readonly dataFileS3Key: string;
        readonly error: string;
        readonly cause: string;
    }[];
    /** The manifest lines of the files that did not succeed, to run them again. */
    readonly unfinished: readonly ExportFileTask["file"][];
};

/** Reads the ResultWriter's manifest and result files of a Map Run. */
export async function readMapResults(s3: S3Client, bucket: string, manifestKey: string): Promise<MapResults> {
    const read = async (key: string) =>
        (await (
            await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
        ).Body?.transformToString()) ?? "";
    const manifest = JSON.parse(await read(manifestKey)) as {
        ResultFiles?: Partial<Record<keyof MapResults, { Key: string }[]>>;
    };
    const results: Record<keyof MapResults, ChildResult[]> = { SUCCEEDED: [], FAILED: [], PENDING: [] };
    for (const status of Object.keys(results) as (keyof MapResults)[]) {
        for (const file of manifest.ResultFiles?.[status] ?? []) {
            results[status].push(...(JSON.parse(await read(file.Key)) as ChildResult[]));
        }
    }
    return results;
}

/** Sums a run's results: the succeeded files' outputs, the failed and unrun files' inputs. Pure. */
export function summarizeResults(results: MapResults): BackfillRunSummary {
    const task = (result: ChildResult) => JSON.parse(result.Input ?? "{}") as ExportFileTask;
    const outputs = results.SUCCEEDED.map((result) => JSON.parse(result.Output ?? "{}") as ExportFileResult);
    const unfinished = [...results.FAILED, ...results.PENDING].map((result) => task(result).file);
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    return {
        files: {
            total: results.SUCCEEDED.length + results.FAILED.length + results.PENDING.length,
            succeeded: results.SUCCEEDED.length,
            failed: results.FAILED.length,
            notRun: results.PENDING.length,
        },
        items: sum([
            ...outputs.map((output) => output.file.itemCount),
            ...unfinished.map((file) => file.itemCount),
        ]),
        applied: sum(outputs.map((output) => output.totals.applied)),
        stale: sum(outputs.map((output) => output.totals.stale)),
        failedItems: sum(unfinished.map((file) => file.itemCount)),
        failures: results.FAILED.map((result) => ({
            dataFileS3Key: task(result).file.dataFileS3Key,
            error: result.Error ?? "",
            cause: result.Cause ?? "",
        })),
        unfinished,
    };
}
