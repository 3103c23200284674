import { strict as assert } from "node:assert";
import { concurrentStreamOf, splitIntoConcurrentStreams } from "../../local/mapping/parallelization";
import { dynamodbRecordFactory } from "../helpers/records";

describe("concurrent batches of one shard (parallelizationFactor)", () => {
    const records = Array.from({ length: 400 }, (_, index) =>
        dynamodbRecordFactory({ keys: { id: { S: `order-${index % 37}` } } }),
    );

    it("keeps every record of a partition key in one stream, in stream order", () => {
        const streams = splitIntoConcurrentStreams(records, "id", 4);

        const streamOfKey = new Map<string, number>();
        streams.forEach((stream, index) => {
            for (const record of stream) {
                const key = String(record.dynamodb?.Keys?.id?.S);
                assert.equal(streamOfKey.get(key) ?? index, index, `${key} is split across streams`);
                streamOfKey.set(key, index);
            }
            const sequences = stream.map((record) => BigInt(String(record.dynamodb?.SequenceNumber)));
            assert.deepEqual(
                sequences,
                [...sequences].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
            );
        });
        assert.equal(streams.flat().length, records.length);
    });

    it("spreads distinct keys over every stream", () => {
        const streams = splitIntoConcurrentStreams(records, "id", 4);

        assert.equal(streams.length, 4);
        for (const stream of streams) assert.ok(stream.length > 0);
    });

    it("uses one stream when the factor is 1", () => {
        assert.deepEqual(splitIntoConcurrentStreams(records, "id", 1), [records]);
    });

    it("names the record and the key when the partition key is missing", () => {
        const [record] = records;

        assert.throws(() => concurrentStreamOf(record, "tenant", 2), /has no partition key tenant/);
    });
});
