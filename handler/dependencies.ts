import { BatchProcessor, EventType } from "@aws-lambda-powertools/batch";
import { createArchiveWriter } from "./archive-writer";
import type { ChangeFeedClients } from "./clients";
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
    clients: ChangeFeedClients,
    telemetry: BatchTelemetry,
): BatchDependencies {
    return {
        ...settings,
        processor: new BatchProcessor(EventType.DynamoDBStreams),
        writeProjection: createProjectionWriter(clients.dynamodb, {
            tombstoneTtlSeconds: settings.tombstoneTtlSeconds,
        }),
        writeArchive: createArchiveWriter(clients.s3, settings.archiveBucket),
        telemetry,
    };
}
