import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { processStreamBatch, type BatchDependencies } from "./process-batch";
import type { InvocationTelemetry } from "./telemetry";

/**
 * One Lambda invocation: the batch, and when the invocation fails, a count of the failure unless
 * the handler failed it on purpose (a failed first record, every record failed: the mapping then
 * bisects), so that the Errors alarm pages only for failures nobody planned.
 *
 * @throws whatever {@link processStreamBatch} throws, unchanged: the mapping retries (and bisects) on it
 */
export async function handleInvocation(
    event: DynamoDBStreamEvent,
    dependencies: BatchDependencies,
    telemetry: InvocationTelemetry,
    context?: Context,
): Promise<DynamoDBBatchResponse> {
    try {
        return await processStreamBatch(event, dependencies, context);
    } catch (error) {
        telemetry.invocationFailed(error);
        throw error;
    }
}
