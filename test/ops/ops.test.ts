import { strict as assert } from "node:assert";
import { toSdkItem } from "../../handler/attribute-values";
import { toProjectionChange as routeRecord } from "../../handler/projection-change";
import { BACKFILL_SEQUENCE_NUMBER, toBackfillRecord } from "../../handler/backfill-records";
import { toEventImage } from "../../stack-access/event-image";
import { formatDuration, formatProgressBar } from "../../cli/runner/progress-bar";
import { createRateLimiter } from "../../ops/rate-limiter";
import { payloadRecords } from "../../stack-access/failure-destination";
import { declaredFunctionEnvironment, runProgram } from "../../local/program";
import { resolveTarget } from "../../ops/target";
import { existingTables, SINGLE_TABLE_DESIGN } from "../helpers/pulumi-mocks";
import { dynamodbRecordFactory } from "../helpers/records";

describe("backfill records", () => {
    const page = {
        tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
        runId: "20261127T010000",
        segment: 2,
        page: 7,
        region: "us-east-1",
        nowSeconds: 1_795_770_000,
    };

    it("turn a scanned item into the INSERT the handler would get, with a sequence below any real one", () => {
        const item = { id: { S: "order-1" }, blob: { B: Uint8Array.from([1, 2]) }, total: { N: "9.5" } };

        const record = toBackfillRecord(toEventImage(item, "NewImage"), ["id"], { scan: page, index: 3 });

        assert.equal(record.eventID, "backfill:20261127T010000:2:7:3");
        assert.equal(record.eventSourceARN, `${page.tableArn}/stream/backfill-20261127T010000-s2-p7`);
        assert.equal(record.dynamodb?.SequenceNumber, BACKFILL_SEQUENCE_NUMBER);
        assert.deepEqual(record.dynamodb?.Keys, { id: { S: "order-1" } });
        const change = routeRecord(record);
        assert.equal(change.kind, "put");
        assert.deepEqual(change.kind === "put" && change.item, toSdkItem(record.dynamodb?.NewImage ?? {}));
        assert.ok(
            change.sequence < "000000000000000000001".padStart(40, "0"),
            "not below the first real sequence",
        );
    });

    it("name an item that lacks a key attribute", () => {
        assert.throws(
            () =>
                toBackfillRecord(toEventImage({ other: { S: "x" } }, "NewImage"), ["id"], {
                    scan: page,
                    index: 0,
                }),
            /Scanned item has no key attribute id/,
        );
    });
});

describe("failure records", () => {
    const records = [dynamodbRecordFactory()];

    it("yield their payload's records whether it is a JSON string or an object", () => {
        assert.deepEqual(
            payloadRecords(JSON.stringify({ payload: JSON.stringify({ Records: records }) })),
            records,
        );
        assert.deepEqual(payloadRecords(JSON.stringify({ payload: { Records: records } })), records);
    });

    it("yield nothing without a payload (an SQS or SNS destination's metadata only)", () => {
        assert.equal(payloadRecords(JSON.stringify({ DDBStreamBatchInfo: {} })), undefined);
        assert.equal(payloadRecords("not json"), undefined);
    });
});

describe("the backfill's rate limit", () => {
    it("holds the rate over all callers", async () => {
        let clock = 0;
        const limit = createRateLimiter(100, () => clock);
        const realSetTimeout = global.setTimeout;
        // A fake clock: every wait advances time instead of sleeping.
        global.setTimeout = ((callback: () => void, ms: number) => {
            clock += ms;
            return realSetTimeout(callback, 0);
        }) as typeof setTimeout;
        try {
            await Promise.all([limit(100), limit(100), limit(50), limit(50)]);
        } finally {
            global.setTimeout = realSetTimeout;
        }
        // 300 items at 100/s with a one-second bucket: at least two seconds of waiting.
        assert.ok(clock >= 2000 && clock < 2200, `took ${clock} ms`);
    });

    it("does not wait without a limit", async () => {
        const started = Date.now();
        await createRateLimiter(undefined)(1_000_000);
        assert.ok(Date.now() - started < 50);
    });
});

describe("the backfill's progress bar", () => {
    it("shows the share done, the rate and the time left", () => {
        assert.equal(
            formatProgressBar({ done: 5200, total: 10_000, elapsedMs: 4000 }, "items", 10),
            "[█████░░░░░]  52% 5,200/10,000 items · 1,300 items/s · ETA 4 s",
        );
    });

    it("shows the count and rate when the total is unknown", () => {
        assert.equal(
            formatProgressBar({ done: 10, total: undefined, elapsedMs: 2000 }),
            "10 items · 5 items/s",
        );
    });

    it("writes durations a person reads", () => {
        assert.deepEqual([850, 12_000, 200_000, 3_900_000].map(formatDuration), [
            "850 ms",
            "12 s",
            "3 min 20 s",
            "1 h 05 min",
        ]);
    });
});

describe("a routed stack's tables for ops on AWS", () => {
    const OUTPUTS = {
        sourceTableName: "orders-single-table",
        archiveBucketName: "changefeed-archive-7a8b9c",
        failureBucketName: "changefeed-failures-0d1e2f",
        functionName: "changefeed-handler-3a4b5c",
    };

    it("writes to the route tables the deployed function's routes name, with no projectionTableName output", async function () {
        this.timeout(120_000);
        // The environment the program gives the adopt stack's function, as Lambda would report it.
        const run = await runProgram(
            "adopt",
            {},
            {
                invoke: existingTables({
                    "orders-single-table": SINGLE_TABLE_DESIGN,
                }),
            },
        );
        const deployed = declaredFunctionEnvironment(run);
        const routes = JSON.parse(deployed.ROUTES ?? "[]") as { name: string; table: string }[];
        assert.deepEqual(
            routes.map((route) => route.name),
            ["orders", "customers"],
        );
        const asked: string[] = [];

        const target = await resolveTarget({
            stack: "adopt",
            local: false,
            stackOutputs: () => OUTPUTS,
            functionEnvironment: async (functionName) => {
                asked.push(functionName);
                return deployed;
            },
        });
        try {
            assert.deepEqual(asked, [OUTPUTS.functionName]);
            assert.equal(target.names.projectionTable, routes.map((route) => route.table).join(", "));
            assert.deepEqual(
                (target.settings.routes ?? []).map((route) => [route.name, route.table]),
                routes.map((route) => [route.name, route.table]),
            );
        } finally {
            target.close();
        }
    });
});
