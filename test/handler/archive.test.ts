import { strict as assert } from "node:assert";
import { gunzipSync } from "node:zlib";
import { encodeArchiveObject, toArchiveLine } from "../../handler/archive";
import { archiveObjectKey } from "../../handler/archive-key";
import { dynamodbRecordFactory } from "../helpers/records";

describe("archive encoding", () => {
    it("writes one line per change with eventID, eventName, keys, both images, sequence and time", () => {
        const record = dynamodbRecordFactory({
            eventName: "MODIFY",
            keys: { id: { S: "a" } },
            oldImage: { id: { S: "a" }, n: { N: "1" } },
            newImage: { id: { S: "a" }, n: { N: "2" } },
            sequenceNumber: "000000000000000000042",
            createdAt: new Date("2026-11-27T13:45:00Z"),
        });

        assert.deepEqual(toArchiveLine(record), {
            eventID: "event-000000000000000000042",
            eventName: "MODIFY",
            sequenceNumber: "000000000000000000042",
            approximateCreationDateTime: "2026-11-27T13:45:00.000Z",
            ttlExpired: false,
            keys: { id: { S: "a" } },
            oldImage: { id: { S: "a" }, n: { N: "1" } },
            newImage: { id: { S: "a" }, n: { N: "2" } },
        });
    });

    it("keeps what arrived of a malformed record instead of dropping it", () => {
        const { dynamodb: _, ...record } = dynamodbRecordFactory({ eventName: "INSERT" });

        const line = toArchiveLine(record);

        assert.equal(line.eventID, record.eventID);
        assert.equal(line.sequenceNumber, null);
        assert.equal(line.newImage, null);
    });

    it("names the object by partition hour, stream and zero-padded first and last sequence", () => {
        const first = dynamodbRecordFactory({
            sequenceNumber: "100000000000000000001",
            createdAt: new Date("2026-11-27T13:59:59Z"),
        });
        const last = dynamodbRecordFactory({
            sequenceNumber: "100000000000000000009",
            createdAt: new Date("2026-11-27T14:00:01Z"),
        });

        const key = archiveObjectKey("changes/", [first, last]);

        assert.equal(
            key,
            "changes/dt=2026-11-27/hour=13/orders.2026-11-27T00-00-00.000_" +
                "0000000000000000000100000000000000000001-0000000000000000000100000000000000000009.ndjson.gz",
        );
    });

    it("names a re-delivered identical batch the same, so it overwrites instead of duplicating", () => {
        const records = [dynamodbRecordFactory(), dynamodbRecordFactory()];

        assert.equal(
            archiveObjectKey("changes/", records),
            archiveObjectKey("changes/", structuredClone(records)),
        );
    });

    it("gzips NDJSON in batch order", async () => {
        const records = [dynamodbRecordFactory(), dynamodbRecordFactory(), dynamodbRecordFactory()];

        const archive = await encodeArchiveObject("p/", records);

        const lines = gunzipSync(archive.body).toString("utf8").trimEnd().split("\n");
        assert.equal(archive.lineCount, 3);
        assert.deepEqual(
            lines.map((line) => (JSON.parse(line) as { eventID: string }).eventID),
            records.map((record) => record.eventID),
        );
    });
});
