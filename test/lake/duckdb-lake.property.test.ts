import { strict as assert } from "node:assert";
import type { DynamoDBRecord } from "aws-lambda";
import * as fc from "fast-check";
import type { DeployedRoute, TtlExpirationMode } from "../../handler/contract";
import type { ArchiveObject, StreamImage } from "../../handler/types";
import { archiveBatch } from "../helpers/archived-batches";
import { dynamodbRecordFactory, ttlExpiryRecordFactory } from "../helpers/records";
import { TestLake, expectedStates } from "./duckdb-lake";

const ROUTES: readonly DeployedRoute[] = [
    {
        name: "open-orders",
        match: { attributeEquals: { attribute: "status", values: [{ S: "open" }] } },
        attributes: { include: ["status"] },
        table: "open",
    },
    { name: "k-one", match: { keyPrefix: { attribute: "id", prefix: "k1" } }, table: "one" },
    { name: "everything", match: "all", attributes: { exclude: ["secret"] }, table: "all" },
];

const START = Date.parse("2026-11-27T22:30:00Z");

type Step =
    | { readonly op: "put"; readonly key: number; readonly status: string; readonly gapSeconds: number }
    | { readonly op: "delete" | "expire"; readonly key: number; readonly gapSeconds: number };

const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({
        op: fc.constant("put" as const),
        key: fc.integer({ min: 0, max: 3 }),
        status: fc.constantFrom("open", "shipped", "closed"),
        gapSeconds: fc.integer({ min: 1, max: 1800 }),
    }),
    fc.record({
        op: fc.constantFrom("delete" as const, "expire" as const),
        key: fc.integer({ min: 0, max: 3 }),
        gapSeconds: fc.integer({ min: 1, max: 1800 }),
    }),
);

/** The stream records a sequence of steps makes, each image as the table held it. */
function streamOf(steps: readonly Step[]): DynamoDBRecord[] {
    const items = new Map<number, StreamImage>();
    const records: DynamoDBRecord[] = [];
    let at = START;
    for (const next of steps) {
        at += next.gapSeconds * 1000;
        const keys = { id: { S: `k${next.key}` } };
        const old = items.get(next.key);
        const createdAt = new Date(at);
        if (next.op === "put") {
            const image = {
                ...keys,
                status: { S: next.status },
                secret: { S: "s" },
                n: { N: String(records.length) },
            };
            items.set(next.key, image);
            records.push(
                dynamodbRecordFactory({
                    eventName: old ? "MODIFY" : "INSERT",
                    keys,
                    newImage: image,
                    ...(old ? { oldImage: old } : {}),
                    createdAt,
                }),
            );
        } else if (old) {
            items.delete(next.key);
            const factory = next.op === "expire" ? ttlExpiryRecordFactory : dynamodbRecordFactory;
            records.push(factory({ eventName: "REMOVE", keys, oldImage: old, createdAt }));
        }
    }
    return records;
}

/** Cuts a stream into batches at the given points. */
function batchesOf(records: readonly DynamoDBRecord[], cuts: readonly number[]): DynamoDBRecord[][] {
    const points = [...new Set(cuts.map((cut) => cut % (records.length + 1)))].sort((a, b) => a - b);
    const batches: DynamoDBRecord[][] = [];
    let from = 0;
    for (const point of [...points, records.length]) {
        if (point > from) batches.push(records.slice(from, point));
        from = Math.max(from, point);
    }
    return batches;
}

describe("the lake on DuckDB, over random histories (property)", function () {
    this.timeout(120_000);

    it("holds each archived record once and each route's projection, whatever the batching, re-delivery and arrival order", async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.array(step, { minLength: 1, maxLength: 24 }),
                fc.array(fc.nat(), { maxLength: 8 }),
                fc.array(fc.constantFrom("once", "twice", "bisected"), { minLength: 24, maxLength: 24 }),
                fc.array(fc.nat(), { minLength: 48, maxLength: 48 }),
                fc.array(fc.nat({ max: 4 }), { minLength: 48, maxLength: 48 }),
                fc.constantFrom<TtlExpirationMode>("delete", "archiveOnly"),
                async (steps, cuts, deliveries, order, runsAfter, ttlExpirations) => {
                    const history = streamOf(steps);
                    if (history.length === 0) return;
                    const settings = { routes: ROUTES, ttlExpirations };
                    const objects: ArchiveObject[] = [];
                    for (const [index, batch] of batchesOf(history, cuts).entries()) {
                        const delivery = deliveries[index % deliveries.length];
                        objects.push(...(await archiveBatch(batch, settings)));
                        if (delivery === "twice") objects.push(...(await archiveBatch(batch, settings)));
                        if (delivery === "bisected" && batch.length > 1) {
                            const half = Math.floor(batch.length / 2);
                            objects.push(...(await archiveBatch(batch.slice(0, half), settings)));
                            objects.push(...(await archiveBatch(batch.slice(half), settings)));
                        }
                    }
                    // Objects arrive in any order; runs of the look-back window happen between arrivals.
                    const arrivals = objects
                        .map((object, index) => ({ object, rank: order[index % order.length]! }))
                        .sort((a, b) => a.rank - b.rank);
                    const end = history.at(-1)!.dynamodb!.ApproximateCreationDateTime! * 1000;
                    const lookBack = { from: new Date(START), to: new Date(end + 1000) };
                    const feed = { routes: ROUTES, ttlExpirations };
                    const lake = await TestLake.open(feed);
                    try {
                        for (const [index, { object }] of arrivals.entries()) {
                            await lake.arrive([object]);
                            if (runsAfter[index % runsAfter.length] === 0) await lake.run(lookBack);
                        }
                        await lake.run(lookBack);

                        const distinct = [...new Set(history.map((record) => record.eventID!))].sort();
                        assert.deepEqual(await lake.changeEventIds(), distinct);
                        const expected = expectedStates(history, feed, true);
                        const states = async () =>
                            Object.fromEntries(
                                await Promise.all(
                                    ROUTES.map(async (route) => [
                                        route.name,
                                        await lake.currentState(route.name),
                                    ]),
                                ),
                            );
                        assert.deepEqual(await states(), expected);

                        await lake.run(lookBack);
                        assert.deepEqual(await lake.changeEventIds(), distinct);
                        assert.deepEqual(await states(), expected);
                    } finally {
                        await lake.close();
                    }
                },
            ),
            { numRuns: 40 },
        );
    });
});
