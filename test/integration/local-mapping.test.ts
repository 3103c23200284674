import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DescribeStreamCommand, DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { eventPayloadBytes, MAX_PAYLOAD_BYTES } from "../../local/mapping/batching";
import { concurrentStreamOf } from "../../local/mapping/parallelization";
import { localRecordTimeMs } from "../../local/mapping/stream-records";
import { fileCheckpoints, memoryCheckpoints } from "../../local/mapping/checkpoints";
import type { DiscardedBatch, MappingSettings } from "../../local/mapping/delivery";
import {
    LocalEventSourceMapping,
    type EventSourceMappingOptions,
} from "../../local/mapping/event-source-mapping";
import type { Invocation } from "../../local/lambda/local-function";
import { dynamoDBClientConfig, startDynamoDBLocal } from "../../local/servers/dynamodb-local";
import type { LocalServer } from "../../local/servers/supervision";
import { CompositeStream } from "../helpers/composite-stream";

const SETTINGS: MappingSettings = {
    batchSize: 100,
    maximumRetryAttempts: 2,
    maximumRecordAgeInSeconds: 3600,
    bisectBatchOnFunctionError: true,
    reportBatchItemFailures: true,
};
const OK: Invocation = { ok: true, value: { batchItemFailures: [] }, durationMs: 1 };
const FUNCTION_ERROR: Invocation = {
    ok: false,
    error: { errorType: "Error", errorMessage: "poison" },
    timedOut: false,
    durationMs: 1,
};
const ids = (events: readonly (readonly DynamoDBRecord[])[]): string[] =>
    events.flat().map((record) => String(record.dynamodb?.Keys?.id?.S));

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

    async function onlyShard(streamArn: string): Promise<string> {
        const description = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
        return String(description.StreamDescription?.Shards?.[0]?.ShardId);
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

    it("skips what its filter refuses before batching: never delivered, counted, and passed by the checkpoint", async () => {
        const table = await createTable();
        for (const id of ["order-1", "note-1", "order-2", "note-2", "note-3"]) await put(table.name, id);
        const checkpoints = memoryCheckpoints();
        const { mapping, events } = mappingOn(table.streamArn, {
            checkpoints,
            filter: (record) => String(record.dynamodb?.Keys?.id?.S).startsWith("order-"),
        });

        mapping.start();
        await mapping.whenIdle();
        await mapping.stop();

        assert.deepEqual(ids(events), ["order-1", "order-2"]);
        assert.deepEqual(
            { seen: mapping.progress.seen, filtered: mapping.progress.filtered },
            { seen: 5, filtered: 3 },
        );
        // The trailing refused records are behind the checkpoint: a restart reads nothing again.
        const restarted = mappingOn(table.streamArn, {
            checkpoints,
            filter: () => true,
        });
        restarted.mapping.start();
        await restarted.mapping.whenIdle();
        await restarted.mapping.stop();
        assert.deepEqual(ids(restarted.events), []);
    });

    describe("starting at LATEST", () => {
        it("starts a restarted mapping where it was created, though nothing had arrived to checkpoint", async () => {
            const table = await createTable();
            const directory = fs.mkdtempSync(path.join(os.tmpdir(), "mapping-latest-"));
            const file = path.join(directory, "checkpoints.json");
            try {
                await put(table.name, "before-1");
                await put(table.name, "before-2");
                const first = mappingOn(table.streamArn, {
                    startingPosition: "LATEST",
                    checkpoints: fileCheckpoints(file),
                });
                first.mapping.start();
                await first.mapping.whenIdle();
                await first.mapping.stop();
                await put(table.name, "while-stopped-1"); // after the mapping was created
                await put(table.name, "while-stopped-2");

                const second = mappingOn(table.streamArn, {
                    startingPosition: "LATEST",
                    checkpoints: fileCheckpoints(file),
                });
                second.mapping.start();
                await second.mapping.whenIdle();
                await put(table.name, "after-restart");
                await second.mapping.whenIdle();
                await second.mapping.stop();

                assert.deepEqual(ids(first.events), []);
                assert.deepEqual(ids(second.events), ["while-stopped-1", "while-stopped-2", "after-restart"]);
            } finally {
                fs.rmSync(directory, { recursive: true, force: true });
            }
        });

        it("starts a shard held back behind its unfinished parent where that shard stood when the mapping was created", async () => {
            const [parentTable, childTable] = [await createTable(), await createTable()];
            const stream = new CompositeStream(streams);
            await stream.addShard({ shardId: "shard-parent", streamArn: parentTable.streamArn });
            await stream.addShard({
                shardId: "shard-child",
                streamArn: childTable.streamArn,
                parentShardId: "shard-parent",
            });
            await put(parentTable.name, "parent-before");
            stream.close("shard-parent");
            await put(childTable.name, "child-before"); // written before the mapping was created
            const { mapping, events } = mappingOn(stream.streamArn, {
                streams: stream.api,
                startingPosition: "LATEST",
            });

            mapping.start();
            await mapping.whenIdle();
            await put(childTable.name, "child-after");
            await mapping.whenIdle();
            await mapping.stop();

            assert.deepEqual(ids(events), ["child-after"]);
        });

        it("reads a shard that appeared after the mapping was created from its start (TRIM_HORIZON), once its parent is done", async () => {
            const [parentTable, childTable] = [await createTable(), await createTable()];
            const stream = new CompositeStream(streams);
            await stream.addShard({ shardId: "shard-parent", streamArn: parentTable.streamArn });
            await put(parentTable.name, "parent-before");
            const { mapping, events } = mappingOn(stream.streamArn, {
                streams: stream.api,
                startingPosition: "LATEST",
            });
            mapping.start();
            await mapping.whenIdle();

            await put(parentTable.name, "parent-after");
            await put(childTable.name, "child-1");
            await stream.addShard({
                shardId: "shard-child",
                streamArn: childTable.streamArn,
                parentShardId: "shard-parent",
            });
            stream.close("shard-parent");
            await mapping.whenIdle();
            await mapping.stop();

            assert.deepEqual(ids(events), ["parent-after", "child-1"]);
            assert.deepEqual(
                stream.iteratorRequests
                    .filter((request) => request.ShardId === "shard-child")
                    .map((request) => request.ShardIteratorType),
                ["TRIM_HORIZON"],
            );
        });

        it("re-acquires an expired iterator at the position recorded when the mapping was created", async () => {
            const table = await createTable();
            const stream = new CompositeStream(streams);
            await stream.addShard({ shardId: "shard-1", streamArn: table.streamArn });
            await put(table.name, "before-1");
            await put(table.name, "before-2");
            const { mapping, events } = mappingOn(stream.streamArn, {
                streams: stream.api,
                startingPosition: "LATEST",
            });
            mapping.start();
            await mapping.whenIdle();

            stream.failNext("shard-1", "GetRecords", "ExpiredIteratorException");
            await put(table.name, "after");
            await mapping.whenIdle();
            await mapping.stop();

            assert.deepEqual(ids(events), ["after"]);
            assert.deepEqual(
                stream.iteratorRequests.map((request) => [request.ShardIteratorType, request.SequenceNumber]),
                [
                    ["TRIM_HORIZON", undefined], // reading the shard to its end once, at creation
                    ["AFTER_SEQUENCE_NUMBER", stream.iteratorRequests[1]?.SequenceNumber],
                    ["AFTER_SEQUENCE_NUMBER", stream.iteratorRequests[1]?.SequenceNumber],
                ],
            );
        });
    });

    it("polls every shard on its own: one shard stuck on a poison record does not hold up another", async () => {
        const [stuckTable, flowingTable] = [await createTable(), await createTable()];
        const stream = new CompositeStream(streams);
        await stream.addShard({ shardId: "shard-stuck", streamArn: stuckTable.streamArn });
        await stream.addShard({ shardId: "shard-flowing", streamArn: flowingTable.streamArn });
        await put(stuckTable.name, "poison");
        await put(stuckTable.name, "after-poison");
        const flowing = ["flowing-1", "flowing-2", "flowing-3"];
        for (const id of flowing) await put(flowingTable.name, id);
        let releaseStuck!: () => void;
        const flowed = new Promise<void>((resolve) => (releaseStuck = resolve));
        const delivered = new Set<string>();
        const { mapping, discarded } = mappingOn(
            stream.streamArn,
            { streams: stream.api, settings: { ...SETTINGS, maximumRetryAttempts: 1 } },
            async (event) => {
                const keys = ids([event.Records]);
                if (keys.includes("poison")) {
                    // Fails only once the other shard's records are through: a mapping that polled
                    // its shards one after the other would wait here forever.
                    await Promise.race([
                        flowed,
                        new Promise((_, reject) =>
                            setTimeout(() => reject(new Error("the other shard did not flow")), 15_000),
                        ),
                    ]);
                    return FUNCTION_ERROR;
                }
                for (const key of keys) delivered.add(key);
                if (flowing.every((key) => delivered.has(key))) releaseStuck();
                return OK;
            },
        );

        mapping.start();
        await mapping.whenIdle();
        await mapping.stop();

        assert.deepEqual([...delivered].sort(), ["after-poison", ...flowing].sort());
        assert.deepEqual(
            discarded.map((batch) => [ids([batch.records]), batch.condition]),
            [[["poison"], "RetryAttemptsExhausted"]],
        );
    });

    describe("records the stream trimmed before they were read (TrimmedDataAccessException)", () => {
        it("resumes at the oldest record still in the shard and names the lost range", async () => {
            const table = await createTable();
            const stream = new CompositeStream(streams);
            await stream.addShard({ shardId: "shard-1", streamArn: table.streamArn });
            await put(table.name, "read-1");
            await put(table.name, "read-2");
            const notices: string[] = [];
            const { mapping, events } = mappingOn(stream.streamArn, {
                streams: stream.api,
                onNotice: (notice) => notices.push(notice),
            });
            mapping.start();
            await mapping.whenIdle();
            const lastRead = events.flat().at(-1)?.dynamodb?.SequenceNumber;

            stream.failNext("shard-1", "GetRecords", "TrimmedDataAccessException");
            await put(table.name, "after-trim");
            await mapping.whenIdle();
            await mapping.stop();

            assert.deepEqual(ids(events), ["read-1", "read-2", "after-trim"]);
            const resumedAt = events.flat().at(-1)?.dynamodb?.SequenceNumber;
            assert.deepEqual(notices, [
                `Shard shard-1: records after sequence number ${lastRead} were trimmed from the stream (past its ` +
                    `24-hour retention) before they were delivered: the records after sequence number ${lastRead} ` +
                    `and before ${resumedAt} are lost. Resumed at the oldest record still in the shard (TRIM_HORIZON).`,
            ]);
            assert.deepEqual(
                stream.iteratorRequests.map((request) => request.ShardIteratorType),
                ["TRIM_HORIZON", "TRIM_HORIZON"],
            );
        });

        it("resumes at TRIM_HORIZON when the checkpoint itself is past the retention", async () => {
            const table = await createTable();
            const stream = new CompositeStream(streams);
            await stream.addShard({ shardId: "shard-1", streamArn: table.streamArn });
            await put(table.name, "processed-long-ago");
            await put(table.name, "never-read");
            const checkpoints = memoryCheckpoints();
            const seeded = mappingOn(stream.streamArn, { streams: stream.api, checkpoints });
            seeded.mapping.start();
            await seeded.mapping.whenIdle();
            await seeded.mapping.stop();
            const [processed, unread] = seeded.events.flat().map((record) => record.dynamodb?.SequenceNumber);
            checkpoints.set(stream.streamArn, "shard-1", String(processed));
            const notices: string[] = [];
            const { mapping, events } = mappingOn(stream.streamArn, {
                streams: stream.api,
                checkpoints,
                onNotice: (notice) => notices.push(notice),
            });

            stream.failNext("shard-1", "GetShardIterator", "TrimmedDataAccessException");
            mapping.start();
            await mapping.whenIdle();
            await mapping.stop();

            assert.deepEqual(ids(events), ["never-read"]);
            assert.equal(notices.length, 1);
            assert.match(
                notices[0]!,
                new RegExp(`after sequence number ${processed} and before ${unread} are lost`),
            );
        });

        it("stops the mapping on any other Streams API error, naming it", async () => {
            const table = await createTable();
            const stream = new CompositeStream(streams);
            await stream.addShard({ shardId: "shard-1", streamArn: table.streamArn });
            const { mapping } = mappingOn(stream.streamArn, { streams: stream.api });
            mapping.start();
            await mapping.whenIdle();

            stream.failNext("shard-1", "GetRecords", "AccessDeniedException");

            await assert.rejects(mapping.whenIdle(), /injected AccessDeniedException/);
            await mapping.stop();
        });
    });

    it("starts the batching window when the previous invocation completes, not when the first record arrives", async () => {
        const table = await createTable();
        let clock = 0;
        await put(table.name, "first");
        const { mapping, events } = mappingOn(table.streamArn, {
            batchingWindowSeconds: 1,
            now: () => clock,
        });
        const seen = async (count: number): Promise<void> => {
            while (mapping.progress.seen < count) await new Promise((resolve) => setTimeout(resolve, 20));
        };
        mapping.start();
        await seen(1);
        clock = 1_000; // the window that began when polling started ends
        await mapping.whenIdle();

        clock = 60_000; // a quiet minute later…
        await put(table.name, "after-quiet-spell");
        // …goes without the clock moving: its window began when the previous invocation completed.
        await Promise.race([
            mapping.whenIdle(),
            new Promise((_, reject) =>
                setTimeout(
                    () => reject(new Error("the record waits for a window that began when it arrived")),
                    15_000,
                ),
            ),
        ]);

        await put(table.name, "soon-after"); // the previous invocation completed at 60 s
        await seen(3);
        await new Promise((resolve) => setTimeout(resolve, 300)); // several polls
        const beforeWindowEnds = ids(events);
        clock = 61_000;
        await mapping.whenIdle();
        await mapping.stop();

        assert.deepEqual(beforeWindowEnds, ["first", "after-quiet-spell"]);
        assert.deepEqual(
            events.map((batch) => ids([batch])),
            [["first"], ["after-quiet-spell"], ["soon-after"]],
        );
    });

    it("reports the iterator age as AWS does: the last record's age when its invocation finished, kept while idle", async () => {
        const table = await createTable();
        await put(table.name, "first");
        await put(table.name, "last");
        let clock = Date.now();
        const { mapping } = mappingOn(table.streamArn, { now: () => clock }, (event) => {
            // The invocation finishes 4.2 s after the end of the minute its last record was written in.
            clock = Number(localRecordTimeMs(event.Records[event.Records.length - 1]!)) + 4_200;
            return OK;
        });

        mapping.start();
        await mapping.whenIdle();
        clock += 600_000; // ten idle minutes: no invocation, so nothing reports a new age
        await mapping.whenIdle();
        await mapping.stop();

        assert.equal(mapping.progress.iteratorAgeMs, 4_200);
    });

    describe("with parallelizationFactor 2", () => {
        /** Keys whose records go to concurrent batch `lane` of 2 (by the same hash the mapping uses). */
        const keysOfLane = (lane: number, count: number, prefix: string): string[] => {
            const keys: string[] = [];
            for (let index = 0; keys.length < count; index++) {
                const id = `${prefix}-${index}`;
                if (concurrentStreamOf({ dynamodb: { Keys: { id: { S: id } } } }, "id", 2) === lane)
                    keys.push(id);
            }
            return keys;
        };
        const sequence = (record: DynamoDBRecord): bigint => BigInt(String(record.dynamodb?.SequenceNumber));

        it("runs two batches of the shard at once and keeps each key's records in order, while one lane bisects a poison record", async () => {
            const table = await createTable();
            const [poisonLane, otherLane] = [keysOfLane(0, 3, "left"), keysOfLane(1, 3, "right")];
            const poison = poisonLane[0]!;
            for (let round = 0; round < 4; round++) {
                for (const id of [...poisonLane, ...otherLane])
                    await put(table.name, id, { round: String(round) });
            }
            const inFlight: string[][] = [];
            const overlaps: string[] = [];
            const firstDeliveries = new Map<string, bigint[]>();
            let maxInFlight = 0;
            let releaseFirst!: () => void;
            const secondStarted = new Promise<void>((resolve) => (releaseFirst = resolve));
            const { mapping, discarded } = mappingOn(
                table.streamArn,
                {
                    parallelizationFactor: 2,
                    settings: { ...SETTINGS, batchSize: 4, maximumRetryAttempts: 1 },
                },
                async (event) => {
                    const keys = ids([event.Records]);
                    for (const running of inFlight) {
                        const shared = keys.filter((key) => running.includes(key));
                        if (shared.length > 0) overlaps.push(...shared);
                    }
                    inFlight.push(keys);
                    maxInFlight = Math.max(maxInFlight, inFlight.length);
                    if (inFlight.length === 2) releaseFirst();
                    for (const record of event.Records) {
                        const key = String(record.dynamodb?.Keys?.id?.S);
                        const seen = firstDeliveries.get(key) ?? [];
                        if (!seen.includes(sequence(record)))
                            firstDeliveries.set(key, [...seen, sequence(record)]);
                    }
                    // The first batch waits for a second one to start: the shard has two in flight.
                    await Promise.race([
                        secondStarted,
                        new Promise((_, reject) =>
                            setTimeout(
                                () => reject(new Error("no second batch of the shard started")),
                                15_000,
                            ),
                        ),
                    ]);
                    inFlight.splice(inFlight.indexOf(keys), 1);
                    return keys.includes(poison) ? FUNCTION_ERROR : OK;
                },
            );

            mapping.start();
            await mapping.whenIdle();
            await mapping.stop();

            assert.equal(maxInFlight, 2);
            assert.deepEqual(overlaps, [], "a key was in two batches at once");
            for (const [key, sequences] of firstDeliveries) {
                assert.deepEqual(
                    sequences,
                    [...sequences].sort((a, b) => (a < b ? -1 : 1)),
                    `${key} was delivered out of order`,
                );
                assert.equal(sequences.length, 4, `${key} lost records`);
            }
            assert.deepEqual(
                discarded.map((batch) => [...new Set(ids([batch.records]))]),
                [[poison], [poison], [poison], [poison]],
            );
        });

        it("moves the shard's checkpoint past a record only once every lane has processed everything before it", async () => {
            const table = await createTable();
            const [slow] = keysOfLane(0, 1, "slow");
            const fast = keysOfLane(1, 2, "fast");
            await put(table.name, slow!);
            for (const id of fast) await put(table.name, id);
            const checkpoints = memoryCheckpoints();
            let releaseSlow!: () => void;
            const slowReleased = new Promise<void>((resolve) => (releaseSlow = resolve));
            const { mapping, events } = mappingOn(
                table.streamArn,
                { parallelizationFactor: 2, checkpoints },
                async (event) => {
                    if (ids([event.Records]).includes(slow!)) await slowReleased;
                    return OK;
                },
            );

            mapping.start();
            while (mapping.progress.delivered < fast.length)
                await new Promise((resolve) => setTimeout(resolve, 20));
            const whileSlowInFlight = checkpoints.get(table.streamArn, await onlyShard(table.streamArn));
            releaseSlow();
            await mapping.whenIdle();
            await mapping.stop();

            assert.equal(whileSlowInFlight, undefined, "the checkpoint passed the slow lane's record");
            const last = events
                .flat()
                .reduce((max, record) => (sequence(record) > max ? sequence(record) : max), 0n);
            assert.equal(
                checkpoints.get(table.streamArn, await onlyShard(table.streamArn)),
                String(last).padStart(21, "0"),
            );
        });
    });
});
