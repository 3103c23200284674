import { strict as assert } from "node:assert";
import type { DynamoDBRecord } from "aws-lambda";
import type { DeployedRoute } from "../../handler/contract";
import { archiveBatch } from "../helpers/archived-batches";
import { dynamodbRecordFactory, ttlExpiryRecordFactory } from "../helpers/records";
import { TestLake, expectedStates } from "./duckdb-lake";

const ROUTES: readonly DeployedRoute[] = [
    {
        name: "open-orders",
        match: { attributeEquals: { attribute: "status", values: [{ S: "open" }] } },
        attributes: { include: ["status", "total"] },
        table: "open",
    },
    { name: "everything", match: "all", attributes: { exclude: ["secret"] }, table: "all" },
];

const START = Date.parse("2026-11-27T13:00:00Z");
let clock = 0;

/** A change to an order, created one second after the previous one. */
function change(eventName: string, id: string, status?: string, oldStatus?: string): DynamoDBRecord {
    const image = (value: string) => ({
        id: { S: id },
        status: { S: value },
        total: { N: "12.50" },
        secret: { S: "x" },
        note: { S: "n" },
    });
    return dynamodbRecordFactory({
        eventName,
        keys: { id: { S: id } },
        ...(status ? { newImage: image(status) } : {}),
        ...(oldStatus ? { oldImage: image(oldStatus) } : {}),
        createdAt: new Date(START + ++clock * 1000),
    });
}

const WHOLE = { from: new Date(START), to: new Date(START + 24 * 3600 * 1000) };

describe("the lake on DuckDB", function () {
    this.timeout(20_000);
    let lake: TestLake | undefined;
    afterEach(async () => {
        await lake?.close();
        lake = undefined;
    });

    it("keeps one row per archived record and each route's projection, live items only", async () => {
        lake = await TestLake.open({ routes: ROUTES, ttlExpirations: "delete" });
        const history = [
            change("INSERT", "a", "open"),
            change("INSERT", "b", "open"),
            change("MODIFY", "a", "shipped", "open"),
            change("REMOVE", "b", undefined, "open"),
            change("INSERT", "c", "open"),
        ];
        await lake.arrive(await archiveBatch(history, { routes: ROUTES }));

        await lake.run(WHOLE);

        assert.deepEqual(await lake.changeEventIds(), history.map((r) => r.eventID!).sort());
        const expected = expectedStates(history, { routes: ROUTES, ttlExpirations: "delete" }, true);
        assert.deepEqual(await lake.currentState("open-orders"), expected["open-orders"]);
        assert.deepEqual(await lake.currentState("everything"), expected.everything);
        assert.equal(Object.keys(expected["open-orders"]!).length, 1);
    });

    it("holds each record once when a batch is archived twice, bisected, and objects arrive out of order", async () => {
        lake = await TestLake.open({ routes: ROUTES, ttlExpirations: "delete" });
        const history = Array.from({ length: 8 }, (_, index) => change("INSERT", `k${index % 3}`, "open"));
        const whole = await archiveBatch(history, { routes: ROUTES });
        const halves = [
            ...(await archiveBatch(history.slice(0, 4), { routes: ROUTES })),
            ...(await archiveBatch(history.slice(4), { routes: ROUTES })),
        ];

        await lake.arrive([...halves].reverse());
        await lake.run(WHOLE);
        await lake.arrive([...whole, ...whole]);
        await lake.run(WHOLE);

        assert.deepEqual(await lake.changeEventIds(), history.map((r) => r.eventID!).sort());
        const expected = expectedStates(history, { routes: ROUTES, ttlExpirations: "delete" }, true);
        assert.deepEqual(await lake.currentState("everything"), expected.everything);
    });

    it("deletes a TTL-expired item, or keeps it under ttlExpirations: archiveOnly", async () => {
        for (const ttlExpirations of ["delete", "archiveOnly"] as const) {
            lake = await TestLake.open({ routes: ROUTES, ttlExpirations });
            const history = [
                change("INSERT", "a", "open"),
                ttlExpiryRecordFactory({
                    keys: { id: { S: "a" } },
                    oldImage: { id: { S: "a" }, status: { S: "open" } },
                    createdAt: new Date(START + ++clock * 1000),
                }),
            ];
            await lake.arrive(await archiveBatch(history, { routes: ROUTES, ttlExpirations }));

            await lake.run(WHOLE);

            const expected = expectedStates(history, { routes: ROUTES, ttlExpirations }, true);
            assert.deepEqual(await lake.currentState("open-orders"), expected["open-orders"]);
            assert.equal(Object.keys(expected["open-orders"]!).length, ttlExpirations === "delete" ? 0 : 1);
            await lake.close();
            lake = undefined;
        }
    });

    it("changes nothing when windows are run again, an older one after a newer one", async () => {
        lake = await TestLake.open({ routes: ROUTES, ttlExpirations: "delete" });
        const early = [change("INSERT", "a", "open"), change("INSERT", "b", "open")];
        clock += 3600;
        const late = [change("MODIFY", "a", "shipped", "open"), change("REMOVE", "b", undefined, "open")];
        await lake.arrive(await archiveBatch(early, { routes: ROUTES }));
        await lake.arrive(await archiveBatch(late, { routes: ROUTES }));
        const split = new Date(START + (clock - 10) * 1000);
        const first = { from: new Date(START), to: split };
        const second = { from: split, to: WHOLE.to };
        await lake.run(first);
        await lake.run(second);
        const before = [await lake.changeEventIds(), await lake.currentState("open-orders")];

        await lake.run(first);
        await lake.run(second);
        await lake.run(WHOLE);

        assert.deepEqual([await lake.changeEventIds(), await lake.currentState("open-orders")], before);
        assert.deepEqual(before[1], {});
    });

    it("converges when a run that failed after its history insert is retried", async () => {
        lake = await TestLake.open({ routes: ROUTES, ttlExpirations: "delete" });
        const history = [change("INSERT", "a", "open"), change("MODIFY", "a", "open", "open")];
        await lake.arrive(await archiveBatch(history, { routes: ROUTES }));

        await lake.runHistoryOnly(WHOLE);
        await lake.run(WHOLE);

        const expected = expectedStates(history, { routes: ROUTES, ttlExpirations: "delete" }, true);
        assert.deepEqual(await lake.changeEventIds(), history.map((r) => r.eventID!).sort());
        assert.deepEqual(await lake.currentState("open-orders"), expected["open-orders"]);
    });

    it("merges a record that arrives late inside the look-back, and keeps a late older one from winning", async () => {
        lake = await TestLake.open({ routes: ROUTES, ttlExpirations: "delete" });
        const [insertA, moveA, insertB, modifyB] = [
            change("INSERT", "a", "open"),
            change("MODIFY", "a", "shipped", "open"),
            change("INSERT", "b", "open"),
            change("MODIFY", "b", "open", "open"),
        ];
        const now = new Date(START + (clock + 1) * 1000);
        const lookBack = { from: new Date(START), to: now };
        await lake.arrive(await archiveBatch([insertA, insertB], { routes: ROUTES }));
        await lake.run(lookBack);
        await lake.arrive(await archiveBatch([modifyB], { routes: ROUTES }));
        await lake.run(lookBack);

        // moveA was created before modifyB but is archived after it was merged.
        await lake.arrive(await archiveBatch([moveA], { routes: ROUTES }));
        await lake.run(lookBack);
        // And a replay of an older batch changes nothing.
        await lake.arrive(await archiveBatch([insertA], { routes: ROUTES }));
        await lake.run(lookBack);

        const history = [insertA, moveA, insertB, modifyB];
        const expected = expectedStates(history, { routes: ROUTES, ttlExpirations: "delete" }, true);
        assert.deepEqual(await lake.currentState("open-orders"), expected["open-orders"]);
        assert.deepEqual(await lake.currentState("everything"), expected.everything);
        assert.deepEqual(Object.keys(expected["open-orders"]!).length, 1);
    });

    it("keeps the one default route of a feed without routes", async () => {
        const defaultRoute: DeployedRoute = { name: "default", match: "all", table: "projection" };
        lake = await TestLake.open({ routes: [defaultRoute], ttlExpirations: "delete" });
        const history = [
            change("INSERT", "a", "open"),
            change("INSERT", "b", "x"),
            change("REMOVE", "a", undefined, "open"),
        ];
        await lake.arrive(await archiveBatch(history));

        await lake.run(WHOLE);

        const expected = expectedStates(history, { routes: [defaultRoute], ttlExpirations: "delete" }, false);
        assert.deepEqual(await lake.currentState("default"), expected.default);
        assert.equal(Object.keys(expected.default!).length, 1);
    });
});
