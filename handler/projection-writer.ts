import { PutItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { toGuardedPut } from "./projection-item";
import type { ProjectionChange, WriteOutcome } from "./types";

/**
 * Applies one change to the projection table `table` (its route's), guarded by its sequence;
 * rejects with the SDK's error on any other failure.
 */
export type ProjectionWriter = (change: ProjectionChange, table: string) => Promise<WriteOutcome>;

/**
 * A thin sink: the item and its guard were built by `toGuardedPut`. A write that loses to a newer
 * change (the condition fails) is a success: the projection already holds something newer.
 */
export function createProjectionWriter(
    client: DynamoDBClient,
    options: { readonly tombstoneTtlSeconds: number; readonly now?: () => number },
): ProjectionWriter {
    const now = options.now ?? Date.now;
    return async (change, table) => {
        if (!table)
            throw new Error(
                "no projection table for this write: the function has neither routes nor PROJECTION_TABLE",
            );
        const put = toGuardedPut(change, {
            nowSeconds: now() / 1000,
            tombstoneTtlSeconds: options.tombstoneTtlSeconds,
        });
        try {
            await client.send(
                new PutItemCommand({
                    TableName: table,
                    Item: put.item,
                    ConditionExpression: put.conditionExpression,
                    ExpressionAttributeNames: put.expressionAttributeNames,
                    ExpressionAttributeValues: put.expressionAttributeValues,
                }),
            );
            return "applied";
        } catch (error) {
            // By name: the SDK's exception classes come from the runtime, not from this bundle.
            if ((error as { name?: string }).name === "ConditionalCheckFailedException") return "stale";
            throw error;
        }
    };
}
