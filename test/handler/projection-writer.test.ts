import { strict as assert } from "node:assert";
import type { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { createProjectionWriter } from "../../handler/projection-writer";
import type { ProjectionChange } from "../../handler/types";

/** A client stand-in for the error paths only: it records the command and answers as told. */
function clientAnswering(answer: () => Promise<unknown>): { client: DynamoDBClient; sent: PutItemCommand[] } {
    const sent: PutItemCommand[] = [];
    const client = {
        send: async (command: PutItemCommand) => {
            sent.push(command);
            return answer();
        },
    } as unknown as DynamoDBClient;
    return { client, sent };
}

const change: ProjectionChange = {
    kind: "put",
    key: { id: { S: "a" } },
    item: { id: { S: "a" }, n: { N: "1" } },
    sequence: "5".padStart(40, "0"),
};

describe("the projection writer's stale-write path", () => {
    it("sends the guarded PutItem and reports it applied", async () => {
        const { client, sent } = clientAnswering(async () => ({}));

        const outcome = await createProjectionWriter(client, { tombstoneTtlSeconds: 60 })(
            change,
            "projection",
        );

        assert.equal(outcome, "applied");
        assert.deepEqual(sent[0]?.input, {
            TableName: "projection",
            Item: { id: { S: "a" }, n: { N: "1" }, _cdc_sequence: { S: change.sequence } },
            ConditionExpression: "attribute_not_exists(#sequence) OR #sequence < :sequence",
            ExpressionAttributeNames: { "#sequence": "_cdc_sequence" },
            ExpressionAttributeValues: { ":sequence": { S: change.sequence } },
        });
    });

    it("reports a write that lost to a newer change as stale, not as a failure", async () => {
        const { client } = clientAnswering(async () => {
            throw Object.assign(new Error("The conditional request failed"), {
                name: "ConditionalCheckFailedException",
            });
        });

        assert.equal(
            await createProjectionWriter(client, { tombstoneTtlSeconds: 60 })(change, "projection"),
            "stale",
        );
    });

    it("passes any other error on, so the record is reported failed", async () => {
        const { client } = clientAnswering(async () => {
            throw Object.assign(new Error("Rate exceeded"), {
                name: "ProvisionedThroughputExceededException",
            });
        });

        await assert.rejects(
            createProjectionWriter(client, { tombstoneTtlSeconds: 60 })(change, "projection"),
            {
                name: "ProvisionedThroughputExceededException",
            },
        );
    });
});
