import { strict as assert } from "node:assert";
import {
    CreateTableCommand,
    DeleteItemCommand,
    PutItemCommand,
    ScanCommand,
    UpdateItemCommand,
    waitUntilTableExists,
    type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import fc from "fast-check";
import { decodeArchiveObject, type DecodedChange } from "../../handler/archive";
import type { ArchiveScope, DeployedRoute, RouteValue } from "../../handler/contract";
import { MAX_FILTER_PATTERNS, routeFilterPatterns } from "../../infra/route-filter";
import { matchesFilterCriteria } from "../../local/mapping/filter";
import { isTombstone, withoutReservedAttributes } from "../../handler/projection-item";
import { deliverShard, type DeliveryEvent } from "../../local/mapping/delivery";
import type { LocalFunction } from "../../local/lambda/local-function";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { canonicalItem } from "../../local/compare";
import { startFaultProxy, type FaultProxy } from "../helpers/fault-proxy";
import { streamTail } from "../helpers/local-stack";

type Item = Record<string, AttributeValue>;

/** Runs per `npm test`; raise with FC_NUM_RUNS, replay a failure with FC_SEED (and FC_PATH). */
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 60);
/** The routed property starts a function per run (its routes are the run's): fewer runs by default. */
const ROUTED_RUNS = Number(process.env.FC_NUM_RUNS ?? 20);
const KEYS_PER_RUN = 4;

// ---- histories: random puts, updates and deletes over a small key space --------------------

const numberText = fc.oneof(
    fc.bigInt({ min: -(10n ** 38n) + 1n, max: 10n ** 38n - 1n }).map(String),
    // DynamoDB's range is 1E-130 to 9.99…E+125 in magnitude.
    fc
        .tuple(fc.integer({ min: -99999, max: 99999 }), fc.integer({ min: -125, max: 120 }))
        .map(([m, e]) => `${m}E${e}`),
    fc
        .double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
        .filter((n) => n === 0 || Math.abs(n) > 1e-100)
        .map(String),
);
const bytes = fc.uint8Array({ minLength: 0, maxLength: 24 });
const scalar: fc.Arbitrary<AttributeValue> = fc.oneof(
    fc.string({ maxLength: 12 }).map((S) => ({ S })),
    numberText.map((N) => ({ N })),
    bytes.map((B) => ({ B })),
    fc.boolean().map((BOOL) => ({ BOOL })),
    fc.constant({ NULL: true }),
    fc
        .uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 })
        .map((SS) => ({ SS })),
    fc
        .uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 4 })
        .map((ns) => ({ NS: ns.map(String) })),
    fc
        .uniqueArray(fc.uint8Array({ minLength: 1, maxLength: 4 }), {
            minLength: 1,
            maxLength: 3,
            selector: (b) => Buffer.from(b).toString("hex"),
        })
        .map((BS) => ({ BS })),
);
const value: fc.Arbitrary<AttributeValue> = fc.oneof(
    { weight: 4, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }).map((L) => ({ L })) },
    {
        weight: 1,
        arbitrary: fc.dictionary(fc.constantFrom("a", "b", "c"), scalar, { maxKeys: 3 }).map((M) => ({ M })),
    },
);
const attributeName = fc.constantFrom("status", "total", "payload", "tags");

type Operation =
    | { readonly op: "put"; readonly key: number; readonly attributes: Record<string, AttributeValue> }
    | { readonly op: "update"; readonly key: number; readonly name: string; readonly value: AttributeValue }
    | { readonly op: "delete"; readonly key: number };

const operation: fc.Arbitrary<Operation> = fc.oneof(
    {
        weight: 3,
        arbitrary: fc.record({
            op: fc.constant("put" as const),
            key: fc.nat(KEYS_PER_RUN - 1),
            attributes: fc.dictionary(attributeName, value, { maxKeys: 3 }),
        }),
    },
    {
        weight: 3,
        arbitrary: fc.record({
            op: fc.constant("update" as const),
            key: fc.nat(KEYS_PER_RUN - 1),
            name: attributeName,
            value,
        }),
    },
    {
        weight: 2,
        arbitrary: fc.record({ op: fc.constant("delete" as const), key: fc.nat(KEYS_PER_RUN - 1) }),
    },
);

// ---- schedules: how the mapping and the faults behave ------------------------------------------

type Schedule = {
    readonly seed: number;
    readonly maxBatch: number;
    readonly writeFailure: number;
    readonly archiveFailure: number;
    readonly redeliverSucceeded: number;
    readonly replayEarlier: number;
};

const schedule: fc.Arbitrary<Schedule> = fc.record({
    seed: fc.integer(),
    maxBatch: fc.integer({ min: 1, max: 12 }),
    writeFailure: fc.constantFrom(0, 0.1, 0.3),
    archiveFailure: fc.constantFrom(0, 0.1, 0.3),
    redeliverSucceeded: fc.constantFrom(0, 0.2, 0.5),
    replayEarlier: fc.constantFrom(0, 0.2, 0.5),
});

// ---- routes: random route sets over the run's keys and two small-domain attributes -----------

/** What routes look at: `kind` and `tier` take few values, so items enter and leave routes often. */
const KIND_VALUES: RouteValue[] = [{ S: "Customer" }, { S: "Order" }, { N: "1" }, { BOOL: true }];
const TIER_VALUES: RouteValue[] = [{ N: "1" }, { N: "2" }, { S: "gold" }];
const routedValue = (values: RouteValue[]): fc.Arbitrary<AttributeValue> =>
    fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...values) as fc.Arbitrary<AttributeValue> },
        // Another type, or the same text as another type: never a match.
        {
            weight: 1,
            arbitrary: fc.constantFrom<AttributeValue>({ S: "1" }, { SS: ["Customer"] }, { NULL: true }),
        },
    );
const routedAttribute = fc.constantFrom("kind", "kind", "tier", "status", "payload");

type RoutedOperation =
    | { readonly op: "put"; readonly key: string; readonly attributes: Record<string, AttributeValue> }
    | { readonly op: "set"; readonly key: string; readonly name: string; readonly value: AttributeValue }
    | { readonly op: "unset"; readonly key: string; readonly name: string }
    | { readonly op: "delete"; readonly key: string };

/** Keys of a run: `a0`, `a1`, `b0`, `b1` after the run's prefix, so key prefixes split them. */
const routedKey = fc.constantFrom("a0", "a1", "b0", "b1");
const routedValueOf = (name: string): fc.Arbitrary<AttributeValue> =>
    name === "kind" ? routedValue(KIND_VALUES) : name === "tier" ? routedValue(TIER_VALUES) : value;
const routedOperation: fc.Arbitrary<RoutedOperation> = fc.oneof(
    {
        weight: 3,
        arbitrary: fc.record({
            op: fc.constant("put" as const),
            key: routedKey,
            attributes: fc.record(
                {
                    kind: routedValue(KIND_VALUES),
                    tier: routedValue(TIER_VALUES),
                    status: scalar,
                    payload: value,
                },
                { requiredKeys: [] },
            ),
        }),
    },
    {
        weight: 4,
        arbitrary: routedAttribute.chain((name) =>
            fc.record({
                op: fc.constant("set" as const),
                key: routedKey,
                name: fc.constant(name),
                value: routedValueOf(name),
            }),
        ),
    },
    {
        weight: 1,
        arbitrary: fc.record({
            op: fc.constant("unset" as const),
            key: routedKey,
            name: fc.constantFrom("kind", "tier"),
        }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("delete" as const), key: routedKey }) },
);

/** A route before the run's prefix is known: a key prefix is `""`, `"a"` or `"b"` after it. */
type RouteTemplate = Omit<DeployedRoute, "name" | "table">;
const routeTemplate: fc.Arbitrary<RouteTemplate> = fc.record(
    {
        match: fc.oneof(
            { weight: 1, arbitrary: fc.constant("all" as const) },
            {
                weight: 2,
                arbitrary: fc.record({
                    keyPrefix: fc.record({
                        attribute: fc.constant("id"),
                        prefix: fc.constantFrom("", "a", "b"),
                    }),
                }),
            },
            {
                weight: 5,
                arbitrary: fc.oneof(
                    fc.record({
                        attributeEquals: fc.record({
                            attribute: fc.constant("kind"),
                            values: fc.subarray(KIND_VALUES, { minLength: 1, maxLength: 2 }),
                        }),
                    }),
                    fc.record({
                        attributeEquals: fc.record({
                            attribute: fc.constant("tier"),
                            values: fc.subarray(TIER_VALUES, { minLength: 1, maxLength: 2 }),
                        }),
                    }),
                ),
            },
        ),
        attributes: fc.oneof(
            fc.record({ include: fc.subarray(["status", "kind", "tier"]) }),
            fc.record({ exclude: fc.subarray(["payload", "kind", "status"]) }),
        ),
    },
    { requiredKeys: ["match"] },
);
const ROUTE_TABLES = ["routed-0-projection", "routed-1-projection", "routed-2-projection"];

type RoutedPlan = {
    readonly routes: readonly RouteTemplate[];
    readonly archiveScope: ArchiveScope;
    readonly archiveExcludeAttributes: readonly string[];
};
const routedPlan: fc.Arbitrary<RoutedPlan> = fc.record({
    routes: fc.array(routeTemplate, { minLength: 1, maxLength: ROUTE_TABLES.length }),
    archiveScope: fc.constantFrom<ArchiveScope>("routed", "routed", "all"),
    archiveExcludeAttributes: fc.subarray(["payload", "tags", "status"]),
});

/** The run's routes: names, tables, and key prefixes under the run's prefix. */
function deployRoutes(templates: readonly RouteTemplate[], run: string): DeployedRoute[] {
    return templates.map((template, index) => ({
        ...template,
        name: `r${index}`,
        table: ROUTE_TABLES[index]!,
        match:
            typeof template.match === "object" && "keyPrefix" in template.match
                ? { keyPrefix: { attribute: "id", prefix: `${run}${template.match.keyPrefix.prefix}` } }
                : template.match,
    }));
}

/**
 * The test's own reading of the routes (not the handler's): whether an item belongs to a route,
 * and the attributes its projection carries.
 */
function belongs(route: DeployedRoute, item: Item | undefined): boolean {
    if (!item) return false;
    const { match } = route;
    if (match === "all") return true;
    if ("keyPrefix" in match) return String(item.id?.S).startsWith(match.keyPrefix.prefix);
    const actual = item[match.attributeEquals.attribute] as unknown as Record<string, unknown> | undefined;
    return match.attributeEquals.values.some((expected) => {
        const [type, literal] = Object.entries(expected)[0]!;
        return actual !== undefined && Object.keys(actual).length === 1 && actual[type] === literal;
    });
}
function projected(route: DeployedRoute, item: Item): Item {
    const { include, exclude = [] } = route.attributes ?? {};
    return Object.fromEntries(
        Object.entries(item).filter(
            ([name]) => name === "id" || ((!include || include.includes(name)) && !exclude.includes(name)),
        ),
    );
}

/** A small seeded generator, so a failing schedule replays exactly. */
function random(seed: number): () => number {
    let state = seed >>> 0 || 1;
    return () => {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        return (state >>> 0) / 2 ** 32;
    };
}

describe("redelivery: the packaged handler under the mapping's rules, with faults (fast-check)", function () {
    this.timeout(10 * 60_000);
    let stack: LocalStack;
    let dynamodbProxy: FaultProxy;
    let s3Proxy: FaultProxy;
    let faulty: LocalFunction;
    let runNumber = 0;
    const archivedEventIds = new Map<string, string[]>();

    before(async () => {
        stack = await startLocalStack({ stack: "dev" });
        dynamodbProxy = await startFaultProxy(stack.dynamodbServer.endpoint, "dynamodb");
        s3Proxy = await startFaultProxy(stack.s3Server.endpoint, "s3");
        // One attempt per call: an injected fault reaches the handler instead of the SDK's retries.
        faulty = stack.createFunction({
            dynamodbEndpoint: dynamodbProxy.endpoint,
            s3Endpoint: s3Proxy.endpoint,
            environment: { AWS_MAX_ATTEMPTS: "1" },
        });
    });

    after(async () => {
        await faulty?.stop();
        await dynamodbProxy?.stop();
        await s3Proxy?.stop();
        await stack?.stop();
    });

    const scanRun = async (table: string, prefix: string): Promise<Item[]> => {
        const items: Item[] = [];
        let start: Item | undefined;
        do {
            const page = await stack.clients.dynamodb.send(
                new ScanCommand({
                    TableName: table,
                    FilterExpression: "begins_with(id, :run)",
                    ExpressionAttributeValues: { ":run": { S: prefix } },
                    ExclusiveStartKey: start,
                }),
            );
            items.push(...(page.Items ?? []));
            start = page.LastEvaluatedKey;
        } while (start);
        return items.sort((a, b) => String(a.id?.S).localeCompare(String(b.id?.S)));
    };

    const allArchivedEventIds = async (): Promise<Set<string>> => {
        let token: string | undefined;
        do {
            const page = await stack.clients.s3.send(
                new ListObjectsV2Command({ Bucket: stack.names.archiveBucket, ContinuationToken: token }),
            );
            for (const object of page.Contents ?? []) {
                const key = String(object.Key);
                if (archivedEventIds.has(key)) continue;
                const body = await stack.clients.s3.send(
                    new GetObjectCommand({ Bucket: stack.names.archiveBucket, Key: key }),
                );
                const changes = decodeArchiveObject(await body.Body!.transformToByteArray());
                archivedEventIds.set(
                    key,
                    changes.map((change) => String(change.eventID)),
                );
            }
            token = page.NextContinuationToken;
        } while (token);
        return new Set([...archivedEventIds.values()].flat());
    };

    it("converges the projection to the source and archives every change at least once", async function () {
        const nextRecords = streamTail(stack);
        const stats = { runs: 0, records: 0, invocations: 0, bisects: 0, injected: 0, replays: 0 };

        await fc.assert(
            fc.asyncProperty(
                fc.array(operation, { minLength: 5, maxLength: 40 }),
                schedule,
                async (history, plan) => {
                    const run = `run${++runNumber}-`;
                    const table = stack.names.sourceTable;
                    for (const step of history) {
                        const key = { id: { S: `${run}${step.key}` } };
                        if (step.op === "put") {
                            await stack.clients.dynamodb.send(
                                new PutItemCommand({
                                    TableName: table,
                                    Item: { ...step.attributes, ...key },
                                }),
                            );
                        } else if (step.op === "update") {
                            await stack.clients.dynamodb.send(
                                new UpdateItemCommand({
                                    TableName: table,
                                    Key: key,
                                    UpdateExpression: "SET #name = :value",
                                    ExpressionAttributeNames: { "#name": step.name },
                                    ExpressionAttributeValues: { ":value": step.value },
                                }),
                            );
                        } else {
                            await stack.clients.dynamodb.send(
                                new DeleteItemCommand({ TableName: table, Key: key }),
                            );
                        }
                    }
                    const records = await nextRecords();

                    const draw = random(plan.seed);
                    dynamodbProxy.setRule((request) =>
                        request.target?.endsWith(".PutItem") && draw() < plan.writeFailure ? "fail" : "pass",
                    );
                    s3Proxy.setRule((request) =>
                        request.method === "PUT" && draw() < plan.archiveFailure ? "fail" : "pass",
                    );
                    const delivered: DynamoDBStreamEvent[] = [];
                    const invoke = async (event: DynamoDBStreamEvent) => {
                        // Out-of-order duplicates: an earlier batch delivered again, as a replay would.
                        if (delivered.length > 0 && draw() < plan.replayEarlier) {
                            stats.replays++;
                            await faulty.invoke(delivered[Math.floor(draw() * delivered.length)]);
                        }
                        const invocation = await faulty.invoke(event);
                        if (invocation.ok) delivered.push(event);
                        return invocation;
                    };
                    try {
                        await deliverShard(
                            records,
                            {
                                batchSize: plan.maxBatch,
                                maximumRetryAttempts: 10_000,
                                maximumRecordAgeInSeconds: 604_800,
                                bisectBatchOnFunctionError: true,
                                reportBatchItemFailures: true,
                            },
                            {
                                invoke,
                                discard: async (batch) =>
                                    assert.fail(`a batch was discarded: ${batch.condition}`),
                                schedule: {
                                    nextBatchSize: (maximum) => 1 + Math.floor(draw() * maximum),
                                    redeliverSucceededBatch: () => draw() < plan.redeliverSucceeded,
                                },
                                onEvent: (event: DeliveryEvent) => {
                                    if (event.kind === "invoked") stats.invocations++;
                                    if (event.kind === "bisected") stats.bisects++;
                                },
                            },
                        );
                    } finally {
                        dynamodbProxy.setRule(() => "pass");
                        s3Proxy.setRule(() => "pass");
                    }
                    stats.runs++;
                    stats.records += records.length;

                    const source = (await scanRun(table, run)).map(canonicalItem);
                    const projection = (await scanRun(stack.names.projectionTable, run))
                        .filter((item) => !isTombstone(item))
                        .map((item) => canonicalItem(withoutReservedAttributes(item)));
                    assert.deepEqual(projection, source, "the projection differs from the source");
                    const archived = await allArchivedEventIds();
                    const missing = records.filter((record) => !archived.has(String(record.eventID)));
                    assert.deepEqual(
                        missing.map((record) => record.eventID),
                        [],
                        "changes missing from the archive",
                    );
                },
            ),
            {
                numRuns: NUM_RUNS,
                ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
                ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
                endOnFailure: true,
            },
        );
        stats.injected = dynamodbProxy.counts.failed + s3Proxy.counts.failed;
        this.test!.title +=
            ` (${stats.runs} runs, ${stats.records} changes, ${stats.invocations} invocations, ` +
            `${stats.bisects} bisects, ${stats.injected} injected faults, ${stats.replays} out-of-order replays)`;
        assert.ok(
            stats.injected > 0 && stats.bisects > 0 && stats.replays > 0,
            "the schedules exercised no faults",
        );
    });

    const archivedChanges = new Map<string, DecodedChange[]>();
    /** Every archived change of this run, by eventID (an object re-delivered later repeats some). */
    const archivedOfRun = async (run: string): Promise<DecodedChange[]> => {
        await allArchivedEventIds();
        for (const key of archivedEventIds.keys()) {
            if (archivedChanges.has(key)) continue;
            const body = await stack.clients.s3.send(
                new GetObjectCommand({ Bucket: stack.names.archiveBucket, Key: key }),
            );
            archivedChanges.set(key, decodeArchiveObject(await body.Body!.transformToByteArray()));
        }
        return [...archivedChanges.values()]
            .flat()
            .filter((change) => String(change.keys?.id?.S).startsWith(run));
    };

    it("keeps each route's projection to the items that match it, and archives what archiveScope says, under faults", async function () {
        for (const table of ROUTE_TABLES) {
            await stack.clients.dynamodb.send(
                new CreateTableCommand({
                    TableName: table,
                    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
                    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
                    BillingMode: "PAY_PER_REQUEST",
                }),
            );
            await waitUntilTableExists(
                { client: stack.clients.dynamodb, maxWaitTime: 30 },
                { TableName: table },
            );
        }
        const nextRecords = streamTail(stack);
        const stats = {
            runs: 0,
            records: 0,
            filtered: 0,
            tombstones: 0,
            left: 0,
            invocations: 0,
            bisects: 0,
            replays: 0,
        };

        await fc.assert(
            fc.asyncProperty(
                fc.array(routedOperation, { minLength: 10, maxLength: 40 }),
                routedPlan,
                schedule,
                async (history, routing, plan) => {
                    const run = `routed${++runNumber}-`;
                    const table = stack.names.sourceTable;
                    for (const step of history) {
                        const key = { id: { S: `${run}${step.key}` } };
                        if (step.op === "put") {
                            await stack.clients.dynamodb.send(
                                new PutItemCommand({
                                    TableName: table,
                                    Item: { ...step.attributes, ...key },
                                }),
                            );
                        } else if (step.op === "set" || step.op === "unset") {
                            await stack.clients.dynamodb.send(
                                new UpdateItemCommand({
                                    TableName: table,
                                    Key: key,
                                    UpdateExpression:
                                        step.op === "set" ? "SET #name = :value" : "REMOVE #name",
                                    ExpressionAttributeNames: { "#name": step.name },
                                    ...(step.op === "set"
                                        ? { ExpressionAttributeValues: { ":value": step.value } }
                                        : {}),
                                }),
                            );
                        } else {
                            await stack.clients.dynamodb.send(
                                new DeleteItemCommand({ TableName: table, Key: key }),
                            );
                        }
                    }
                    const records = (await nextRecords()).filter((record) =>
                        String(record.dynamodb?.Keys?.id?.S).startsWith(run),
                    );

                    const routes = deployRoutes(routing.routes, run);
                    const patterns = routeFilterPatterns(routes);
                    // A route set the filter cannot express is refused with a routed archive.
                    const archiveScope =
                        patterns && patterns.length > MAX_FILTER_PATTERNS ? "all" : routing.archiveScope;
                    const filtered = archiveScope === "routed" && patterns !== undefined;
                    const delivered = filtered
                        ? records.filter((record) => matchesFilterCriteria(record, patterns))
                        : records;
                    stats.filtered += records.length - delivered.length;
                    const routed = stack.createFunction({
                        dynamodbEndpoint: dynamodbProxy.endpoint,
                        s3Endpoint: s3Proxy.endpoint,
                        environment: {
                            AWS_MAX_ATTEMPTS: "1",
                            ROUTES: JSON.stringify(routes),
                            ARCHIVE_SCOPE: archiveScope,
                            ARCHIVE_EXCLUDE_ATTRIBUTES: JSON.stringify(routing.archiveExcludeAttributes),
                        },
                    });

                    const draw = random(plan.seed);
                    dynamodbProxy.setRule((request) =>
                        request.target?.endsWith(".PutItem") && draw() < plan.writeFailure ? "fail" : "pass",
                    );
                    s3Proxy.setRule((request) =>
                        request.method === "PUT" && draw() < plan.archiveFailure ? "fail" : "pass",
                    );
                    const succeeded: DynamoDBStreamEvent[] = [];
                    const invoke = async (event: DynamoDBStreamEvent) => {
                        if (succeeded.length > 0 && draw() < plan.replayEarlier) {
                            stats.replays++;
                            await routed.invoke(succeeded[Math.floor(draw() * succeeded.length)]);
                        }
                        const invocation = await routed.invoke(event);
                        if (invocation.ok) succeeded.push(event);
                        return invocation;
                    };
                    try {
                        await deliverShard(
                            delivered,
                            {
                                batchSize: plan.maxBatch,
                                maximumRetryAttempts: 10_000,
                                maximumRecordAgeInSeconds: 604_800,
                                bisectBatchOnFunctionError: true,
                                reportBatchItemFailures: true,
                            },
                            {
                                invoke,
                                discard: async (batch) =>
                                    assert.fail(`a batch was discarded: ${batch.condition}`),
                                schedule: {
                                    nextBatchSize: (maximum) => 1 + Math.floor(draw() * maximum),
                                    redeliverSucceededBatch: () => draw() < plan.redeliverSucceeded,
                                },
                                onEvent: (event: DeliveryEvent) => {
                                    if (event.kind === "invoked") stats.invocations++;
                                    if (event.kind === "bisected") stats.bisects++;
                                },
                            },
                        );
                    } finally {
                        dynamodbProxy.setRule(() => "pass");
                        s3Proxy.setRule(() => "pass");
                        await routed.stop();
                    }
                    stats.runs++;
                    stats.records += records.length;

                    // Each route holds exactly the source items that match it now, with its attributes.
                    const source = await scanRun(table, run);
                    for (const route of routes) {
                        const stored = await scanRun(route.table, run);
                        stats.tombstones += stored.filter(isTombstone).length;
                        const projection = stored
                            .filter((item) => !isTombstone(item))
                            .map((item) => canonicalItem(withoutReservedAttributes(item)));
                        const expected = source
                            .filter((item) => belongs(route, item))
                            .map((item) => canonicalItem(projected(route, item)));
                        assert.deepEqual(
                            projection,
                            expected,
                            `route ${route.name} ${JSON.stringify(route.match)} differs from the items that match it`,
                        );
                    }

                    // The archive holds every change archiveScope keeps, and no excluded attribute.
                    const image = (record: DynamoDBRecord, which: "NewImage" | "OldImage") =>
                        record.dynamodb?.[which] as Item | undefined;
                    const needed = (record: DynamoDBRecord) =>
                        routes.some(
                            (route) =>
                                belongs(route, image(record, "NewImage")) ||
                                belongs(route, image(record, "OldImage")),
                        );
                    stats.left += records.filter(
                        (record) =>
                            record.eventName === "MODIFY" &&
                            routes.some(
                                (route) =>
                                    belongs(route, image(record, "OldImage")) &&
                                    !belongs(route, image(record, "NewImage")),
                            ),
                    ).length;
                    const archived = await archivedOfRun(run);
                    const archivedIds = new Set(archived.map((change) => String(change.eventID)));
                    const kept = archiveScope === "routed" ? records.filter(needed) : records;
                    assert.deepEqual(
                        kept
                            .filter((record) => !archivedIds.has(String(record.eventID)))
                            .map((record) => record.eventID),
                        [],
                        "changes missing from the archive",
                    );
                    if (archiveScope === "routed") {
                        assert.deepEqual(
                            records
                                .filter(
                                    (record) => !needed(record) && archivedIds.has(String(record.eventID)),
                                )
                                .map((record) => record.eventID),
                            [],
                            "changes no route needs in the archive",
                        );
                    }
                    for (const change of archived) {
                        for (const name of routing.archiveExcludeAttributes) {
                            assert.ok(
                                !(name in (change.newImage ?? {})) && !(name in (change.oldImage ?? {})),
                                `archived change ${change.eventID} carries the excluded ${name}`,
                            );
                        }
                    }
                },
            ),
            {
                numRuns: ROUTED_RUNS,
                ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}),
                ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
                endOnFailure: true,
            },
        );
        this.test!.title +=
            ` (${stats.runs} runs, ${stats.records} changes, ${stats.filtered} filtered out, ${stats.left} leaving a route, ` +
            `${stats.tombstones} tombstones, ${stats.invocations} invocations, ${stats.bisects} bisects, ${stats.replays} replays)`;
        assert.ok(
            stats.filtered > 0 && stats.left > 0 && stats.bisects > 0,
            "the runs exercised no filter or no leaving",
        );
    });
});
