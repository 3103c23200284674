import { strict as assert } from "node:assert";
import { toSdkItem } from "../../handler/attribute-values";
import { archiveObjectKey } from "../../handler/archive-key";
import { BACKFILL_SEQUENCE_NUMBER, toBackfillRecord } from "../../handler/backfill-records";
import { dataFileLabel, exportIdOf, parseExportLine } from "../../handler/export-lines";
import { toGuardedPut } from "../../handler/projection-item";
import { toProjectionChange } from "../../handler/projection-change";

const WHERE = "data/abc.json.gz line 7";
const TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders";
const DATA_FILE = "exports/AWSDynamoDB/01700000000000-a1b2c3d4/data/q7ks2mzz4y3ivdvr4whefgqv4m.json.gz";

/** One exported item with every DynamoDB type, as DynamoDB's export writes it. */
const EVERY_TYPE = {
    id: { S: "order-1" },
    big: { N: "12345678901234567890123456789012345678" },
    tiny: { N: "-1E-130" },
    receipt: { B: "JVBERi0x" },
    paid: { BOOL: false },
    gone: { NULL: true },
    tags: { SS: ["gift", ""] },
    scores: { NS: ["1", "2.50", "-3e2"] },
    blobs: { BS: ["AAE=", "/w=="] },
    lines: { L: [{ S: "a" }, { N: "1" }, { M: { deep: { L: [] } } }] },
    address: { M: { city: { S: "Lyon" }, empty: { M: {} } } },
    blank: { S: "" },
};

describe("export data file lines", () => {
    it("reads every DynamoDB JSON type exactly, nested lists and maps included", () => {
        const line = JSON.stringify({ Item: EVERY_TYPE });

        const item = parseExportLine(line, WHERE);

        assert.deepEqual(item, EVERY_TYPE);
    });

    it("hands the guarded write the item's exact values: 38 digits, sets, bytes", () => {
        const item = parseExportLine(JSON.stringify({ Item: EVERY_TYPE }), WHERE);
        const record = toBackfillRecord(item, ["id"], { export: origin(), line: 7 });

        const put = toGuardedPut(toProjectionChange(record), { nowSeconds: 0, tombstoneTtlSeconds: 1 });

        assert.deepEqual(put.item.receipt, { B: Buffer.from("JVBERi0x", "base64") });
        assert.equal(put.item.big?.N, "12345678901234567890123456789012345678");
        assert.deepEqual(put.item, { ...toSdkItem(EVERY_TYPE), _cdc_sequence: { S: "0".repeat(40) } });
    });

    for (const [line, problem] of [
        ["not json", /is not JSON/],
        ['{"Itm":{}}', /has no "Item" object/],
        ['{"Item":[]}', /has no "Item" object/],
        ['{"Item":{"n":{"N":"12a"}}}', /attribute n is not a valid N \(a number as text\): "12a"/],
        ['{"Item":{"n":{"N":12}}}', /attribute n is not a valid N/],
        ['{"Item":{"s":{"S":1}}}', /attribute s is not a valid S/],
        ['{"Item":{"b":{"B":"no spaces allowed"}}}', /attribute b is not a valid B \(base64 text\)/],
        ['{"Item":{"f":{"BOOL":"true"}}}', /attribute f is not a valid BOOL/],
        ['{"Item":{"z":{"NULL":false}}}', /attribute z is not a valid NULL/],
        ['{"Item":{"t":{"SS":"a"}}}', /attribute t is not a valid SS/],
        ['{"Item":{"t":{"NS":["1","x"]}}}', /attribute t is not a valid NS/],
        ['{"Item":{"t":{"BS":["*"]}}}', /attribute t is not a valid BS/],
        ['{"Item":{"l":{"L":[{"S":"a"},{"Q":"b"}]}}}', /attribute l\[1\] has the unknown type "Q"/],
        [
            '{"Item":{"m":{"M":{"x":{"S":"a","N":"1"}}}}}',
            /attribute m\.x has 2 type descriptors; allowed: exactly one/,
        ],
        ['{"Item":{"m":{"M":[]}}}', /attribute m is not a valid M/],
        ['{"Item":{"v":"plain"}}', /attribute v is not a DynamoDB JSON value/],
    ] as const) {
        it(`refuses ${line}, naming the line and the attribute`, () => {
            assert.throws(
                () => parseExportLine(line, WHERE),
                (error: Error) => error.message.startsWith(WHERE) && problem.test(error.message),
            );
        });
    }

    it("turns an item into an INSERT with sequence 0, the export's time and a backfill eventID", () => {
        const item = { pk: { S: "customer#1" }, sk: { N: "2" }, name: { S: "Ada" } };

        const record = toBackfillRecord(item, ["pk", "sk"], { export: origin(), line: 7 });

        assert.deepEqual(record, {
            eventID: "export:01700000000000-a1b2c3d4:q7ks2mzz4y3ivdvr4whefgqv4m:7",
            eventName: "INSERT",
            eventVersion: "1.1",
            eventSource: "aws:dynamodb",
            awsRegion: "eu-west-1",
            eventSourceARN: `${TABLE_ARN}/stream/export-01700000000000-a1b2c3d4-q7ks2mzz4y3ivdvr4whefgqv4m-b3`,
            dynamodb: {
                ApproximateCreationDateTime: Date.parse("2026-11-27T09:00:00Z") / 1000,
                Keys: { pk: { S: "customer#1" }, sk: { N: "2" } },
                NewImage: item,
                SequenceNumber: BACKFILL_SEQUENCE_NUMBER,
                StreamViewType: "NEW_AND_OLD_IMAGES",
            },
        });
    });

    it("names each batch's archive object after its export, file and batch, so a repeated batch overwrites it", () => {
        const item = { id: { S: "a" } };
        const batch = (number: number) => [
            toBackfillRecord(item, ["id"], { export: { ...origin(), batch: number }, line: 1 }),
        ];

        assert.equal(archiveObjectKey("changes/", batch(3)), archiveObjectKey("changes/", batch(3)));
        assert.notEqual(archiveObjectKey("changes/", batch(3)), archiveObjectKey("changes/", batch(4)));
        assert.equal(
            archiveObjectKey("changes/", batch(3)),
            `changes/dt=2026-11-27/hour=09/orders.export-01700000000000-a1b2c3d4-q7ks2mzz4y3ivdvr4whefgqv4m-b3_${"0".repeat(40)}-${"0".repeat(40)}.ndjson.gz`,
        );
    });

    it("refuses an item without one of the key attributes", () => {
        assert.throws(
            () => toBackfillRecord({ pk: { S: "a" } }, ["pk", "sk"], { export: origin(), line: 12 }),
            /line 12 has no key attribute sk/,
        );
    });

    it("reads the export id and the file's name from a data file key", () => {
        assert.equal(exportIdOf(DATA_FILE), "01700000000000-a1b2c3d4");
        assert.equal(dataFileLabel(DATA_FILE), "q7ks2mzz4y3ivdvr4whefgqv4m");
    });
});

function origin() {
    return {
        tableArn: TABLE_ARN,
        exportId: exportIdOf(DATA_FILE),
        fileLabel: dataFileLabel(DATA_FILE),
        batch: 3,
        exportTimeSeconds: Date.parse("2026-11-27T09:00:00Z") / 1000,
    };
}
