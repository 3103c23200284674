import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { eventPayloadBytes, MAX_PAYLOAD_BYTES } from "../../local/mapping/batching";
import { memoryCheckpoints } from "../../local/mapping/checkpoints";
import type { DiscardedBatch, MappingSettings } from "../../local/mapping/delivery";
import {
    LocalEventSourceMapping,
    type EventSourceMappingOptions,
} from "../../local/mapping/event-source-mapping";
import type { Invocation } from "../../local/lambda/local-function";
import { dynamoDBClientConfig, startDynamoDBLocal } from "../../local/servers/dynamodb-local";
import type { LocalServer } from "../../local/servers/supervision";

const SETTINGS: MappingSettings = {
    batchSize: 100,
    maximumRetryAttempts: 2,
    maximumRecordAgeInSeconds: 3600,
    bisectBatchOnFunctionError: true,
    reportBatchItemFailures: true,
};
const OK: Invocation = { ok: true, value: { batchItemFailures: [] }, durationMs: 1 };

describe("the local event source mapping on DynamoDB Local's real stream", function () {
    this.timeout(60_000);
    let server: LocalServer;
    let dynamodb: DynamoDBClient;
    let streams: DynamoDBStreamsClient;

    before(async () => {
        server = await startDynamoDBLocal();
        dynamodb = new DynamoDBClient(dynamoDBClientConfig(server.endpoint));
        streams = new DynamoDBStreamsClient(dynamoDBClientConfig(server.endpoint));
    });

    after(async () => {
        dynamodb?.destroy();
        streams?.destroy();
        await server?.stop();
    });

    /** A new table with a NEW_AND_OLD_IMAGES stream, keyed by `id` (S). */
    async function createTable(): Promise<{ name: string; streamArn: string }> {
        const name = `mapping-${randomUUID()}`;
        const created = await dynamodb.send(
            new CreateTableCommand({
                TableName: name,
                KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
                AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
                BillingMode: "PAY_PER_REQUEST",
                StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
            }),
        );
        return { name, streamArn: String(created.TableDescription?.LatestStreamArn) };
    }

    async function put(table: string, id: string, attributes: Record<string, string> = {}): Promise<void> {
        const item = Object.fromEntries(
            Object.entries(attributes).map(([key, value]) => [key, { S: value }]),
        );
        await dynamodb.send(new PutItemCommand({ TableName: table, Item: { id: { S: id }, ...item } }));
    }

    /** A mapping on the stream whose function answers with `respond` and records every event. */
    function mappingOn(
        streamArn: string,
        overrides: Partial<EventSourceMappingOptions> = {},
        respond: (event: DynamoDBStreamEvent) => Promise<Invocation> | Invocation = () => OK,
    ) {
        const events: DynamoDBRecord[][] = [];
        const discarded: DiscardedBatch[] = [];
        const mapping = new LocalEventSourceMapping({
            streams,
            streamArn,
            region: "us-east-1",
            settings: SETTINGS,
            startingPosition: "TRIM_HORIZON",
            batchingWindowSeconds: 0,
            checkpoints: memoryCheckpoints(),
            invoke: async (event) => {
                events.push(event.Records);
                return respond(event);
            },
            discard: async (batch) => void discarded.push(batch),
            pollIntervalMs: 50,
            ...overrides,
        });
        return { mapping, events, discarded };
    }

    it("cuts batches at Lambda's 6 MB invocation payload, not only at batchSize", async () => {
        const table = await createTable();
        // 300 KB items: with their stream metadata, about 20 of them make 6 MB.
        for (let index = 0; index < 24; index++) {
            await put(table.name, `large-${index}`, { blob: "x".repeat(300_000) });
        }
        const { mapping, events } = mappingOn(table.streamArn);

        mapping.start();
        await mapping.whenIdle();
        await mapping.stop();

        assert.ok(events.length >= 2, `one batch of ${events[0]?.length} records`);
        for (const batch of events) {
            assert.ok(
                eventPayloadBytes(batch) <= MAX_PAYLOAD_BYTES,
                `a batch of ${eventPayloadBytes(batch)} bytes`,
            );
        }
        assert.deepEqual(
            events.flat().map((record) => record.dynamodb?.Keys?.id?.S),
            Array.from({ length: 24 }, (_, index) => `large-${index}`),
        );
        const [first] = events;
        assert.ok(
            first && eventPayloadBytes(events.flat().slice(0, first.length + 1)) > MAX_PAYLOAD_BYTES,
            "the first batch was cut before it was full",
        );
    });
});
