import { strict as assert } from "node:assert";
import type { DynamoDBRecord } from "aws-lambda";
import {
    batchIsDue,
    batchIsFull,
    eventPayloadBytes,
    MAX_PAYLOAD_BYTES,
    nextBatchLength,
    recordPayloadBytes,
} from "../../local/mapping/batching";
import { deliverShard } from "../../local/mapping/delivery";
import { dynamodbRecordFactory } from "../helpers/records";

/** An INSERT whose new image carries a string of `bytes` characters, as a 400 KB item may. */
const largeRecord = (bytes: number): DynamoDBRecord =>
    dynamodbRecordFactory({ newImage: { id: { S: "order-1" }, blob: { S: "x".repeat(bytes) } } });

describe("batches and the invocation payload limit", () => {
    it("measure a batch as the JSON of its event", () => {
        const records = [largeRecord(10), largeRecord(2000), largeRecord(5)];

        const summed = nextBatchLength(records.map(recordPayloadBytes), 10, eventPayloadBytes(records));
        const short = nextBatchLength(records.map(recordPayloadBytes), 10, eventPayloadBytes(records) - 1);

        assert.equal(summed, 3, "the whole event fits in exactly its own size");
        assert.equal(short, 2, "one byte less and the last record waits for the next batch");
    });

    it("cut at batchSize when the payload allows more", () => {
        assert.equal(nextBatchLength([100, 100, 100, 100], 3), 3);
        assert.equal(batchIsFull([100, 100, 100], 3), true);
        assert.equal(batchIsFull([100, 100], 3), false);
    });

    it("cut at 6 MB of event JSON before batchSize, and count the payload as full", () => {
        const sizes = Array.from({ length: 20 }, () => 400_000);

        const length = nextBatchLength(sizes, 100);

        assert.equal(length, 15);
        assert.ok(14 + 15 * 400_000 + 14 <= MAX_PAYLOAD_BYTES);
        assert.equal(batchIsFull(sizes, 100), true);
    });

    it("always take one record, whatever its size", () => {
        assert.equal(nextBatchLength([MAX_PAYLOAD_BYTES * 2, 10], 100), 1);
        assert.equal(nextBatchLength([], 100), 0);
    });

    it("are cut by the mapping's delivery at the limit, every record delivered once, in order", async () => {
        const records = Array.from({ length: 20 }, () => largeRecord(390_000));
        const events: DynamoDBRecord[][] = [];

        await deliverShard(
            records,
            {
                batchSize: 100,
                maximumRetryAttempts: 0,
                maximumRecordAgeInSeconds: Number.MAX_SAFE_INTEGER,
                bisectBatchOnFunctionError: false,
                reportBatchItemFailures: true,
            },
            {
                invoke: async (event) => {
                    events.push(event.Records);
                    return { ok: true, value: null, durationMs: 1 };
                },
                discard: async () => assert.fail("nothing should be discarded"),
            },
        );

        assert.deepEqual(
            events.map((batch) => batch.length),
            [16, 4],
        );
        for (const batch of events) assert.ok(eventPayloadBytes(batch) <= MAX_PAYLOAD_BYTES);
        assert.ok(eventPayloadBytes(records.slice(0, 17)) > MAX_PAYLOAD_BYTES, "the cut is not early");
        assert.deepEqual(events.flat(), records);
    });

    describe("the batching window", () => {
        // The previous invocation completed at 10 s; the window is 5 s.
        const lane = { batchSize: 100, windowMs: 5_000, windowStartedAt: 10_000, closed: false };

        it("sends a record that arrives after a quiet spell longer than the window at once", () => {
            assert.equal(batchIsDue({ ...lane, sizes: [100], now: 60_000 }), true);
        });

        it("holds records that arrive soon after an invocation until the window, counted from its completion, ends", () => {
            // The record arrived at 11 s: due at 15 s, not at 16 s (5 s after it arrived).
            assert.equal(batchIsDue({ ...lane, sizes: [100], now: 14_999 }), false);
            assert.equal(batchIsDue({ ...lane, sizes: [100], now: 15_000 }), true);
        });

        it("sends a full batch, or the rest of a closed shard, before the window ends", () => {
            assert.equal(batchIsDue({ ...lane, sizes: Array(100).fill(100), now: 10_001 }), true);
            assert.equal(batchIsDue({ ...lane, sizes: [4_000_000, 4_000_000], now: 10_001 }), true);
            assert.equal(batchIsDue({ ...lane, sizes: [100], now: 10_001, closed: true }), true);
            assert.equal(batchIsDue({ ...lane, sizes: [], now: 99_000, closed: true }), false);
        });
    });
});
