import { strict as assert } from "node:assert";
import { keyIdentity, planBatch } from "../../handler/plan";
import { RESERVED_ATTRIBUTES } from "../../handler/contract";
import { isTombstone, toGuardedPut, withoutReservedAttributes } from "../../handler/projection-item";
import { compareSequenceNumbers, paddedSequenceNumber } from "../../handler/sequence";
import { isTtlExpiration } from "../../handler/ttl";
import { dynamodbRecordFactory, ttlExpiryRecordFactory } from "../helpers/records";

describe("sequence numbers", () => {
    it("pads 21- to 40-digit sequence numbers so string order is numeric order", () => {
        const short = paddedSequenceNumber("9".repeat(21));
        const long = paddedSequenceNumber(`1${"0".repeat(39)}`);

        assert.equal(short?.length, 40);
        assert.equal(long?.length, 40);
        assert.ok(short! < long!, "a 21-digit number must sort before a 40-digit one");
        assert.equal(compareSequenceNumbers("9".repeat(21), `1${"0".repeat(39)}`), -1);
    });

    it("refuses what is not 1-40 decimal digits", () => {
        for (const bad of [undefined, "", "12a", "9".repeat(41), "-1"]) {
            assert.equal(paddedSequenceNumber(bad), undefined, String(bad));
        }
    });

    it("compares numerically across widths, where plain string order would be wrong", () => {
        assert.ok("1000000000000000000000" < "999999999999999999999", "string order is not numeric");
        assert.equal(compareSequenceNumbers("1000000000000000000000", "999999999999999999999"), 1);
        assert.equal(compareSequenceNumbers("42", "0042"), 0);
    });
});

describe("the guarded projection write", () => {
    const sequence = "7".padStart(40, "0");

    it("puts the new image with its sequence, landing only over an older sequence or no item", () => {
        const put = toGuardedPut(
            { kind: "put", key: { id: { S: "a" } }, item: { id: { S: "a" }, n: { N: "1" } }, sequence },
            { nowSeconds: 1_000, tombstoneTtlSeconds: 60 },
        );

        assert.deepEqual(put, {
            item: { id: { S: "a" }, n: { N: "1" }, _cdc_sequence: { S: sequence } },
            conditionExpression: "attribute_not_exists(#sequence) OR #sequence < :sequence",
            expressionAttributeNames: { "#sequence": "_cdc_sequence" },
            expressionAttributeValues: { ":sequence": { S: sequence } },
        });
    });

    it("turns a delete into a tombstone that TTL removes after the retention", () => {
        const put = toGuardedPut(
            { kind: "delete", key: { id: { S: "a" } }, sequence, ttlExpired: false },
            { nowSeconds: 1_000.9, tombstoneTtlSeconds: 86_400 },
        );

        assert.deepEqual(put.item, {
            id: { S: "a" },
            _cdc_sequence: { S: sequence },
            _cdc_tombstone: { BOOL: true },
            _cdc_expires_at: { N: "87400" },
        });
        assert.equal(isTombstone(put.item), true);
        assert.deepEqual(withoutReservedAttributes(put.item), { id: { S: "a" } });
    });

    it("reserves exactly the documented attribute names", () => {
        assert.deepEqual(Object.values(RESERVED_ATTRIBUTES), [
            "_cdc_sequence",
            "_cdc_tombstone",
            "_cdc_expires_at",
        ]);
    });
});

describe("planning a batch", () => {
    it("identifies a key by its attributes whatever their order", () => {
        assert.equal(
            keyIdentity({ pk: { S: "a" }, sk: { N: "1" } }),
            keyIdentity({ sk: { N: "1" }, pk: { S: "a" } }),
        );
        assert.notEqual(keyIdentity({ pk: { S: "1" } }), keyIdentity({ pk: { N: "1" } }));
    });

    it("writes the highest sequence of each key even when the batch is out of order", () => {
        const newer = dynamodbRecordFactory({
            keys: { id: { S: "k" } },
            sequenceNumber: "000000000000000000009",
        });
        const older = dynamodbRecordFactory({
            keys: { id: { S: "k" } },
            sequenceNumber: "000000000000000000003",
        });

        const plan = planBatch([newer, older], { ttlExpirations: "delete" });

        assert.equal(plan.writes.size, 1);
        assert.equal([...plan.writes.values()][0]?.sequence, "9".padStart(40, "0"));
        assert.deepEqual(plan.records.get(newer), {
            kind: "write",
            writeIds: [keyIdentity({ id: { S: "k" } })],
        });
        assert.equal(plan.records.get(older)?.kind, "superseded");
    });
});

describe("TTL expirations", () => {
    it("are REMOVEs by the DynamoDB service principal", () => {
        assert.equal(isTtlExpiration(ttlExpiryRecordFactory()), true);
    });

    it("are not REMOVEs by a user, nor other events by the service", () => {
        assert.equal(isTtlExpiration(dynamodbRecordFactory({ eventName: "REMOVE" })), false);
        assert.equal(
            isTtlExpiration({
                ...dynamodbRecordFactory({ eventName: "REMOVE" }),
                userIdentity: { type: "Service", principalId: "other.amazonaws.com" },
            }),
            false,
        );
        assert.equal(isTtlExpiration({ ...ttlExpiryRecordFactory(), eventName: "MODIFY" }), false);
    });
});
