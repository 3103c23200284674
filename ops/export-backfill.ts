import {
    DescribeContinuousBackupsCommand,
    DescribeExportCommand,
    ExportTableToPointInTimeCommand,
    type DynamoDBClient,
    type ExportDescription,
} from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import {
    DescribeExecutionCommand,
    DescribeMapRunCommand,
    ListExecutionsCommand,
    ListMapRunsCommand,
    RedriveExecutionCommand,
    StartExecutionCommand,
    type DescribeExecutionCommandOutput,
    type SFNClient,
} from "@aws-sdk/client-sfn";
import type { ExportDataFile } from "../handler/contract";
import { EXPORTS_PREFIX, RESULTS_PREFIX, type BackfillExecutionInput } from "../infra/backfill-definition";
import { formatManifestFiles, manifestFilesKeyOf, parseManifestFiles } from "./export-manifest";
import { readMapResults, summarizeResults, type BackfillRunSummary } from "./map-results";

/** The deployed backfill from exports: what it exports and which state machine applies the export. */
export type ExportBackfillTarget = {
    readonly description: string;
    readonly sourceTable: string;
    readonly sourceTableArn: string;
    readonly bucket: string;
    readonly stateMachineArn: string;
    /** Where an operator watches an execution (the Step Functions console on AWS). */
    readonly executionLink: (executionArn: string) => string;
};

export type ExportBackfillClients = {
    readonly dynamodb: DynamoDBClient;
    readonly sfn: SFNClient;
    readonly s3: S3Client;
};

/** Progress of an export, then of the map over its files. */
export type ExportBackfillProgress =
    | { readonly phase: "export"; readonly status: string; readonly elapsedMs: number }
    | {
          readonly phase: "map";
          readonly filesDone: number;
          readonly files: number;
          /** Estimated from the files done: the manifest counts items per file, the map counts files. */
          readonly itemsDone: number;
          readonly items: number;
          readonly failedFiles: number;
          readonly elapsedMs: number;
      };

export type ExportBackfillOptions = {
    /** Apply this completed export instead of starting one. */
    readonly exportArn?: string;
    /** Ignore the last run: export (or take `exportArn`) and start a new one. */
    readonly restart?: boolean;
    readonly dryRun?: boolean;
    readonly pollMs?: number;
    readonly log: (line: string) => void;
    readonly onProgress?: (progress: ExportBackfillProgress) => void;
    readonly now?: () => number;
};

export type ExportBackfillOutcome =
    | { readonly kind: "dry-run" }
    | { readonly kind: "already-complete"; readonly executionArn: string }
    | {
          readonly kind: "ran";
          /** How this run started: a new execution, a redrive of a failed one, or a new execution over a run's unfinished files. */
          readonly how: "new" | "redrive" | "unfinished-files";
          readonly executionArn: string;
          readonly status: string;
          readonly summary: BackfillRunSummary;
          readonly elapsedMs: number;
      };

/** A backfill error the operator can act on; `name` tells them apart. */
export function backfillError(name: string, message: string): Error {
    return Object.assign(new Error(message), { name });
}

/**
 * Backfill from a point-in-time export: starts ExportTableToPointInTime (or takes a completed
 * export), waits for it, and starts the backfill state machine on its manifest, then waits for
 * the map over its data files, reporting progress, and sums the run's results.
 *
 * Run again, it continues what the last run left: a failed execution is redriven (Step Functions
 * runs again only its files that did not succeed); a run that succeeded within its tolerated
 * failures gets a new execution over a manifest of just its unfinished files; a completed run is
 * left alone (`restart` starts over).
 *
 * @throws {Error} named ExecutionAlreadyRunning, PointInTimeRecoveryOff, ExportStillRunning or
 *   ExportFailed, with what to do; the SDK's own errors (e.g. AccessDeniedException) otherwise
 */
export async function runExportBackfill(
    clients: ExportBackfillClients,
    target: ExportBackfillTarget,
    options: ExportBackfillOptions,
): Promise<ExportBackfillOutcome> {
    const now = options.now ?? Date.now;
    const started = now();
    const { sfn } = clients;
    const { log } = options;

    const running = await sfn.send(
        new ListExecutionsCommand({
            stateMachineArn: target.stateMachineArn,
            statusFilter: "RUNNING",
            maxResults: 1,
        }),
    );
    const active = running.executions?.[0]?.executionArn;
    if (active) {
        throw backfillError(
            "ExecutionAlreadyRunning",
            `A backfill is already running for this feed: ${active}\n  ${target.executionLink(active)}\n` +
                `Wait for it to end (or stop it), then run the command again.`,
        );
    }

    const previous = options.restart ? undefined : await lastExecution(sfn, target.stateMachineArn);
    const previousInput = previous
        ? (JSON.parse(previous.input ?? "{}") as BackfillExecutionInput)
        : undefined;
    const samePrevious =
        previous && (!options.exportArn || previousInput?.export.exportArn === options.exportArn);
    if (previous && samePrevious) {
        if (previous.status === "FAILED" && previous.redriveStatus === "REDRIVABLE") {
            const executionArn = String(previous.executionArn);
            if (options.dryRun) {
                log(
                    `Would redrive ${executionArn}: Step Functions runs again only its data files that did not succeed.`,
                );
                return { kind: "dry-run" };
            }
            log(
                `Redriving ${executionArn} (${previous.error ?? "failed"}): only its data files that did not succeed run again.`,
            );
            log(`  ${target.executionLink(executionArn)}`);
            await sfn.send(new RedriveExecutionCommand({ executionArn }));
            return await watch(
                clients,
                target,
                options,
                executionArn,
                "redrive",
                await manifestOf(clients, target, previousInput!),
                started,
            );
        }
        if (previous.status === "SUCCEEDED") {
            const summary = await resultsOf(clients, target, previous);
            if (summary.unfinished.length === 0) {
                log(
                    `The last backfill (${String(previous.executionArn)}) applied every file of ${previousInput?.export.exportArn}; ` +
                        `nothing to do. Pass --restart to export the table again and apply it.`,
                );
                return { kind: "already-complete", executionArn: String(previous.executionArn) };
            }
            const key = `${EXPORTS_PREFIX}unfinished/${String(previous.name)}/manifest-files.json`;
            if (options.dryRun) {
                log(
                    `Would start a run over the ${summary.unfinished.length} data files ${String(previous.executionArn)} did not apply (manifest s3://${target.bucket}/${key}).`,
                );
                return { kind: "dry-run" };
            }
            await clients.s3.send(
                new PutObjectCommand({
                    Bucket: target.bucket,
                    Key: key,
                    Body: formatManifestFiles(summary.unfinished),
                    ContentType: "application/json",
                }),
            );
            log(
                `Applying the ${summary.unfinished.length} data files the last run did not (${summary.failedItems.toLocaleString("en-US")} items).`,
            );
            const input: BackfillExecutionInput = { manifestFilesKey: key, export: previousInput!.export };
            return await startAndWatch(
                clients,
                target,
                options,
                input,
                summary.unfinished,
                "unfinished-files",
                started,
            );
        }
    }

    const exported = options.exportArn
        ? await completedExport(clients.dynamodb, options.exportArn)
        : await newExport(clients.dynamodb, target, options, started);
    if (!exported) return { kind: "dry-run" };
    const manifestFilesKey = manifestFilesKeyOf(String(exported.ExportManifest));
    const input: BackfillExecutionInput = {
        manifestFilesKey,
        export: {
            exportArn: String(exported.ExportArn),
            exportTime: (exported.ExportTime ?? new Date(now())).toISOString(),
            tableArn: String(exported.TableArn ?? target.sourceTableArn),
        },
    };
    const files = await manifestOf(clients, target, input);
    if (options.dryRun) {
        log(
            `Would start ${target.stateMachineArn} on ${exported.ExportArn}: ${files.length} data files, ` +
                `${sumItems(files).toLocaleString("en-US")} items (s3://${target.bucket}/${manifestFilesKey}).`,
        );
        return { kind: "dry-run" };
    }
    return await startAndWatch(clients, target, options, input, files, "new", started);
}

async function lastExecution(
    sfn: SFNClient,
    stateMachineArn: string,
): Promise<DescribeExecutionCommandOutput | undefined> {
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1 }));
    const executionArn = listed.executions?.[0]?.executionArn;
    return executionArn ? sfn.send(new DescribeExecutionCommand({ executionArn })) : undefined;
}

/** @throws {Error} ExportStillRunning or ExportFailed, naming the export */
async function completedExport(dynamodb: DynamoDBClient, exportArn: string): Promise<ExportDescription> {
    const description = (await dynamodb.send(new DescribeExportCommand({ ExportArn: exportArn })))
        .ExportDescription!;
    if (description.ExportStatus === "IN_PROGRESS") {
        throw backfillError(
            "ExportStillRunning",
            `Export ${exportArn} is still running (started ${description.StartTime?.toISOString()}); run the command again ` +
                `once it has completed (aws dynamodb describe-export --export-arn ${exportArn}).`,
        );
    }
    if (description.ExportStatus === "FAILED") {
        throw backfillError(
            "ExportFailed",
            `Export ${exportArn} failed (${description.FailureCode}: ${description.FailureMessage}); start a new one ` +
                `by running the command without --export-arn.`,
        );
    }
    return description;
}

async function newExport(
    dynamodb: DynamoDBClient,
    target: ExportBackfillTarget,
    options: ExportBackfillOptions,
    started: number,
): Promise<ExportDescription | undefined> {
    const backups = await dynamodb.send(
        new DescribeContinuousBackupsCommand({ TableName: target.sourceTable }),
    );
    const recovery =
        backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus;
    if (recovery !== "ENABLED") throw pointInTimeRecoveryOff(target.sourceTable);
    if (options.dryRun) {
        options.log(
            `Would export ${target.sourceTable} as of now to s3://${target.bucket}/${EXPORTS_PREFIX} (DYNAMODB_JSON, full), ` +
                `then start ${target.stateMachineArn} on its manifest.`,
        );
        return undefined;
    }
    let description: ExportDescription;
    try {
        description = (
            await dynamodb.send(
                new ExportTableToPointInTimeCommand({
                    TableArn: target.sourceTableArn,
                    S3Bucket: target.bucket,
                    S3Prefix: EXPORTS_PREFIX.replace(/\/$/, ""),
                    ExportFormat: "DYNAMODB_JSON",
                    ExportType: "FULL_EXPORT",
                }),
            )
        ).ExportDescription!;
    } catch (error) {
        if ((error as Error).name === "PointInTimeRecoveryUnavailableException")
            throw pointInTimeRecoveryOff(target.sourceTable);
        throw error;
    }
    options.log(`Exporting ${target.sourceTable}: ${description.ExportArn}`);
    const now = options.now ?? Date.now;
    while (description.ExportStatus === "IN_PROGRESS") {
        options.onProgress?.({ phase: "export", status: "IN_PROGRESS", elapsedMs: now() - started });
        await sleep(options.pollMs ?? 10_000);
        description = (await dynamodb.send(new DescribeExportCommand({ ExportArn: description.ExportArn })))
            .ExportDescription!;
    }
    options.onProgress?.({
        phase: "export",
        status: String(description.ExportStatus),
        elapsedMs: now() - started,
    });
    if (description.ExportStatus !== "COMPLETED")
        return completedExport(dynamodb, String(description.ExportArn));
    options.log(
        `Export completed: ${Number(description.ItemCount ?? 0).toLocaleString("en-US")} items, ` +
            `${Number(description.BilledSizeBytes ?? 0).toLocaleString("en-US")} bytes billed.`,
    );
    return description;
}

function pointInTimeRecoveryOff(table: string): Error {
    return backfillError(
        "PointInTimeRecoveryOff",
        `Point-in-time recovery is off for table ${table}, and an export needs it. For a table this stack creates: ` +
            `pulumi config set ddb-changefeed:pointInTimeRecovery true, then pulumi up. For an existing table ` +
            `(sourceTableName): aws dynamodb update-continuous-backups --table-name ${table} ` +
            `--point-in-time-recovery-specification PointInTimeRecoveryEnabled=true. Or backfill with a scan: ` +
            `npm run backfill without --from-export.`,
    );
}

async function manifestOf(
    clients: ExportBackfillClients,
    target: ExportBackfillTarget,
    input: BackfillExecutionInput,
): Promise<ExportDataFile[]> {
    const object = await clients.s3.send(
        new GetObjectCommand({ Bucket: target.bucket, Key: input.manifestFilesKey }),
    );
    return parseManifestFiles((await object.Body?.transformToString()) ?? "");
}

async function startAndWatch(
    clients: ExportBackfillClients,
    target: ExportBackfillTarget,
    options: ExportBackfillOptions,
    input: BackfillExecutionInput,
    files: readonly ExportDataFile[],
    how: "new" | "unfinished-files",
    started: number,
): Promise<ExportBackfillOutcome> {
    const { executionArn } = await clients.sfn.send(
        new StartExecutionCommand({ stateMachineArn: target.stateMachineArn, input: JSON.stringify(input) }),
    );
    options.log(
        `Started ${executionArn}: ${files.length} data files, ${sumItems(files).toLocaleString("en-US")} items.`,
    );
    options.log(`  ${target.executionLink(String(executionArn))}`);
    return watch(clients, target, options, String(executionArn), how, files, started);
}

/** Waits for an execution, reporting the map's progress, and sums its results. */
async function watch(
    clients: ExportBackfillClients,
    target: ExportBackfillTarget,
    options: ExportBackfillOptions,
    executionArn: string,
    how: "new" | "redrive" | "unfinished-files",
    files: readonly ExportDataFile[],
    started: number,
): Promise<ExportBackfillOutcome> {
    const now = options.now ?? Date.now;
    const items = sumItems(files);
    for (;;) {
        const execution = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
        const mapRunArn = (await clients.sfn.send(new ListMapRunsCommand({ executionArn }))).mapRuns?.[0]
            ?.mapRunArn;
        if (mapRunArn) {
            const counts = (await clients.sfn.send(new DescribeMapRunCommand({ mapRunArn }))).itemCounts;
            const filesDone = Number(counts?.succeeded ?? 0);
            const total = Number(counts?.total ?? files.length) || files.length;
            options.onProgress?.({
                phase: "map",
                filesDone,
                files: total,
                itemsDone: total > 0 ? Math.round((items * filesDone) / total) : 0,
                items,
                failedFiles: Number(counts?.failed ?? 0),
                elapsedMs: now() - started,
            });
        }
        if (execution.status !== "RUNNING") {
            return {
                kind: "ran",
                how,
                executionArn,
                status: String(execution.status),
                summary: await resultsOf(clients, target, execution, mapRunArn),
                elapsedMs: now() - started,
            };
        }
        await sleep(options.pollMs ?? 5_000);
    }
}

/** The results of an execution's map, from the ResultWriter's manifest in the backfill bucket. */
async function resultsOf(
    clients: ExportBackfillClients,
    target: ExportBackfillTarget,
    execution: DescribeExecutionCommandOutput,
    knownMapRunArn?: string,
): Promise<BackfillRunSummary> {
    const output = execution.output
        ? (JSON.parse(execution.output) as { ResultWriterDetails?: { Key?: string } })
        : {};
    let key = output.ResultWriterDetails?.Key;
    if (!key) {
        // A failed execution has no output; its results are still under the Map Run's id.
        const mapRunArn =
            knownMapRunArn ??
            (await clients.sfn.send(new ListMapRunsCommand({ executionArn: execution.executionArn })))
                .mapRuns?.[0]?.mapRunArn;
        if (!mapRunArn)
            throw new Error(
                `Execution ${execution.executionArn} ran no map (${execution.error}: ${execution.cause}).`,
            );
        key = `${RESULTS_PREFIX}${mapRunArn.slice(mapRunArn.lastIndexOf(":") + 1)}/manifest.json`;
    }
    return summarizeResults(await readMapResults(clients.s3, target.bucket, key));
}

function sumItems(files: readonly ExportDataFile[]): number {
    return files.reduce((sum, file) => sum + file.itemCount, 0);
}

function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
