import { strict as assert } from "node:assert";
import type { AttributeValue } from "aws-lambda";
import { decodeArchiveObject, encodeArchiveObject } from "../../handler/archive";
import { toSdkItem } from "../../handler/attribute-values";
import { toProjectionChange } from "../../handler/projection-change";
import { dynamodbRecordFactory } from "../helpers/records";

/** Each DynamoDB type as a Lambda stream event carries it (binary as base64). */
const TYPES: Record<string, { value: AttributeValue; sdk: unknown }> = {
    "a 38-digit number": {
        value: { N: "12345678901234567890123456789012345678" },
        sdk: { N: "12345678901234567890123456789012345678" },
    },
    "a negative number with 38 significant digits and an exponent": {
        value: { N: "-1.2345678901234567890123456789012345678E-120" },
        sdk: { N: "-1.2345678901234567890123456789012345678E-120" },
    },
    "an empty string": { value: { S: "" }, sdk: { S: "" } },
    "a string of multi-byte characters": { value: { S: "Zürich — 東京 🚀" }, sdk: { S: "Zürich — 東京 🚀" } },
    binary: { value: { B: "AP8Q" }, sdk: { B: Buffer.from([0, 255, 16]) } },
    "a string set": { value: { SS: ["b", "a", ""] }, sdk: { SS: ["b", "a", ""] } },
    "a number set of big numbers": {
        value: { NS: ["99999999999999999999999999999999999999", "-0.5"] },
        sdk: { NS: ["99999999999999999999999999999999999999", "-0.5"] },
    },
    "a binary set": { value: { BS: ["AQ==", "AgM="] }, sdk: { BS: [Buffer.from([1]), Buffer.from([2, 3])] } },
    "booleans and null": {
        value: { L: [{ BOOL: true }, { BOOL: false }, { NULL: true }] },
        sdk: { L: [{ BOOL: true }, { BOOL: false }, { NULL: true }] },
    },
    "nested maps and lists": {
        value: { M: { a: { L: [{ M: { b: { NS: ["1"] } } }, { L: [] }] }, empty: { M: {} } } },
        sdk: { M: { a: { L: [{ M: { b: { NS: ["1"] } } }, { L: [] }] }, empty: { M: {} } } },
    },
};

describe("type fidelity from the stream to the projection and the archive", () => {
    for (const [name, { value, sdk }] of Object.entries(TYPES)) {
        it(`keeps ${name} exactly`, async () => {
            const image = { id: { S: "k" }, value };
            const record = dynamodbRecordFactory({ keys: { id: { S: "k" } }, newImage: image });

            const change = toProjectionChange(record);
            const [archived] = decodeArchiveObject((await encodeArchiveObject("p/", [record])).body);

            assert.equal(change.kind, "put");
            assert.deepEqual(change.kind === "put" && change.item.value, sdk);
            assert.deepEqual(archived?.newImage, { id: { S: "k" }, value: sdk });
        });
    }

    it("keeps an item near the 400 KB limit byte for byte", async () => {
        const blob = Buffer.alloc(395 * 1024, 7);
        blob[0] = 1;
        const image: Record<string, AttributeValue> = {
            id: { S: "big" },
            blob: { B: blob.toString("base64") },
            text: { S: "x".repeat(3000) },
        };
        const record = dynamodbRecordFactory({ keys: { id: { S: "big" } }, newImage: image });

        const change = toProjectionChange(record);
        const [archived] = decodeArchiveObject((await encodeArchiveObject("p/", [record])).body);

        assert.deepEqual(change.kind === "put" && change.item.blob?.B, blob);
        assert.deepEqual(archived?.newImage, toSdkItem(image));
    });

    it("round-trips old images, keys and the TTL mark through the archive", async () => {
        const record = dynamodbRecordFactory({
            eventName: "MODIFY",
            keys: { id: { B: "AQ==" } },
            oldImage: { id: { B: "AQ==" }, v: { N: "1" } },
            newImage: { id: { B: "AQ==" }, v: { N: "2" } },
        });

        const [decoded] = decodeArchiveObject((await encodeArchiveObject("p/", [record])).body);

        assert.deepEqual(decoded?.keys, { id: { B: Buffer.from([1]) } });
        assert.deepEqual(decoded?.oldImage, { id: { B: Buffer.from([1]) }, v: { N: "1" } });
        assert.equal(decoded?.ttlExpired, false);
        assert.equal(decoded?.eventID, record.eventID);
    });
});
