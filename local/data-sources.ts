import { DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GET_TABLE_TOKEN, type InvokeAnswer } from "./program";

/**
 * Answers the program's data-source calls from DynamoDB Local, as the AWS provider answers them
 * from AWS: `aws.dynamodb.getTable` with the table's DescribeTable, or the provider's own error
 * for a table that does not exist. So a local stack that adopts a table fails exactly where a
 * deploy to AWS would, with the same message.
 */
export function answerFromDynamoDBLocal(dynamodb: DynamoDBClient): InvokeAnswer {
    return async (token, args) => {
        if (token !== GET_TABLE_TOKEN) {
            throw new Error(`The local stack answers ${GET_TABLE_TOKEN} only; the program called ${token}.`);
        }
        const name = String(args.name);
        const described = await dynamodb
            .send(new DescribeTableCommand({ TableName: name }))
            .catch((error: Error) => {
                if (error.name !== "ResourceNotFoundException") throw error;
                return undefined;
            });
        const table = described?.Table;
        if (!table) {
            // The engine hands the SDK a provider failure as a gRPC error, whose text is in `details`.
            const message = `reading DynamoDB Table (${name}): couldn't find resource`;
            throw Object.assign(new Error(message), { details: message });
        }
        const keyOf = (type: "HASH" | "RANGE") =>
            table.KeySchema?.find((element) => element.KeyType === type)?.AttributeName ?? "";
        const streamEnabled = table.StreamSpecification?.StreamEnabled === true;
        return {
            name,
            arn: table.TableArn ?? "",
            hashKey: keyOf("HASH"),
            rangeKey: keyOf("RANGE"),
            attributes: (table.AttributeDefinitions ?? []).map((definition) => ({
                name: definition.AttributeName,
                type: definition.AttributeType,
            })),
            streamEnabled,
            streamViewType: streamEnabled ? (table.StreamSpecification?.StreamViewType ?? "") : "",
            streamArn: streamEnabled ? (table.LatestStreamArn ?? "") : "",
        };
    };
}
