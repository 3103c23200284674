import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import type { DemoKeyAttribute, DemoKeySchema } from "./demo";
import type { LocalStack } from "./stack";

/** The source table's key schema as DynamoDB Local holds it: created by the program, or adopted. */
export async function sourceKeySchema(stack: LocalStack): Promise<DemoKeySchema> {
    const { Table: table } = await stack.clients.dynamodb.send(
        new DescribeTableCommand({ TableName: stack.names.sourceTable }),
    );
    const attribute = (keyType: "HASH" | "RANGE"): DemoKeyAttribute | undefined => {
        const name = table?.KeySchema?.find((element) => element.KeyType === keyType)?.AttributeName;
        const type = table?.AttributeDefinitions?.find(
            (definition) => definition.AttributeName === name,
        )?.AttributeType;
        return name && type ? { name, type } : undefined;
    };
    const partitionKey = attribute("HASH");
    if (!partitionKey) throw new Error(`Table ${stack.names.sourceTable} has no partition key.`);
    const sortKey = attribute("RANGE");
    return { partitionKey, ...(sortKey ? { sortKey } : {}) };
}
