import { BatchProcessor, EventType } from "@aws-lambda-powertools/batch";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import { createArchiveWriter } from "./archive-writer";
import type { BatchDependencies } from "./process-batch";
import { createProjectionWriter } from "./projection-writer";
import type { BatchTelemetry } from "./telemetry";
import type { HandlerSettings } from "./types";

/**
 * Wires a batch's dependencies from the handler's settings: the one place that does, shared by
 * the Lambda's factory and the ops commands (backfill, redrive), so both write exactly alike.
 */
export function createBatchDependencies(
    settings: HandlerSettings,
    clients: { readonly dynamodb: DynamoDBClient; readonly s3: S3Client },
    telemetry: BatchTelemetry,
): BatchDependencies {
    return {
        processor: new BatchProcessor(EventType.DynamoDBStreams),
        writeProjection: createProjectionWriter(clients.dynamodb, settings.projectionTable, {
            tombstoneTtlSeconds: settings.tombstoneTtlSeconds,
        }),
        writeArchive: createArchiveWriter(clients.s3, settings.archiveBucket),
        archivePrefix: settings.archivePrefix,
        writeConcurrency: settings.writeConcurrency,
        ttlExpirations: settings.ttlExpirations,
        telemetry,
    };
}
