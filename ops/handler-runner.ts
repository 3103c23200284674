import { createBatchDependencies } from "../handler/dependencies";
import { describeError } from "../handler/errors";
import { processStreamBatch } from "../handler/process-batch";
import type { BatchTelemetry } from "../handler/telemetry";
import type { BatchOutcome, BatchRunner, RecordFailure } from "./batch-runner";
import type { OpsTarget } from "./target";

/**
 * Runs batches through the handler's own orchestration (`processStreamBatch`) with the target's
 * clients and the deployed function's settings: the same coalescing, guarded writes and archive
 * encoding as the stream. Each batch gets its own dependencies, so its own BatchProcessor (a
 * processor holds one batch's state, and backfill runs segments in parallel); failures are collected with their reasons
 * instead of logged, so the command can print them.
 */
export function createHandlerRunner(target: OpsTarget): BatchRunner {
    return async (event): Promise<BatchOutcome> => {
        const failures: RecordFailure[] = [];
        const telemetry: BatchTelemetry = {
            batchStarted: () => undefined,
            recordFailed: (record, error) =>
                failures.push({
                    eventID: record.eventID ?? "(no eventID)",
                    sequenceNumber: record.dynamodb?.SequenceNumber ?? null,
                    reason: describeError(error),
                }),
            batchFinished: () => undefined,
        };
        try {
            await processStreamBatch(
                event,
                createBatchDependencies(target.settings, target.clients, telemetry),
            );
            return { failures };
        } catch (error) {
            return { failures, error: describeError(error) };
        }
    };
}
