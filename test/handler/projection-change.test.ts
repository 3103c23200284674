import { strict as assert } from "node:assert";
import type { DynamoDBRecord } from "aws-lambda";
import { toProjectionChange } from "../../handler/projection-change";
import { dynamodbRecordFactory, ttlExpiryRecordFactory } from "../helpers/records";

describe("toProjectionChange", () => {
    it("puts the new image of an INSERT", () => {
        const record = dynamodbRecordFactory({
            eventName: "INSERT",
            keys: { id: { S: "order-1" } },
            newImage: { id: { S: "order-1" }, total: { N: "42.50" } },
            sequenceNumber: "400000000000000000001",
        });

        const change = toProjectionChange(record);

        assert.deepEqual(change, {
            kind: "put",
            key: { id: { S: "order-1" } },
            item: { id: { S: "order-1" }, total: { N: "42.50" } },
            sequence: "0000000000000000000400000000000000000001",
        });
    });

    it("puts the new image of a MODIFY, not the old one", () => {
        const record = dynamodbRecordFactory({
            eventName: "MODIFY",
            keys: { id: { S: "order-1" } },
            oldImage: { id: { S: "order-1" }, status: { S: "open" } },
            newImage: { id: { S: "order-1" }, status: { S: "paid" } },
            sequenceNumber: "1".repeat(40),
        });

        const change = toProjectionChange(record);

        assert.deepEqual(change, {
            kind: "put",
            key: { id: { S: "order-1" } },
            item: { id: { S: "order-1" }, status: { S: "paid" } },
            sequence: "1".repeat(40),
        });
    });

    it("deletes by key on REMOVE", () => {
        const record = dynamodbRecordFactory({
            eventName: "REMOVE",
            keys: { id: { S: "order-1" }, at: { N: "7" } },
            sequenceNumber: "000000000000000000042",
        });

        assert.deepEqual(toProjectionChange(record), {
            kind: "delete",
            key: { id: { S: "order-1" }, at: { N: "7" } },
            sequence: "42".padStart(40, "0"),
            ttlExpired: false,
        });
    });

    it("marks a REMOVE by DynamoDB's TTL process as an expiration", () => {
        const change = toProjectionChange(ttlExpiryRecordFactory({ keys: { id: { S: "session-9" } } }));

        assert.equal(change.kind === "delete" && change.ttlExpired, true);
    });

    it("turns base64 binary from the event into bytes for the SDK", () => {
        const record = dynamodbRecordFactory({
            keys: { id: { B: "AAEC" } },
            newImage: { id: { B: "AAEC" }, blobs: { BS: ["/w==", ""] } },
        });

        const change = toProjectionChange(record);

        assert.equal(change.kind, "put");
        assert.deepEqual(change.key.id?.B, Buffer.from([0, 1, 2]));
        assert.deepEqual(change.kind === "put" && change.item.blobs?.BS, [
            Buffer.from([255]),
            Buffer.alloc(0),
        ]);
    });

    const malformed: [string, (record: DynamoDBRecord) => DynamoDBRecord, RegExp][] = [
        ["has no dynamodb section", ({ dynamodb: _, ...rest }) => rest, /no `dynamodb` section/],
        [
            "has no keys",
            (record) => ({ ...record, dynamodb: { ...record.dynamodb, Keys: {} } }),
            /Keys` is missing or empty/,
        ],
        [
            "is an INSERT without a new image",
            (record) => ({
                ...record,
                dynamodb: { ...record.dynamodb, NewImage: undefined },
            }),
            /INSERT has no NewImage; the stream must use NEW_AND_OLD_IMAGES/,
        ],
        [
            "has an unknown eventName",
            (record) => ({ ...record, eventName: "UPSERT" as DynamoDBRecord["eventName"] }),
            /eventName "UPSERT" is not INSERT, MODIFY or REMOVE/,
        ],
        [
            "has no sequence number",
            (record) => ({ ...record, dynamodb: { ...record.dynamodb, SequenceNumber: undefined } }),
            /SequenceNumber undefined is not 1-40 digits/,
        ],
        [
            "has a sequence number longer than 40 digits",
            (record) => ({ ...record, dynamodb: { ...record.dynamodb, SequenceNumber: "9".repeat(41) } }),
            /SequenceNumber "9{41}" is not 1-40 digits/,
        ],
        [
            "uses an attribute name the projection reserves",
            (record) => ({
                ...record,
                dynamodb: { ...record.dynamodb, NewImage: { id: { S: "x" }, _cdc_sequence: { S: "1" } } },
            }),
            /attribute _cdc_sequence is reserved by the projection .*rename it in the source table/,
        ],
        [
            "has a value without a type",
            (record) => ({
                ...record,
                dynamodb: { ...record.dynamodb, NewImage: { id: { S: "x" }, bad: {} } },
            }),
            /attribute bad has no DynamoDB type/,
        ],
    ];
    for (const [situation, corrupt, reason] of malformed) {
        it(`rejects a record that ${situation}, naming the record and the reason`, () => {
            const record = corrupt(dynamodbRecordFactory({ sequenceNumber: "000000000000000000777" }));

            assert.throws(
                () => toProjectionChange(record),
                (error: Error & { eventID?: string }) => {
                    assert.equal(error.name, "MalformedRecordError");
                    assert.equal(error.eventID, "event-000000000000000000777");
                    assert.match(error.message, /Stream record event-000000000000000000777 is malformed/);
                    assert.match(error.message, reason);
                    return true;
                },
            );
        });
    }
});
