import { strict as assert } from "node:assert";
import { BatchProcessor, EventType, FullBatchFailureError } from "@aws-lambda-powertools/batch";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { processStreamBatch, type BatchDependencies } from "../../handler/process-batch";
import type { ArchiveObject, ProjectionChange } from "../../handler/types";
import { dynamodbRecordFactory, streamEvent } from "../helpers/records";

type Harness = {
    readonly dependencies: BatchDependencies;
    readonly written: ProjectionChange[];
    readonly archived: ArchiveObject[];
    readonly logged: Record<string, unknown>[];
};

/** In-memory sinks; `failKey` makes writes of that `id` fail, `failArchive` the archive. */
function harness(options: { failKey?: string; failArchive?: boolean } = {}): Harness {
    const written: ProjectionChange[] = [];
    const archived: ArchiveObject[] = [];
    const logged: Record<string, unknown>[] = [];
    const dependencies: BatchDependencies = {
        processor: new BatchProcessor(EventType.DynamoDBStreams),
        archivePrefix: "changes/",
        writeProjection: async (change) => {
            if (change.key.id?.S === options.failKey) throw new Error("ProvisionedThroughputExceeded");
            written.push(change);
        },
        writeArchive: async (archive) => {
            if (options.failArchive) throw new Error("archive bucket unavailable");
            archived.push(archive);
        },
    };
    return { dependencies, written, archived, logged };
}

async function withCapturedErrors<T>(logged: Record<string, unknown>[], work: () => Promise<T>): Promise<T> {
    const original = console.error;
    console.error = (line: string) => logged.push(JSON.parse(line) as Record<string, unknown>);
    try {
        return await work();
    } finally {
        console.error = original;
    }
}

describe("processStreamBatch", () => {
    it("applies every record in stream order and archives the batch once", async () => {
        const { dependencies, written, archived } = harness();
        const event = streamEvent(
            dynamodbRecordFactory({ eventName: "INSERT", keys: { id: { S: "a" } } }),
            dynamodbRecordFactory({ eventName: "MODIFY", keys: { id: { S: "a" } } }),
            dynamodbRecordFactory({ eventName: "REMOVE", keys: { id: { S: "a" } } }),
        );

        const response = await processStreamBatch(event, dependencies);

        assert.deepEqual(response, { batchItemFailures: [] });
        assert.deepEqual(
            written.map((change) => change.kind),
            ["put", "put", "delete"],
        );
        assert.equal(archived.length, 1);
        assert.equal(archived[0]?.lineCount, 3);
    });

    it("completes processing with some failures, reporting each by its sequence number", async () => {
        const { dependencies, written, logged } = harness({ failKey: "bad" });
        const good = dynamodbRecordFactory({ keys: { id: { S: "good" } } });
        const bad = dynamodbRecordFactory({ keys: { id: { S: "bad" } } });
        const after = dynamodbRecordFactory({ keys: { id: { S: "after" } } });

        const response = await withCapturedErrors(logged, () =>
            processStreamBatch(streamEvent(good, bad, after), dependencies),
        );

        assert.deepEqual(response, {
            batchItemFailures: [{ itemIdentifier: bad.dynamodb?.SequenceNumber }],
        });
        assert.deepEqual(
            written.map((change) => change.key.id?.S),
            ["good", "after"],
        );
        assert.equal(logged.length, 1);
        assert.deepEqual(
            { ...logged[0] },
            {
                level: "ERROR",
                message: "stream record failed; it is reported for retry",
                eventID: bad.eventID,
                eventName: "INSERT",
                sequenceNumber: bad.dynamodb?.SequenceNumber,
                key: '{"id":"bad"}',
                reason: "Error: ProvisionedThroughputExceeded",
            },
        );
    });

    it("fails only the malformed record and logs why", async () => {
        const { dependencies, written, logged } = harness();
        const fine = dynamodbRecordFactory({ keys: { id: { S: "fine" } } });
        const unknownEvent = { ...dynamodbRecordFactory(), eventName: "UPSERT" } as unknown as typeof fine;

        const response = await withCapturedErrors(logged, () =>
            processStreamBatch(streamEvent(fine, unknownEvent), dependencies),
        );

        assert.deepEqual(response.batchItemFailures, [
            { itemIdentifier: unknownEvent.dynamodb?.SequenceNumber },
        ]);
        assert.equal(written.length, 1);
        assert.match(String(logged[0]?.reason), /^MalformedRecordError: .*eventName "UPSERT"/);
    });

    it("throws FullBatchFailureError when every record fails, so the mapping bisects", async () => {
        const { dependencies, logged } = harness({ failKey: "bad" });
        const event = streamEvent(
            dynamodbRecordFactory({ keys: { id: { S: "bad" } } }),
            dynamodbRecordFactory({ keys: { id: { S: "bad" } } }),
        );

        await withCapturedErrors(logged, () =>
            assert.rejects(processStreamBatch(event, dependencies), FullBatchFailureError),
        );
        assert.equal(logged.length, 2);
    });

    it("fails the whole batch when the archive cannot be written, even if the projection landed", async () => {
        const { dependencies, written } = harness({ failArchive: true });
        const event = streamEvent(dynamodbRecordFactory(), dynamodbRecordFactory());

        await assert.rejects(processStreamBatch(event, dependencies), {
            name: "Error",
            message: "archive bucket unavailable",
        });
        assert.equal(written.length, 2);
    });

    it("fails the whole batch when a failed record has no sequence number to report it by", async () => {
        const { dependencies, written, logged } = harness();
        const { dynamodb: _, ...noStreamData } = dynamodbRecordFactory();
        const fine = dynamodbRecordFactory({ keys: { id: { S: "fine" } } });

        await withCapturedErrors(logged, () =>
            assert.rejects(processStreamBatch(streamEvent(fine, noStreamData), dependencies), {
                name: "UnreportableRecordError",
                message: new RegExp(`whole batch fails: ${noStreamData.eventID}`),
            }),
        );
        assert.deepEqual(
            written.map((change) => change.key.id?.S),
            ["fine"],
        );
    });

    it("reuses one processor across invocations without carrying failures over", async () => {
        const { dependencies, logged } = harness({ failKey: "bad" });
        const first = streamEvent(
            dynamodbRecordFactory({ keys: { id: { S: "bad" } } }),
            dynamodbRecordFactory({ keys: { id: { S: "ok" } } }),
        );

        await withCapturedErrors(logged, () => processStreamBatch(first, dependencies));
        const second = await processStreamBatch(
            streamEvent(dynamodbRecordFactory({ keys: { id: { S: "ok" } } })),
            dependencies,
        );

        assert.deepEqual(second, { batchItemFailures: [] });
    });

    it("answers an empty batch without writing anything", async () => {
        const { dependencies, written, archived } = harness();

        assert.deepEqual(await processStreamBatch(streamEvent(), dependencies), { batchItemFailures: [] });
        assert.equal(written.length + archived.length, 0);
    });

    it("rejects an event that is not a stream batch", async () => {
        const { dependencies } = harness();

        await assert.rejects(processStreamBatch({} as DynamoDBStreamEvent, dependencies), {
            name: "InvalidEventError",
            message: "Not a DynamoDB Streams event: `Records` is not an array",
        });
    });
});
