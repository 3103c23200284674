import { DeleteItemCommand, PutItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { ProjectionChange } from "./types";

/** Applies one projection change; rejects with the SDK's error so the record is reported failed. */
export type ProjectionWriter = (change: ProjectionChange) => Promise<void>;

/** A thin sink: the decision of what to write was made by `routeRecord`. */
export function createProjectionWriter(client: DynamoDBClient, tableName: string): ProjectionWriter {
    return async (change) => {
        if (change.kind === "put") {
            await client.send(new PutItemCommand({ TableName: tableName, Item: change.item }));
        } else {
            await client.send(new DeleteItemCommand({ TableName: tableName, Key: change.key }));
        }
    };
}
