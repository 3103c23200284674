import {
    CreateTableCommand,
    DescribeTableCommand,
    waitUntilTableExists,
    type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";

/** The key schema of the table a team already has: a single-table design. */
export const TEAM_TABLE_KEY_SCHEMA = {
    partitionKey: { name: "pk", type: "S" },
    sortKey: { name: "sk", type: "S" },
} as const;

/**
 * Creates, on DynamoDB Local, the table a stack with `sourceTableName` attaches to, as the team
 * that owns it would have created it (outside this program): pk S + sk S, with a stream of both
 * images. Does nothing when the table exists, whatever its shape, so the program's own checks see
 * what is really there.
 *
 * @returns whether it created the table
 */
export async function createTeamTable(dynamodb: DynamoDBClient, tableName: string): Promise<boolean> {
    const exists = await dynamodb
        .send(new DescribeTableCommand({ TableName: tableName }))
        .then(() => true)
        .catch((error: Error) => {
            if (error.name === "ResourceNotFoundException") return false;
            throw error;
        });
    if (exists) return false;
    const { partitionKey, sortKey } = TEAM_TABLE_KEY_SCHEMA;
    await dynamodb.send(
        new CreateTableCommand({
            TableName: tableName,
            KeySchema: [
                { AttributeName: partitionKey.name, KeyType: "HASH" },
                { AttributeName: sortKey.name, KeyType: "RANGE" },
            ],
            AttributeDefinitions: [
                { AttributeName: partitionKey.name, AttributeType: partitionKey.type },
                { AttributeName: sortKey.name, AttributeType: sortKey.type },
            ],
            BillingMode: "PAY_PER_REQUEST",
            StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
        }),
    );
    await waitUntilTableExists({ client: dynamodb, maxWaitTime: 30 }, { TableName: tableName });
    return true;
}
