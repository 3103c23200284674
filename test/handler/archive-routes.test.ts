import { strict as assert } from "node:assert";
import type { DynamoDBRecord } from "aws-lambda";
import { decodeArchiveLine, decodeArchiveObject } from "../../handler/archive";
import type { DeployedRoute } from "../../handler/contract";
import { archiveBatch, type ArchivingSettings } from "../helpers/archived-batches";
import { dynamodbRecordFactory, ttlExpiryRecordFactory } from "../helpers/records";

const ROUTES: readonly DeployedRoute[] = [
    {
        name: "open-orders",
        match: { attributeEquals: { attribute: "status", values: [{ S: "open" }] } },
        table: "t1",
    },
    { name: "everything", match: "all", table: "t2" },
];

/** The archive lines the handler writes for one batch, decoded. */
async function archivedLines(records: DynamoDBRecord[], settings: ArchivingSettings = {}) {
    return (await archiveBatch(records, settings)).flatMap((archive) => decodeArchiveObject(archive.body));
}

const order = (status: string) => ({ id: { S: "order-1" }, status: { S: status } });

describe("archive lines' route membership", () => {
    it("records that a MODIFY moved the item out of a route: the old image is in it, the new one is not", async () => {
        const modify = dynamodbRecordFactory({
            eventName: "MODIFY",
            keys: { id: { S: "order-1" } },
            oldImage: order("open"),
            newImage: order("shipped"),
        });

        const [line] = await archivedLines([modify], { routes: ROUTES });

        assert.deepEqual(line?.routes, { old: ["open-orders", "everything"], new: ["everything"] });
    });

    it("gives a REMOVE's missing new image no route", async () => {
        const remove = dynamodbRecordFactory({
            eventName: "REMOVE",
            keys: { id: { S: "order-1" } },
            oldImage: order("open"),
        });

        const [line] = await archivedLines([remove], { routes: ROUTES });

        assert.deepEqual(line?.routes, { old: ["open-orders", "everything"], new: [] });
    });

    it("records a TTL expiry's routes, whether the projection deletes it or keeps it", async () => {
        for (const ttlExpirations of ["delete", "archiveOnly"] as const) {
            const expiry = ttlExpiryRecordFactory({
                keys: { id: { S: "order-1" } },
                oldImage: order("open"),
            });

            const [line] = await archivedLines([expiry], { routes: ROUTES, ttlExpirations });

            assert.equal(line?.ttlExpired, true);
            assert.deepEqual(line?.routes, { old: ["open-orders", "everything"], new: [] });
        }
    });

    it("names the one default route of a feed without routes", async () => {
        const [line] = await archivedLines([dynamodbRecordFactory({ eventName: "INSERT" })]);

        assert.deepEqual(line?.routes, { old: [], new: ["default"] });
    });

    it("leaves the membership off a malformed record's line", async () => {
        const wellFormed = dynamodbRecordFactory();
        const malformed = dynamodbRecordFactory({ eventName: "UPSERT" });

        const [, line] = await archivedLines([wellFormed, malformed]);

        assert.equal(line?.eventName, "UPSERT");
        assert.equal(line?.routes, undefined);
    });

    it("decodes lines written before the membership was recorded", () => {
        const older = JSON.stringify({
            eventID: "e1",
            eventName: "INSERT",
            sequenceNumber: "1",
            approximateCreationDateTime: "2026-11-27T13:45:00.000Z",
            ttlExpired: false,
            keys: { id: { S: "a" } },
            oldImage: null,
            newImage: { id: { S: "a" } },
        });

        const change = decodeArchiveLine(older);

        assert.equal(change.routes, undefined);
        assert.deepEqual(change.keys, { id: { S: "a" } });
    });
});
