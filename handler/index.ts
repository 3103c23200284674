import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import type { BatchSummary } from "./batch-outcome";
import { createChangeFeedClients } from "./clients";
import { EXPORT_BATCH_SIZE, type ExportFileResult, type ExportFileTask } from "./contract";
import { createBatchDependencies } from "./dependencies";
import { describeError } from "./errors";
import { applyExportFile, type ExportBatchOutcome } from "./export-backfill";
import { createDataFileReader } from "./export-reader";
import { handleInvocation } from "./invocation";
import { processStreamBatch } from "./process-batch";
import { readKeyAttributes, readSettings } from "./settings";
import { createTelemetry, type BatchTelemetry } from "./telemetry";

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

/**
 * The Lambda's factory: the function's `callbackFactory` loads the handler's bundle and calls this
 * once per container (infra/handler-bundle.ts), so clients, the batch processor and the Powertools
 * logger and metrics are built here and reused by every batch.
 *
 * Endpoints, region and credentials come from the standard AWS SDK environment, which is what
 * lets the same code run against DynamoDB Local and s3rver (`AWS_ENDPOINT_URL_DYNAMODB`,
 * `AWS_ENDPOINT_URL_S3`).
 *
 * @throws {MissingSettingError} at cold start when the function's environment lacks a setting
 * @example
 * new aws.lambda.CallbackFunction("changefeed-handler", {
 *     callbackFactory: bundledFactory<StreamHandler>(handlerBundle(), "createStreamHandler"),
 *     ...
 * });
 */
export function createStreamHandler(): StreamHandler {
    const settings = readSettings(process.env);
    const telemetry = createTelemetry(
        new Logger({ serviceName: settings.serviceName }),
        new Metrics({ namespace: settings.metricsNamespace, serviceName: settings.serviceName }),
    );
    const dependencies = createBatchDependencies(settings, createChangeFeedClients(), telemetry);
    return (event, context) => handleInvocation(event, dependencies, telemetry, context);
}

export type ExportBackfillHandler = (task: ExportFileTask, context: Context) => Promise<ExportFileResult>;

/**
 * The export backfill function's factory, loaded as {@link createStreamHandler} is: each
 * invocation applies one data file of a DynamoDB export (or the next part of one) through the
 * stream handler's own batch orchestration, with the same settings and guarded writes. Clients,
 * logger and metrics are built once per container.
 *
 * @throws {MissingSettingError} at cold start when the function's environment lacks a setting
 */
export function createExportBackfillHandler(): ExportBackfillHandler {
    const settings = readSettings(process.env);
    const keyAttributes = readKeyAttributes(process.env);
    const clients = createChangeFeedClients();
    const logger = new Logger({ serviceName: settings.serviceName });
    const telemetry = createTelemetry(
        logger,
        new Metrics({ namespace: settings.metricsNamespace, serviceName: settings.serviceName }),
    );
    const readDataFile = createDataFileReader(clients.s3);
    return async (task, context) => {
        const runBatch = async (event: DynamoDBStreamEvent): Promise<ExportBatchOutcome> => {
            let summary: BatchSummary | undefined;
            const failures: string[] = [];
            const batchTelemetry: BatchTelemetry = {
                batchStarted: (records) => telemetry.batchStarted(records, context),
                recordFailed: (record, error) => {
                    failures.push(`${record.eventID ?? "(no eventID)"}: ${describeError(error)}`);
                    telemetry.recordFailed(record, error);
                },
                batchFinished: (outcome) => {
                    summary = { ...outcome.summary };
                    telemetry.batchFinished(outcome);
                },
            };
            const counts = () => ({ applied: summary?.applied ?? 0, stale: summary?.stale ?? 0 });
            try {
                await processStreamBatch(
                    event,
                    createBatchDependencies(settings, clients, batchTelemetry),
                    context,
                );
                return { ...counts(), failures };
            } catch (error) {
                return { ...counts(), failures, error: describeError(error) };
            }
        };
        const result = await applyExportFile(task, {
            readDataFile,
            runBatch,
            keyAttributes,
            batchSize: EXPORT_BATCH_SIZE,
            attemptsPerBatch: 3,
            backoff: (attempt) => new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt)),
            remainingMs: () => context.getRemainingTimeInMillis(),
            stopMarginMs: 60_000,
        });
        logger.info("export data file", {
            dataFileS3Key: task.file.dataFileS3Key,
            done: result.done,
            resumeAtLine: result.resumeAtLine,
            ...result.totals,
        });
        return result;
    };
}

// What tools outside the Lambda reuse: the local stack and the benchmark read the function's settings
// from its environment and replay its pure steps; readers decode archive objects and tell tombstones
// from live items.
export { readSettings } from "./settings";
export type { HandlerSettings } from "./types";
export { planBatch } from "./plan";
export { isTombstone, toGuardedPut, withoutReservedAttributes } from "./projection-item";
export { decodeArchiveObject, encodeArchiveObject } from "./archive";
