import { strict as assert } from "node:assert";
import { gunzipSync } from "node:zlib";
import {
    DeleteItemCommand,
    PutItemCommand,
    ScanCommand,
    UpdateItemCommand,
    type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import {
    CreateBucketCommand,
    DeleteBucketCommand,
    DeleteObjectCommand,
    GetObjectCommand,
    ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import type { DynamoDBRecord } from "aws-lambda";
import { isTombstone, withoutReservedAttributes } from "../../handler/projection-item";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { asEvent, streamTail } from "../helpers/local-stack";

type Item = Record<string, AttributeValue>;

/**
 * The code archive exactly as `pulumi up` would upload it, unpacked and run in its own process
 * with only the Lambda runtime's modules, against DynamoDB Local and s3rver on 127.0.0.1.
 */
describe("the packaged handler on DynamoDB Local and s3rver", function () {
    let stack: LocalStack;
    let nextRecords: () => Promise<DynamoDBRecord[]>;
    const functionLog: string[] = [];

    before(async () => {
        stack = await startLocalStack({ stack: "dev", onFunctionLog: (line) => functionLog.push(line) });
        nextRecords = streamTail(stack);
    });

    after(async () => {
        await stack?.stop();
    });

    beforeEach(() => {
        functionLog.length = 0;
    });

    /** The records of the first test's batch, for replaying them later. */
    let firstBatchRecords: DynamoDBRecord[] = [];
    const firstInsertOf = (id: string): DynamoDBRecord | undefined =>
        firstBatchRecords.find(
            (record) => record.eventName === "INSERT" && record.dynamodb?.Keys?.id?.S === id,
        );
    const put = (item: Item) =>
        stack.clients.dynamodb.send(new PutItemCommand({ TableName: stack.names.sourceTable, Item: item }));
    const scan = async (table: string): Promise<Item[]> =>
        ((await stack.clients.dynamodb.send(new ScanCommand({ TableName: table }))).Items ?? []).sort(
            (a, b) => String(a.id?.S).localeCompare(String(b.id?.S)),
        );
    /** What a reader of the projection sees: tombstones skipped, reserved attributes dropped. */
    const liveProjection = async (): Promise<Item[]> =>
        (await scan(stack.names.projectionTable))
            .filter((item) => !isTombstone(item))
            .map(withoutReservedAttributes);
    const projected = async (id: string): Promise<Item | undefined> =>
        (await scan(stack.names.projectionTable)).find((item) => item.id?.S === id);
    const archiveKeys = async (): Promise<string[]> =>
        (
            (await stack.clients.s3.send(new ListObjectsV2Command({ Bucket: stack.names.archiveBucket })))
                .Contents ?? []
        ).map((object) => String(object.Key));

    it("applies inserts, updates and deletes so the projection equals the source, every type intact", async () => {
        await put({
            id: { S: "every-type" },
            bigNumber: { N: "12345678901234567890123456789012345678" },
            tiny: { N: "-0.000000000000000000000000000000000001" },
            text: { S: "" },
            bytes: { B: Uint8Array.from([0, 1, 2, 255]) },
            strings: { SS: ["a", "b"] },
            numbers: { NS: ["1", "99999999999999999999999999999999999999"] },
            blobs: { BS: [Uint8Array.from([1]), Uint8Array.from([2, 3])] },
            nested: {
                M: {
                    list: { L: [{ S: "x" }, { N: "1" }, { NULL: true }, { BOOL: false }] },
                    empty: { M: {} },
                },
            },
        });
        await put({ id: { S: "updated" }, version: { N: "1" } });
        await stack.clients.dynamodb.send(
            new UpdateItemCommand({
                TableName: stack.names.sourceTable,
                Key: { id: { S: "updated" } },
                UpdateExpression: "SET version = :v",
                ExpressionAttributeValues: { ":v": { N: "2" } },
            }),
        );
        await put({ id: { S: "deleted" } });
        await stack.clients.dynamodb.send(
            new DeleteItemCommand({ TableName: stack.names.sourceTable, Key: { id: { S: "deleted" } } }),
        );
        const records = await nextRecords();
        firstBatchRecords = records;

        const invocation = await stack.handler.invoke(asEvent(records));

        assert.deepEqual(invocation, {
            ok: true,
            value: { batchItemFailures: [] },
            durationMs: invocation.durationMs,
        });
        assert.deepEqual(await liveProjection(), await scan(stack.names.sourceTable));
        const tombstone = await projected("deleted");
        const expiresAt = Number(tombstone?._cdc_expires_at?.N);
        assert.equal(tombstone?._cdc_tombstone?.BOOL, true);
        assert.ok(
            Math.abs(expiresAt - (Date.now() / 1000 + 2 * 86_400)) < 60,
            `tombstone expires at ${expiresAt}`,
        );
        assert.equal(
            (await projected("updated"))?._cdc_sequence?.S,
            records[2]?.dynamodb?.SequenceNumber?.padStart(40, "0"),
        );
        assert.deepEqual(
            records.map((record) => record.eventName),
            ["INSERT", "INSERT", "MODIFY", "INSERT", "REMOVE"],
        );
    });

    it("archives the batch as one gzip NDJSON object, a line per change, with content headers", async () => {
        const [key, ...others] = await archiveKeys();
        assert.ok(key, "no archive object was written");
        assert.deepEqual(others, []);
        assert.match(
            key,
            /^changes\/dt=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/changefeed-source-dev\.[^/_]+_\d{40}-\d{40}\.ndjson\.gz$/,
        );

        const object = await stack.clients.s3.send(
            new GetObjectCommand({ Bucket: stack.names.archiveBucket, Key: key }),
        );
        const lines = gunzipSync(await object.Body!.transformToByteArray())
            .toString("utf8")
            .trimEnd()
            .split("\n")
            .map(
                (line) =>
                    JSON.parse(line) as {
                        eventName: string;
                        keys: Item;
                        newImage: Item | null;
                        routes?: { old: string[]; new: string[] };
                    },
            );

        assert.equal(object.ContentType, "application/x-ndjson");
        assert.equal(object.ContentEncoding, "gzip");
        assert.deepEqual(
            lines.map((line) => [line.eventName, line.keys.id?.S]),
            [
                ["INSERT", "every-type"],
                ["INSERT", "updated"],
                ["MODIFY", "updated"],
                ["INSERT", "deleted"],
                ["REMOVE", "deleted"],
            ],
        );
        assert.deepEqual(lines[0]?.newImage?.bigNumber, { N: "12345678901234567890123456789012345678" });
        assert.deepEqual(lines[0]?.newImage?.bytes, { B: Buffer.from([0, 1, 2, 255]).toString("base64") });
        // A feed without routes places every change in its one default route.
        assert.deepEqual(lines[0]?.routes, { old: [], new: ["default"] });
        assert.deepEqual(lines[4]?.routes, { old: ["default"], new: [] });
    });

    it("skips a late replay of older changes: no overwrite of newer state, no resurrection of a delete", async () => {
        await put({ id: { S: "replayed" }, version: { N: "1" } });
        const [firstPut] = await nextRecords();
        await put({ id: { S: "replayed" }, version: { N: "2" } });
        await stack.clients.dynamodb.send(
            new DeleteItemCommand({ TableName: stack.names.sourceTable, Key: { id: { S: "every-type" } } }),
        );
        const later = await nextRecords();
        assert.ok(firstPut && later.length === 2);
        await stack.handler.invoke(asEvent([firstPut, ...later]));
        const oldInsert = firstInsertOf("every-type");
        assert.ok(oldInsert);

        const replay = await stack.handler.invoke(asEvent([firstPut, oldInsert]));

        assert.deepEqual(replay.ok && replay.value, { batchItemFailures: [] });
        assert.equal((await projected("replayed"))?.version?.N, "2");
        assert.equal(isTombstone((await projected("every-type")) ?? {}), true);
        const lines = functionLog.map((line) => JSON.parse(line) as Record<string, unknown>);
        const summary = lines.filter((entry) => entry.message === "batch processed").at(-1);
        assert.equal(summary?.stale, 2);
        assert.equal(summary?.service, "changefeed-dev");
        assert.equal(summary?.firstSequenceNumber, firstPut.dynamodb?.SequenceNumber);
        assert.equal(summary?.lastSequenceNumber, oldInsert.dynamodb?.SequenceNumber);
        // The batch's metrics follow its summary as one EMF document.
        const metrics = lines.filter((entry) => entry._aws !== undefined).at(-1) as
            { _aws: { CloudWatchMetrics: { Namespace: string }[] }; StaleWritesSkipped?: number } | undefined;
        assert.equal(metrics?._aws.CloudWatchMetrics[0]?.Namespace, "DdbChangefeed");
        assert.equal(metrics?.StaleWritesSkipped, 2);
    });

    it("reports a malformed record by its sequence number while the rest of the batch lands", async () => {
        await put({ id: { S: "before" } });
        await put({ id: { S: "broken" } });
        await put({ id: { S: "after" } });
        const [before, broken, after] = await nextRecords();
        assert.ok(before && broken && after);
        const withoutImage: DynamoDBRecord = {
            ...broken,
            dynamodb: { ...broken.dynamodb, NewImage: undefined },
        };

        const invocation = await stack.handler.invoke(asEvent([before, withoutImage, after]));

        assert.deepEqual(invocation.ok && invocation.value, {
            batchItemFailures: [{ itemIdentifier: broken.dynamodb?.SequenceNumber }],
        });
        const ids = (await liveProjection()).map((item) => item.id?.S);
        assert.ok(ids.includes("before") && ids.includes("after"));
        assert.ok(!ids.includes("broken"));
        const failure = functionLog
            .map((line) => JSON.parse(line) as Record<string, unknown>)
            .find((entry) => entry.level === "ERROR");
        assert.equal(failure?.eventID, broken.eventID);
        assert.equal(failure?.sequenceNumber, broken.dynamodb?.SequenceNumber);
        assert.equal(failure?.key, '{"id":"broken"}');
        assert.equal(failure?.firstSequenceNumber, before.dynamodb?.SequenceNumber);
        assert.equal(failure?.lastSequenceNumber, after.dynamodb?.SequenceNumber);
        assert.match(String(failure?.reason), /INSERT has no NewImage/);
    });

    it("fails the whole invocation when every record fails, so the mapping bisects", async () => {
        await put({ id: { S: "doomed" } });
        const [record] = await nextRecords();
        assert.ok(record);

        const invocation = await stack.handler.invoke(
            asEvent([{ ...record, eventName: "UNKNOWN_TO_SDK_VERSION" as "INSERT" }]),
        );

        assert.equal(invocation.ok, false);
        assert.equal(!invocation.ok && invocation.error.errorType, "FullBatchFailureError");
    });

    it("fails the whole invocation when the archive bucket is gone, naming the object", async () => {
        for (const key of await archiveKeys()) {
            await stack.clients.s3.send(
                new DeleteObjectCommand({ Bucket: stack.names.archiveBucket, Key: key }),
            );
        }
        await stack.clients.s3.send(new DeleteBucketCommand({ Bucket: stack.names.archiveBucket }));
        await put({ id: { S: "unarchived" } });
        const records = await nextRecords();
        try {
            const invocation = await stack.handler.invoke(asEvent(records));

            assert.equal(invocation.ok, false);
            assert.equal(
                !invocation.ok && invocation.error.errorType,
                "ArchiveWriteError",
                JSON.stringify(invocation),
            );
            assert.match(
                !invocation.ok ? invocation.error.errorMessage : "",
                /^Archiving the batch to changes\/dt=.*\.ndjson\.gz failed: NoSuchBucket/,
            );
        } finally {
            await stack.clients.s3.send(new CreateBucketCommand({ Bucket: stack.names.archiveBucket }));
        }
    });
});
