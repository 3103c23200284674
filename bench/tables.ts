import {
    CreateTableCommand,
    DeleteTableCommand,
    DescribeTableCommand,
    waitUntilTableExists,
    type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";

/** A table's partition key, which the workload needs to build items. */
export type PartitionKey = { readonly name: string; readonly type: string };

/**
 * Reads a table's partition key.
 *
 * @throws {Error} when the table has a sort key or a non-string partition key: the generated
 *   workload only has string partition keys
 */
export async function stringPartitionKey(client: DynamoDBClient, table: string): Promise<PartitionKey> {
    const described = (await client.send(new DescribeTableCommand({ TableName: table }))).Table;
    const schema = described?.KeySchema ?? [];
    const hash = schema.find((element) => element.KeyType === "HASH")?.AttributeName;
    const type = described?.AttributeDefinitions?.find(
        (definition) => definition.AttributeName === hash,
    )?.AttributeType;
    if (!hash || type !== "S" || schema.length !== 1) {
        throw new Error(
            `The bench writes string partition keys only; table ${table} has key schema ${JSON.stringify(schema)}.`,
        );
    }
    return { name: hash, type };
}

/**
 * Creates an empty table with another table's key schema, so each contender writes to a clean
 * projection (no contender sees another's conditional-write results).
 *
 * @returns the new table's stream ARN when `stream` is set
 */
export async function createTableLike(
    client: DynamoDBClient,
    template: string,
    name: string,
    options: { readonly stream?: boolean } = {},
): Promise<string | undefined> {
    const described = (await client.send(new DescribeTableCommand({ TableName: template }))).Table;
    await client.send(
        new CreateTableCommand({
            TableName: name,
            KeySchema: described?.KeySchema,
            AttributeDefinitions: described?.AttributeDefinitions,
            BillingMode: "PAY_PER_REQUEST",
            ...(options.stream
                ? { StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } }
                : {}),
        }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: name });
    return (await client.send(new DescribeTableCommand({ TableName: name }))).Table?.LatestStreamArn;
}

/** Drops a contender's table once it is measured, so DynamoDB Local's memory stays flat. */
export async function deleteTable(client: DynamoDBClient, name: string): Promise<void> {
    await client.send(new DeleteTableCommand({ TableName: name }));
}

/** Creates an empty bucket for a contender's archive. */
export async function createBucket(client: S3Client, name: string): Promise<void> {
    await client.send(new CreateBucketCommand({ Bucket: name }));
}
