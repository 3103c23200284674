import { strict as assert } from "node:assert";
import { BatchProcessor, EventType, FullBatchFailureError } from "@aws-lambda-powertools/batch";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { batchLogKeys, LOG_MESSAGES, recordFailureFields, type BatchLogKeys } from "../../handler/log";
import { processStreamBatch, type BatchDependencies } from "../../handler/process-batch";
import type { TtlExpirationMode } from "../../handler/contract";
import type { BatchOutcome } from "../../handler/batch-outcome";
import type { ArchiveObject, ProjectionChange, WriteOutcome } from "../../handler/types";
import { dynamodbRecordFactory, streamEvent, ttlExpiryRecordFactory } from "../helpers/records";

type Harness = {
    readonly dependencies: BatchDependencies;
    readonly written: ProjectionChange[];
    readonly archived: ArchiveObject[];
    readonly errors: Record<string, unknown>[];
    readonly summaries: Record<string, unknown>[];
    readonly outcomes: BatchOutcome[];
    maxInFlight: number;
};

type HarnessOptions = {
    /** Writes of keys starting with this fail. */
    failKey?: string;
    failArchive?: boolean;
    staleKey?: string;
    writeConcurrency?: number;
    ttlExpirations?: TtlExpirationMode;
};

/**
 * In-memory sinks that record what the handler asked of them; telemetry is recorded as the fields
 * of the log lines it would write (test/handler/telemetry.test.ts covers the real Powertools output).
 */
function harness(options: HarnessOptions = {}): Harness {
    let inFlight = 0;
    let batchKeys: BatchLogKeys | undefined;
    const state: Harness = {
        written: [],
        archived: [],
        errors: [],
        summaries: [],
        outcomes: [],
        maxInFlight: 0,
        dependencies: {
            processor: new BatchProcessor(EventType.DynamoDBStreams),
            archivePrefix: "changes/",
            writeConcurrency: options.writeConcurrency ?? 4,
            ttlExpirations: options.ttlExpirations ?? "delete",
            writeProjection: async (change): Promise<WriteOutcome> => {
                inFlight++;
                state.maxInFlight = Math.max(state.maxInFlight, inFlight);
                await new Promise((resolve) => setTimeout(resolve, 2));
                inFlight--;
                if (options.failKey && change.key.id?.S?.startsWith(options.failKey))
                    throw new Error("ProvisionedThroughputExceeded");
                state.written.push(change);
                return change.key.id?.S === options.staleKey ? "stale" : "applied";
            },
            writeArchive: async (archive) => {
                if (options.failArchive) throw new Error("archive bucket unavailable");
                state.archived.push(archive);
            },
            telemetry: {
                batchStarted: (records) => {
                    batchKeys = batchLogKeys(records);
                },
                recordFailed: (record, error) =>
                    state.errors.push({
                        level: "ERROR",
                        message: LOG_MESSAGES.recordFailed,
                        ...recordFailureFields(record, error),
                    }),
                batchFinished: (outcome) => {
                    state.outcomes.push(outcome);
                    state.summaries.push({
                        level: "INFO",
                        message: LOG_MESSAGES.batchProcessed,
                        firstSequenceNumber: batchKeys?.firstSequenceNumber,
                        lastSequenceNumber: batchKeys?.lastSequenceNumber,
                        ...outcome.summary,
                    });
                },
            },
        },
    };
    return state;
}

async function run(state: Harness, event: DynamoDBStreamEvent) {
    return processStreamBatch(event, state.dependencies);
}

const record = (id: string, eventName = "INSERT"): DynamoDBRecord =>
    dynamodbRecordFactory({ eventName, keys: { id: { S: id } } });

describe("processStreamBatch", () => {
    it("coalesces the changes of one key into one write of its latest state", async () => {
        const state = harness();
        const [insertA, modifyA, removeA, insertB] = [
            record("a"),
            record("a", "MODIFY"),
            record("a", "REMOVE"),
            record("b"),
        ];

        const response = await run(state, streamEvent(insertA, modifyA, removeA, insertB));

        assert.deepEqual(response, { batchItemFailures: [] });
        assert.deepEqual(
            state.written
                .map((change) => [change.key.id?.S, change.kind, change.sequence.replace(/^0+/, "")])
                .sort(),
            [
                ["a", "delete", removeA.dynamodb?.SequenceNumber?.replace(/^0+/, "")],
                ["b", "put", insertB.dynamodb?.SequenceNumber?.replace(/^0+/, "")],
            ].sort(),
        );
        assert.deepEqual(
            state.archived.map((archive) => archive.lineCount),
            [4],
        );
        assert.deepEqual(
            { ...state.summaries[0], firstSequenceNumber: undefined, lastSequenceNumber: undefined },
            {
                level: "INFO",
                message: "batch processed",
                firstSequenceNumber: undefined,
                lastSequenceNumber: undefined,
                records: 4,
                writes: 2,
                applied: 2,
                stale: 0,
                superseded: 2,
                archiveOnly: 0,
                failed: 0,
            },
        );
    });

    it("writes distinct keys concurrently, never more than writeConcurrency at once", async () => {
        const state = harness({ writeConcurrency: 3 });
        const records = Array.from({ length: 12 }, (_, index) => record(`key-${index}`));

        await run(state, streamEvent(...records));

        assert.equal(state.written.length, 12);
        assert.equal(state.maxInFlight, 3);
    });

    it("counts a write that lost to a newer change as a success", async () => {
        const state = harness({ staleKey: "old" });

        const response = await run(state, streamEvent(record("old"), record("new")));

        assert.deepEqual(response, { batchItemFailures: [] });
        assert.equal(state.summaries[0]?.stale, 1);
        assert.equal(state.summaries[0]?.applied, 1);
    });

    it("completes processing with some failures, reporting each by its sequence number", async () => {
        const state = harness({ failKey: "bad" });
        const [good, bad, after] = [record("good"), record("bad"), record("after")];

        const response = await run(state, streamEvent(good, bad, after));

        assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: bad.dynamodb?.SequenceNumber }] });
        assert.deepEqual(state.written.map((change) => change.key.id?.S).sort(), ["after", "good"]);
        assert.deepEqual(state.errors, [
            {
                level: "ERROR",
                message: "stream record failed; it is reported for retry",
                eventID: bad.eventID,
                eventName: "INSERT",
                sequenceNumber: bad.dynamodb?.SequenceNumber,
                key: '{"id":"bad"}',
                reason: "Error: ProvisionedThroughputExceeded",
            },
        ]);
    });

    it("reports only the latest change of a key whose write failed; the superseded ones are processed", async () => {
        const state = harness({ failKey: "bad" });
        const [first, second] = [record("bad"), record("bad", "MODIFY")];

        const response = await run(state, streamEvent(record("fine"), first, second));

        assert.deepEqual(response, {
            batchItemFailures: [{ itemIdentifier: second.dynamodb?.SequenceNumber }],
        });
    });

    it("fails the invocation when the first record fails, so the mapping bisects instead of retrying the rest with it", async () => {
        const state = harness({ failKey: "bad" });
        const [bad, good] = [record("bad"), record("good")];

        await assert.rejects(run(state, streamEvent(bad, good)), {
            name: "FirstRecordFailedError",
            message: new RegExp(
                `first record \\(sequence ${bad.dynamodb?.SequenceNumber}\\) failed \\(1 failed in all\\)`,
            ),
        });
        assert.deepEqual(
            state.written.map((change) => change.key.id?.S),
            ["good"],
        );
    });

    it("reports a failed first record normally when it is the whole batch", async () => {
        const state = harness({ failKey: "bad" });
        const bad = record("bad");

        await assert.rejects(run(state, streamEvent(bad)), FullBatchFailureError);
    });

    it("fails only the malformed record and logs why", async () => {
        const state = harness();
        const fine = record("fine");
        const unknownEvent = { ...record("odd"), eventName: "UPSERT" } as unknown as DynamoDBRecord;

        const response = await run(state, streamEvent(fine, unknownEvent));

        assert.deepEqual(response.batchItemFailures, [
            { itemIdentifier: unknownEvent.dynamodb?.SequenceNumber },
        ]);
        assert.equal(state.written.length, 1);
        assert.match(String(state.errors[0]?.reason), /^MalformedRecordError: .*eventName "UPSERT"/);
    });

    it("writes the last well-formed change of a key when a later one is malformed", async () => {
        const state = harness();
        const valid = record("k");
        const broken = { ...record("k", "MODIFY"), eventName: "UPSERT" } as unknown as DynamoDBRecord;

        const response = await run(state, streamEvent(valid, broken));

        assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: broken.dynamodb?.SequenceNumber }]);
        assert.equal(
            state.written[0]?.sequence.replace(/^0+/, ""),
            valid.dynamodb?.SequenceNumber?.replace(/^0+/, ""),
        );
    });

    it("deletes on a TTL expiration by default, marked as one", async () => {
        const state = harness();

        await run(state, streamEvent(ttlExpiryRecordFactory({ keys: { id: { S: "expired" } } })));

        assert.deepEqual(
            state.written.map((change) => change.kind === "delete" && change.ttlExpired),
            [true],
        );
    });

    it("only archives a TTL expiration when configured to, leaving the projection's item", async () => {
        const state = harness({ ttlExpirations: "archiveOnly" });
        const put = record("kept");
        const expiry = ttlExpiryRecordFactory({ keys: { id: { S: "kept" } } });

        const response = await run(state, streamEvent(put, expiry, record("k", "REMOVE")));

        assert.deepEqual(response, { batchItemFailures: [] });
        assert.deepEqual(state.written.map((change) => [change.key.id?.S, change.kind]).sort(), [
            ["k", "delete"],
            ["kept", "put"],
        ]);
        assert.equal(state.summaries[0]?.archiveOnly, 1);
        assert.equal(state.archived[0]?.lineCount, 3);
    });

    it("throws FullBatchFailureError when every record fails, so the mapping bisects", async () => {
        const state = harness({ failKey: "bad" });

        await assert.rejects(
            run(state, streamEvent(record("bad-1"), record("bad-2"))),
            FullBatchFailureError,
        );
        assert.equal(state.errors.length, 2);
    });

    it("fails the whole batch when the archive cannot be written, even if the projection landed", async () => {
        const state = harness({ failArchive: true });

        await assert.rejects(run(state, streamEvent(record("a"), record("b"))), {
            name: "Error",
            message: "archive bucket unavailable",
        });
        assert.equal(state.written.length, 2);
    });

    it("fails the whole batch when a failed record has no sequence number to report it by", async () => {
        const state = harness();
        const { dynamodb: _, ...noStreamData } = record("lost");

        await assert.rejects(run(state, streamEvent(record("fine"), noStreamData)), {
            name: "UnreportableRecordError",
            message: new RegExp(`whole batch fails: ${noStreamData.eventID}`),
        });
        assert.deepEqual(
            state.written.map((change) => change.key.id?.S),
            ["fine"],
        );
    });

    it("reuses one processor across invocations without carrying failures over", async () => {
        const state = harness({ failKey: "bad" });

        await run(state, streamEvent(record("ok"), record("bad")));
        const second = await run(state, streamEvent(record("ok")));

        assert.deepEqual(second, { batchItemFailures: [] });
    });

    it("answers an empty batch without writing anything", async () => {
        const state = harness();

        assert.deepEqual(await run(state, streamEvent()), { batchItemFailures: [] });
        assert.equal(state.written.length + state.archived.length, 0);
    });

    it("rejects an event that is not a stream batch", async () => {
        const state = harness();

        await assert.rejects(run(state, {} as DynamoDBStreamEvent), {
            name: "InvalidEventError",
            message: "Not a DynamoDB Streams event: `Records` is not an array",
        });
    });
});
