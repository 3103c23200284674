import { strict as assert } from "node:assert";
import { BatchProcessor, EventType } from "@aws-lambda-powertools/batch";
import type { AttributeValue, DynamoDBRecord } from "aws-lambda";
import { decodeArchiveObject, toArchiveLine } from "../../handler/archive";
import type { BatchOutcome } from "../../handler/batch-outcome";
import type { DeployedRoute } from "../../handler/contract";
import { planBatch } from "../../handler/plan";
import { processStreamBatch, type BatchDependencies } from "../../handler/process-batch";
import { routeAction, routeMatches, selectAttributes } from "../../handler/routing";
import type { ArchiveObject, ProjectionChange, WriteOutcome } from "../../handler/types";
import { dynamodbRecordFactory, streamEvent, ttlExpiryRecordFactory } from "../helpers/records";

type Image = Record<string, AttributeValue>;

const ORDERS: DeployedRoute = {
    name: "orders",
    table: "orders-projection",
    match: { keyPrefix: { attribute: "sk", prefix: "order-" } },
};
const CUSTOMERS: DeployedRoute = {
    name: "customers",
    table: "customers-projection",
    match: { attributeEquals: { attribute: "entityType", values: [{ S: "Customer" }] } },
    attributes: { exclude: ["email"] },
};
const VIP: DeployedRoute = {
    name: "vip",
    table: "vip-projection",
    match: { attributeEquals: { attribute: "tier", values: [{ N: "3" }, { BOOL: true }] } },
    attributes: { include: ["tier", "name"] },
};

const key = (pk: string, sk: string): Image => ({ pk: { S: pk }, sk: { S: sk } });

/** A record of the item at pk/sk, its images given without the key (the factory adds it). */
function change(
    eventName: "INSERT" | "MODIFY" | "REMOVE",
    keys: Image,
    images: { oldImage?: Image; newImage?: Image },
): DynamoDBRecord {
    return dynamodbRecordFactory({
        eventName,
        keys,
        ...(images.newImage ? { newImage: { ...images.newImage, ...keys } } : {}),
        ...(images.oldImage ? { oldImage: { ...images.oldImage, ...keys } } : {}),
    });
}

const customer = (extra: Image = {}): Image => ({
    entityType: { S: "Customer" },
    email: { S: "a@example.com" },
    ...extra,
});

describe("route matching", () => {
    it("matches every item for `all`", () => {
        assert.equal(routeMatches({ name: "all", match: "all" }, key("x", "y"), undefined), true);
    });

    it("matches a key prefix on the key attribute's string value only", () => {
        assert.equal(routeMatches(ORDERS, key("customer-1", "order-7"), undefined), true);
        assert.equal(routeMatches(ORDERS, key("customer-1", "profile"), undefined), false);
        assert.equal(routeMatches(ORDERS, { pk: { S: "c" }, sk: { N: "7" } }, undefined), false);
    });

    it("matches an attribute equal to one of the values, by type: strings, numbers as written, booleans", () => {
        const keys = key("p", "s");
        assert.equal(routeMatches(CUSTOMERS, keys, { entityType: { S: "Customer" } }), true);
        assert.equal(routeMatches(CUSTOMERS, keys, { entityType: { S: "customer" } }), false);
        assert.equal(routeMatches(CUSTOMERS, keys, {}), false);
        assert.equal(routeMatches(CUSTOMERS, keys, undefined), false);
        assert.equal(routeMatches(VIP, keys, { tier: { N: "3" } }), true);
        assert.equal(routeMatches(VIP, keys, { tier: { S: "3" } }), false, "a string is not the number 3");
        assert.equal(routeMatches(VIP, keys, { tier: { BOOL: true } }), true);
        assert.equal(routeMatches(VIP, keys, { tier: { BOOL: false } }), false);
    });
});

describe("what a change does to a route", () => {
    const keys = key("p", "s");
    const put = (record: DynamoDBRecord): ProjectionChange => ({
        kind: "put",
        key: {},
        item: {},
        sequence: record.dynamodb!.SequenceNumber!.padStart(40, "0"),
    });
    const removal: ProjectionChange = {
        kind: "delete",
        key: {},
        sequence: "1".padStart(40, "0"),
        ttlExpired: false,
    };
    const routed = (record: DynamoDBRecord) => ({
        eventName: record.eventName,
        keys: record.dynamodb!.Keys!,
        newImage: record.dynamodb!.NewImage,
        oldImage: record.dynamodb!.OldImage,
    });
    const action = (route: DeployedRoute, record: DynamoDBRecord) =>
        routeAction(route, routed(record), record.eventName === "REMOVE" ? removal : put(record));

    it("puts an item whose new image matches, whatever the old one was", () => {
        assert.equal(action(CUSTOMERS, change("INSERT", keys, { newImage: customer() })), "put");
        assert.equal(
            action(CUSTOMERS, change("MODIFY", keys, { oldImage: {}, newImage: customer() })),
            "put",
            "entering the route",
        );
    });

    it("tombstones an item that stops matching, and a matching item that is deleted", () => {
        const left = change("MODIFY", keys, {
            oldImage: customer(),
            newImage: { entityType: { S: "Order" } },
        });
        assert.equal(action(CUSTOMERS, left), "tombstone");
        assert.equal(action(CUSTOMERS, change("REMOVE", keys, { oldImage: customer() })), "tombstone");
    });

    it("leaves the route alone when the item matches neither before nor after", () => {
        const other = { entityType: { S: "Order" } };
        assert.equal(action(CUSTOMERS, change("INSERT", keys, { newImage: other })), undefined);
        assert.equal(
            action(CUSTOMERS, change("MODIFY", keys, { oldImage: other, newImage: other })),
            undefined,
        );
        assert.equal(action(CUSTOMERS, change("REMOVE", keys, { oldImage: other })), undefined);
    });

    it("tombstones when the old image it would need is missing: harmless, where a stale item is not", () => {
        const record = change("MODIFY", keys, { newImage: { entityType: { S: "Order" } } });
        delete record.dynamodb!.OldImage;
        assert.equal(action(CUSTOMERS, record), "tombstone");
    });

    it("decides key routes on the key alone: puts for INSERT and MODIFY, tombstones for REMOVE", () => {
        const order = key("customer-1", "order-1");
        assert.equal(action(ORDERS, change("MODIFY", order, { oldImage: {}, newImage: {} })), "put");
        assert.equal(action(ORDERS, change("REMOVE", order, { oldImage: {} })), "tombstone");
        assert.equal(
            action(ORDERS, change("INSERT", key("customer-1", "profile"), { newImage: {} })),
            undefined,
        );
    });
});

describe("attribute selection", () => {
    const item = { pk: { S: "p" }, sk: { S: "s" }, name: { S: "n" }, email: { S: "e" }, tier: { N: "3" } };
    const keys = { pk: { S: "p" }, sk: { S: "s" } };

    it("keeps the whole item when the route selects nothing", () => {
        assert.equal(selectAttributes(item, keys, undefined), item);
    });

    it("keeps only the included attributes, and the key attributes always", () => {
        assert.deepEqual(selectAttributes(item, keys, { include: ["name"] }), {
            pk: { S: "p" },
            sk: { S: "s" },
            name: { S: "n" },
        });
    });

    it("drops the excluded attributes, never a key attribute", () => {
        assert.deepEqual(selectAttributes(item, keys, { exclude: ["email", "sk"] }), {
            pk: { S: "p" },
            sk: { S: "s" },
            name: { S: "n" },
            tier: { N: "3" },
        });
    });

    it("applies include, then exclude, when both are given", () => {
        assert.deepEqual(selectAttributes(item, keys, { include: ["name", "tier"], exclude: ["tier"] }), {
            pk: { S: "p" },
            sk: { S: "s" },
            name: { S: "n" },
        });
    });
});

describe("planning a batch per route", () => {
    const routes = [ORDERS, CUSTOMERS, VIP];
    const keys = key("customer-1", "profile");
    const plan = (...records: DynamoDBRecord[]) => planBatch(records, { ttlExpirations: "delete", routes });
    const writesOf = (result: ReturnType<typeof plan>) =>
        [...result.writes].map(([id, written]) => ({
            route: result.writeRoutes.get(id)?.name,
            kind: written.kind,
            sequence: written.sequence,
            item: written.kind === "put" ? written.item : undefined,
        }));
    const sequenceOf = (record: DynamoDBRecord) => record.dynamodb!.SequenceNumber!.padStart(40, "0");

    it("makes at most one write per key and route: the latest change that touches the route", () => {
        const joined = change("INSERT", keys, { newImage: customer({ name: { S: "Ann" } }) });
        const renamed = change("MODIFY", keys, {
            oldImage: customer({ name: { S: "Ann" } }),
            newImage: customer({ name: { S: "Anna" } }),
        });

        const result = plan(joined, renamed);

        assert.deepEqual(writesOf(result), [
            {
                route: "customers",
                kind: "put",
                sequence: sequenceOf(renamed),
                item: { entityType: { S: "Customer" }, name: { S: "Anna" }, ...keys },
            },
        ]);
        assert.equal(result.records.get(joined)?.kind, "superseded");
        assert.equal(result.records.get(renamed)?.kind, "write");
    });

    it("tombstones the route an item leaves, and puts it to the route it enters, in one batch", () => {
        const joined = change("INSERT", keys, { newImage: customer() });
        const promoted = change("MODIFY", keys, {
            oldImage: customer(),
            newImage: { entityType: { S: "Partner" }, tier: { N: "3" }, name: { S: "Bo" } },
        });

        const result = plan(joined, promoted);

        assert.deepEqual(writesOf(result), [
            { route: "customers", kind: "delete", sequence: sequenceOf(promoted), item: undefined },
            {
                route: "vip",
                kind: "put",
                sequence: sequenceOf(promoted),
                item: { tier: { N: "3" }, name: { S: "Bo" }, ...keys },
            },
        ]);
        assert.deepEqual(result.records.get(promoted), {
            kind: "write",
            writeIds: [...result.writes.keys()],
        });
    });

    it("writes an item that matches several routes to each of them", () => {
        const both = change("INSERT", key("customer-1", "order-9"), {
            newImage: customer({ tier: { BOOL: true } }),
        });

        assert.deepEqual(
            writesOf(plan(both)).map((write) => write.route),
            ["orders", "customers", "vip"],
        );
    });

    it("brings an item back to a route it matches again, over its own tombstone", () => {
        const left = change("MODIFY", keys, { oldImage: customer(), newImage: {} });
        const back = change("MODIFY", keys, { oldImage: {}, newImage: customer() });

        assert.deepEqual(
            writesOf(plan(left, back)).map(({ route, kind, sequence }) => ({ route, kind, sequence })),
            [{ route: "customers", kind: "put", sequence: sequenceOf(back) }],
        );
    });

    it("marks a record no route needs as unrouted, and the archive can leave it out", () => {
        const note = change("INSERT", key("customer-1", "note-1"), {
            newImage: { entityType: { S: "Note" } },
        });
        const order = change("INSERT", key("customer-1", "order-1"), { newImage: {} });

        const all = planBatch([note, order], { ttlExpirations: "delete", routes });
        const routed = planBatch([note, order], { ttlExpirations: "delete", routes, archiveScope: "routed" });

        assert.deepEqual(all.records.get(note), { kind: "unrouted" });
        assert.deepEqual(all.archived, [note, order]);
        assert.deepEqual(routed.archived, [order]);
    });

    it("only archives a TTL expiration when configured to, in every route, and keeps earlier writes", () => {
        const order = key("customer-1", "order-1");
        const modified = change("MODIFY", order, { oldImage: {}, newImage: { total: { N: "1" } } });
        const expired = ttlExpiryRecordFactory({ keys: order, oldImage: { ...order } });

        const result = planBatch([modified, expired], { ttlExpirations: "archiveOnly", routes });

        assert.deepEqual(result.records.get(expired), { kind: "archiveOnly" });
        assert.deepEqual(
            writesOf(result).map(({ route, kind, sequence }) => ({ route, kind, sequence })),
            [{ route: "orders", kind: "put", sequence: sequenceOf(modified) }],
        );
    });
});

describe("processStreamBatch with routes", () => {
    type Written = { table: string | undefined; change: ProjectionChange };

    function routed(options: { staleTable?: string; failTable?: string } = {}) {
        const written: Written[] = [];
        const archived: ArchiveObject[] = [];
        const outcomes: BatchOutcome[] = [];
        const dependencies: BatchDependencies = {
            processor: new BatchProcessor(EventType.DynamoDBStreams),
            archivePrefix: "changes/",
            writeConcurrency: 4,
            ttlExpirations: "delete",
            routes: [ORDERS, CUSTOMERS],
            archiveScope: "routed",
            archiveExcludeAttributes: ["email"],
            writeProjection: async (written_, table): Promise<WriteOutcome> => {
                if (table === options.failTable) throw new Error("ProvisionedThroughputExceeded");
                written.push({ table, change: written_ });
                return table === options.staleTable ? "stale" : "applied";
            },
            writeArchive: async (archive) => {
                archived.push(archive);
            },
            telemetry: {
                batchStarted: () => undefined,
                recordFailed: () => undefined,
                batchFinished: (outcome) => outcomes.push(outcome),
            },
        };
        return { dependencies, written, archived, outcomes };
    }

    it("writes each route's table and counts each route's writes in the summary", async () => {
        const state = routed({ staleTable: "orders-projection" });
        const keys = key("customer-1", "profile");
        const joined = change("INSERT", keys, { newImage: customer() });
        const left = change("MODIFY", keys, {
            oldImage: customer(),
            newImage: { entityType: { S: "Lead" } },
        });
        const order = change("INSERT", key("customer-1", "order-1"), { newImage: customer() });
        const note = change("INSERT", key("customer-1", "note-1"), {
            newImage: { entityType: { S: "Note" } },
        });

        const response = await processStreamBatch(streamEvent(joined, left, order, note), state.dependencies);

        assert.deepEqual(response, { batchItemFailures: [] });
        assert.deepEqual(state.written.map(({ table, change: written }) => [table, written.kind]).sort(), [
            ["customers-projection", "delete"],
            ["customers-projection", "put"],
            ["orders-projection", "put"],
        ]);
        const customersPut = state.written.find(
            ({ table, change: written }) => table === "customers-projection" && written.kind === "put",
        );
        assert.equal(customersPut?.change.kind === "put" && "email" in customersPut.change.item, false);
        assert.deepEqual(state.outcomes[0]?.summary, {
            records: 4,
            writes: 3,
            applied: 2,
            stale: 1,
            superseded: 1,
            archiveOnly: 0,
            failed: 0,
            unrouted: 1,
            routes: {
                orders: { applied: 0, stale: 1, tombstoned: 0 },
                customers: { applied: 2, stale: 0, tombstoned: 1 },
            },
        });
    });

    it("archives only the routed records, without the excluded attributes in either image", async () => {
        const state = routed();
        const keys = key("customer-1", "profile");
        const left = change("MODIFY", keys, {
            oldImage: customer(),
            newImage: { entityType: { S: "Lead" }, email: { S: "b@example.com" } },
        });
        const note = change("INSERT", key("customer-1", "note-1"), {
            newImage: { entityType: { S: "Note" } },
        });

        await processStreamBatch(streamEvent(left, note), state.dependencies);

        const lines = decodeArchiveObject(state.archived[0]!.body);
        assert.deepEqual(
            lines.map((line) => line.eventID),
            [left.eventID],
        );
        assert.equal(lines[0]?.oldImage && "email" in lines[0].oldImage, false);
        assert.equal(lines[0]?.newImage && "email" in lines[0].newImage, false);
        assert.deepEqual(lines[0]?.keys, { pk: { S: "customer-1" }, sk: { S: "profile" } });
    });

    it("stores no archive object for a batch no route needs", async () => {
        const state = routed();
        const note = change("INSERT", key("customer-1", "note-1"), {
            newImage: { entityType: { S: "Note" } },
        });

        await processStreamBatch(streamEvent(note), state.dependencies);

        assert.deepEqual(state.archived, []);
        assert.equal(state.outcomes[0]?.archiveBytes, undefined);
    });

    it("fails a record when any of its routes' writes fails, after attempting all of them", async () => {
        const state = routed({ failTable: "orders-projection" });
        const first = change("INSERT", key("customer-0", "profile"), { newImage: customer() });
        const both = change("INSERT", key("customer-1", "order-1"), { newImage: customer() });

        const response = await processStreamBatch(streamEvent(first, both), state.dependencies);

        assert.deepEqual(response, {
            batchItemFailures: [{ itemIdentifier: both.dynamodb!.SequenceNumber! }],
        });
        assert.deepEqual(
            state.written.map(({ table }) => table),
            ["customers-projection", "customers-projection"],
        );
    });
});

describe("archive lines without excluded attributes", () => {
    it("removes them from both images and never from the keys", () => {
        const record = change("MODIFY", key("p", "s"), {
            oldImage: { secret: { S: "a" }, kept: { N: "1" } },
            newImage: { secret: { S: "b" }, kept: { N: "2" } },
        });

        const line = toArchiveLine(record, ["secret"]);

        assert.deepEqual(line.oldImage, { kept: { N: "1" }, pk: { S: "p" }, sk: { S: "s" } });
        assert.deepEqual(line.newImage, { kept: { N: "2" }, pk: { S: "p" }, sk: { S: "s" } });
        assert.deepEqual(line.keys, { pk: { S: "p" }, sk: { S: "s" } });
    });
});
