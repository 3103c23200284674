import {
    DeleteItemCommand,
    PutItemCommand,
    UpdateItemCommand,
    type AttributeValue,
    type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import type { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBRecord } from "aws-lambda";
import { decodeArchiveObject } from "../handler/archive";
import { RESERVED_ATTRIBUTES, type DeployedRoute } from "../handler/contract";
import { isTombstone, withoutReservedAttributes } from "../handler/projection-item";
import { routeMatches, selectAttributes } from "../handler/routing";
import { toSdkItem } from "../handler/attribute-values";
import { payloadRecords } from "../stack-access/failure-destination";
import type { SdkItem, StreamImage } from "../handler/types";
import { canonicalItem, canonicalValue } from "./compare";
import { readAllStreamRecords } from "./mapping/stream-reader";
import { toLambdaRecord } from "./mapping/stream-records";
import { listKeys } from "../stack-access/s3-keys";
import { scanAll } from "./scan";

type Item = Record<string, AttributeValue>;

/** A key attribute of the source table. */
export type DemoKeyAttribute = { readonly name: string; readonly type: "S" | "N" | "B" };

/** The source table's key schema: a single-table design's pk/sk, or a partition key alone. */
export type DemoKeySchema = { readonly partitionKey: DemoKeyAttribute; readonly sortKey?: DemoKeyAttribute };

/** What the demo wrote. */
export type DemoWorkload = {
    readonly changes: number;
    /** The key of the item the handler rejects every time. */
    readonly poisonKey: Item;
};

const STATUSES = ["paid", "packed", "shipped", "delivered"] as const;

/**
 * Writes an order-processing workload to the source table: orders are created, move through
 * their statuses (updates), some are cancelled (deletes), and one "poison" order carries an
 * attribute the projection reserves, so the handler rejects it every time. On a single-table
 * design (a sort key), the customers' profiles are written too (`entityType` Customer, with an
 * email), some of them change entity type (Customer → Lead and back, Lead → Customer) or are
 * deleted, and notes (`entityType` Note) that no route of the adopt stack wants.
 */
export async function writeDemoWorkload(
    dynamodb: DynamoDBClient,
    table: string,
    keys: DemoKeySchema,
    orders = 150,
): Promise<DemoWorkload> {
    const key = (index: number): Item => demoKey(keys, index);
    let changes = 0;
    const singleTable = keys.sortKey !== undefined;
    if (singleTable) changes += await writeProfiles(dynamodb, table, keys);
    for (let index = 1; index <= orders; index++) {
        await dynamodb.send(
            new PutItemCommand({
                TableName: table,
                Item: {
                    ...key(index),
                    ...(singleTable ? { entityType: { S: "Order" } } : {}),
                    status: { S: "open" },
                    total: { N: (index * 7.25).toFixed(2) },
                    customer: { S: `customer-${index % 37}@example.com` },
                    lines: {
                        L: [{ M: { sku: { S: `SKU-${index % 11}` }, qty: { N: String(1 + (index % 3)) } } }],
                    },
                    tags: { SS: index % 5 === 0 ? ["gift", "priority"] : ["standard"] },
                    attachments: { M: {} },
                },
            }),
        );
        changes++;
    }
    // In the middle of the workload, so that changes after it must still land.
    const poisonKey = key(orders + 1_000_000);
    await dynamodb.send(
        new PutItemCommand({
            TableName: table,
            Item: {
                ...poisonKey,
                status: { S: "open" },
                [RESERVED_ATTRIBUTES.sequence]: { S: "a source attribute the projection reserves" },
            },
        }),
    );
    changes++;
    for (let index = 1; index <= orders; index++) {
        const steps = index % STATUSES.length;
        for (let step = 0; step < steps; step++) {
            await dynamodb.send(
                new UpdateItemCommand({
                    TableName: table,
                    Key: key(index),
                    UpdateExpression: "SET #status = :status, updatedAt = :at",
                    ExpressionAttributeNames: { "#status": "status" },
                    ExpressionAttributeValues: {
                        ":status": { S: STATUSES[step]! },
                        ":at": { N: String(Date.now()) },
                    },
                }),
            );
            changes++;
        }
        if (index % 10 === 0) {
            await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: key(index) }));
            changes++;
        }
    }
    if (singleTable) changes += await writeEntityChanges(dynamodb, table, keys);
    return { changes, poisonKey };
}

const CUSTOMERS = 37;
const PROSPECTS = 8;
const NOTES = 30;

/** The customers' profiles of a single-table design, and some prospects' (entity type Lead). */
async function writeProfiles(dynamodb: DynamoDBClient, table: string, keys: DemoKeySchema): Promise<number> {
    let changes = 0;
    const put = async (item: Item) => {
        await dynamodb.send(new PutItemCommand({ TableName: table, Item: item }));
        changes++;
    };
    for (let index = 0; index < CUSTOMERS; index++) {
        await put({
            ...entityKey(keys, "customer", index, "profile"),
            entityType: { S: "Customer" },
            name: { S: `Customer ${index}` },
            email: { S: `customer-${index}@example.com` },
            tier: { N: String(index % 3) },
        });
    }
    for (let index = 0; index < PROSPECTS; index++) {
        await put({
            ...entityKey(keys, "prospect", index, "profile"),
            entityType: { S: "Lead" },
            name: { S: `Prospect ${index}` },
            email: { S: `prospect-${index}@example.com` },
        });
    }
    return changes;
}

/**
 * Entity-type changes and notes: customers that become leads (some come back), prospects that
 * become customers, renamed leads, deleted profiles, and notes written, edited and deleted.
 */
async function writeEntityChanges(
    dynamodb: DynamoDBClient,
    table: string,
    keys: DemoKeySchema,
): Promise<number> {
    let changes = 0;
    const set = async (key: Item, name: string, value: AttributeValue) => {
        await dynamodb.send(
            new UpdateItemCommand({
                TableName: table,
                Key: key,
                UpdateExpression: "SET #name = :value",
                ExpressionAttributeNames: { "#name": name },
                ExpressionAttributeValues: { ":value": value },
            }),
        );
        changes++;
    };
    const remove = async (key: Item) => {
        await dynamodb.send(new DeleteItemCommand({ TableName: table, Key: key }));
        changes++;
    };
    for (let index = 0; index < NOTES; index++) {
        const key = entityKey(keys, "customer", index % CUSTOMERS, `note-${String(index).padStart(5, "0")}`);
        await dynamodb.send(
            new PutItemCommand({
                TableName: table,
                Item: { ...key, entityType: { S: "Note" }, text: { S: `note ${index}` } },
            }),
        );
        changes++;
        if (index % 3 === 0) await set(key, "text", { S: `note ${index}, edited` });
        if (index % 5 === 0) await remove(key);
    }
    for (let index = 0; index < PROSPECTS; index++) {
        const key = entityKey(keys, "prospect", index, "profile");
        if (index % 2 === 0) await set(key, "name", { S: `Prospect ${index} (called)` });
        if (index % 4 === 0) await set(key, "entityType", { S: "Customer" });
    }
    for (let index = 0; index < CUSTOMERS; index++) {
        const key = entityKey(keys, "customer", index, "profile");
        if (index % 9 === 0) await set(key, "email", { S: `customer-${index}@example.org` });
        if (index % 6 === 1) await set(key, "entityType", { S: "Lead" });
        if (index % 12 === 1) await set(key, "entityType", { S: "Customer" });
        if (index % 18 === 2) await remove(key);
    }
    return changes;
}

function entityKey(keys: DemoKeySchema, prefix: string, index: number, sort: string): Item {
    return {
        [keys.partitionKey.name]: keyValue(keys.partitionKey, prefix, index),
        ...(keys.sortKey ? { [keys.sortKey.name]: { S: sort } } : {}),
    };
}

/** One route's projection once the stream had drained. */
export type RouteReport = {
    readonly route: string;
    readonly table: string;
    readonly items: number;
    readonly tombstones: number;
};

/** What the demo found once the stream had drained. */
export type DemoReport = {
    readonly sourceItems: number;
    readonly projectionItems: number;
    readonly tombstones: number;
    /** Each route's projection (a feed without routes has one route of every item). */
    readonly routes: readonly RouteReport[];
    readonly archiveObjects: number;
    readonly archiveLines: number;
    /** The eventIDs of every archived change. */
    readonly archivedEventIds: ReadonlySet<string>;
    readonly failureObjects: number;
    readonly failedRecords: readonly DynamoDBRecord[];
    /** Every way the result differs from what the change feed promises; empty when it converged. */
    readonly divergences: readonly string[];
};

/**
 * Compares each route's projection with the source items that currently match the route, with
 * the route's attributes (numbers by exact value, tombstones and reserved attributes aside; a
 * feed without routes has one route of every item, on `names.projectionTable`), checks that no
 * archived image carries an excluded attribute, and that the poison record, and only it, sits in
 * the failure destination.
 */
export async function checkDemo(
    clients: { readonly dynamodb: DynamoDBClient; readonly s3: S3Client },
    names: {
        readonly sourceTable: string;
        readonly projectionTable: string;
        readonly archiveBucket: string;
        readonly failureBucket: string;
    },
    keys: DemoKeySchema,
    poisonKey: Item,
    options: {
        readonly routes?: readonly DeployedRoute[];
        readonly archiveExcludeAttributes?: readonly string[];
    } = {},
): Promise<DemoReport> {
    const divergences: string[] = [];
    const keyNames = [keys.partitionKey.name, ...(keys.sortKey ? [keys.sortKey.name] : [])];
    const keyText = (item: Item | undefined) =>
        JSON.stringify(
            keyNames.map((name) => {
                const value = item?.[name];
                return value ? canonicalValue(value) : null;
            }),
        );
    const poison = keyText(poisonKey);

    const source = await scanAll(clients.dynamodb, names.sourceTable);
    const routes = options.routes ?? [{ name: "default", match: "all", table: names.projectionTable }];
    const routeReports: RouteReport[] = [];
    let projectionItems = 0;
    let tombstones = 0;
    for (const route of routes) {
        const projection = await scanAll(clients.dynamodb, route.table);
        const live = new Map(
            projection
                .filter((item) => !isTombstone(item))
                .map((item) => [keyText(item), withoutReservedAttributes(item)]),
        );
        const where = routes.length > 1 || options.routes ? ` in route ${route.name}` : "";
        for (const item of source) {
            const id = keyText(item);
            if (id === poison) {
                if (live.has(id)) divergences.push(`the poison item ${id} reached the projection${where}`);
                live.delete(id);
                continue;
            }
            const image = item as unknown as StreamImage;
            if (!routeMatches(route, image, image)) continue;
            const key = Object.fromEntries(keyNames.map((name) => [name, item[name]!]));
            const expected = selectAttributes(item as SdkItem, key as SdkItem, route.attributes);
            const projected = live.get(id);
            if (!projected) divergences.push(`item ${id} is in the source but not in the projection${where}`);
            else if (
                JSON.stringify(canonicalItem(projected)) !== JSON.stringify(canonicalItem(expected as Item))
            ) {
                divergences.push(
                    `item ${id} differs${where}: expected ${JSON.stringify(expected)}, projection ${JSON.stringify(projected)}`,
                );
            }
            live.delete(id);
        }
        for (const id of live.keys())
            divergences.push(
                `item ${id} is in the projection${where} but no longer in the source or the route`,
            );
        const routeTombstones = projection.filter(isTombstone).length;
        routeReports.push({
            route: route.name,
            table: route.table,
            items: projection.length - routeTombstones,
            tombstones: routeTombstones,
        });
        projectionItems += projection.length - routeTombstones;
        tombstones += routeTombstones;
    }

    const archiveKeys = await listKeys(clients.s3, names.archiveBucket);
    let archiveLines = 0;
    const archivedEventIds = new Set<string>();
    const excluded = options.archiveExcludeAttributes ?? [];
    for (const key of archiveKeys) {
        const object = await clients.s3.send(new GetObjectCommand({ Bucket: names.archiveBucket, Key: key }));
        const changes = decodeArchiveObject(await object.Body!.transformToByteArray());
        archiveLines += changes.length;
        for (const change of changes) {
            archivedEventIds.add(String(change.eventID));
            const leaked = excluded.filter(
                (name) => name in (change.newImage ?? {}) || name in (change.oldImage ?? {}),
            );
            if (leaked.length > 0)
                divergences.push(`archive line ${change.eventID} carries ${leaked.join(", ")}`);
        }
    }

    const failureKeys = await listKeys(clients.s3, names.failureBucket);
    const failedRecords: DynamoDBRecord[] = [];
    for (const key of failureKeys) {
        const object = await clients.s3.send(new GetObjectCommand({ Bucket: names.failureBucket, Key: key }));
        const text = await object.Body!.transformToString();
        const records = payloadRecords(text);
        if (!records) divergences.push(`the failure destination's ${key} holds no invocation payload`);
        failedRecords.push(...(records ?? []));
    }
    const failedKeys = failedRecords.map((record) => keyText(toSdkItem(record.dynamodb?.Keys ?? {})));
    if (!failedKeys.includes(poison))
        divergences.push(`the poison record ${poison} is not in the failure destination`);
    const others = failedKeys.filter((id) => id !== poison);
    if (others.length > 0)
        divergences.push(`the failure destination also holds records of ${[...new Set(others)].join(", ")}`);

    return {
        sourceItems: source.length,
        projectionItems,
        tombstones,
        routes: routeReports,
        archiveObjects: archiveKeys.length,
        archiveLines,
        archivedEventIds,
        failureObjects: failureKeys.length,
        failedRecords,
        divergences,
    };
}

/**
 * The key of the demo's order `index`. With a sort key, as a single-table design would store it:
 * orders under their customer's partition (`customer-00012` / `order-00042`).
 */
function demoKey(keys: DemoKeySchema, index: number): Item {
    if (!keys.sortKey) return { [keys.partitionKey.name]: keyValue(keys.partitionKey, "order", index) };
    return {
        [keys.partitionKey.name]: keyValue(keys.partitionKey, "customer", index % 37),
        [keys.sortKey.name]: keyValue(keys.sortKey, "order", index),
    };
}

function keyValue(attribute: DemoKeyAttribute, prefix: string, index: number): AttributeValue {
    const text = `${prefix}-${String(index).padStart(5, "0")}`;
    if (attribute.type === "N") return { N: String(index) };
    if (attribute.type === "B") return { B: Buffer.from(text) };
    return { S: text };
}

/** What the mapping's filter did, against what the routes need. */
export type FilterReport = {
    /** Changes in the source table's stream. */
    readonly streamRecords: number;
    /** Changes no route needs: neither their new nor their old image (nor their key) matches a route. */
    readonly unneeded: number;
    /** Changes the mapping's filter dropped. */
    readonly filtered: number;
    readonly divergences: readonly string[];
};

/**
 * Reads the source table's whole stream and checks the mapping's filter against the routes: it
 * must have dropped exactly the changes no route needs (counted by the route definitions, not by
 * the filter), and the archive must hold every change a route needs and none of the others.
 */
export async function checkFilter(
    streams: DynamoDBStreamsClient,
    stream: { readonly arn: string; readonly region: string },
    routes: readonly DeployedRoute[],
    filtered: number,
    archivedEventIds: ReadonlySet<string>,
): Promise<FilterReport> {
    const records = (await readAllStreamRecords(streams, stream.arn)).map((record) =>
        toLambdaRecord(record, { eventSourceArn: stream.arn, region: stream.region }),
    );
    const needed = (record: DynamoDBRecord): boolean => {
        const { Keys: keys = {}, NewImage: newImage, OldImage: oldImage } = record.dynamodb ?? {};
        return routes.some(
            (route) => routeMatches(route, keys, newImage) || routeMatches(route, keys, oldImage),
        );
    };
    const unneeded = records.filter((record) => !needed(record));
    const divergences: string[] = [];
    if (unneeded.length !== filtered) {
        divergences.push(
            `the mapping filtered out ${filtered} changes; ${unneeded.length} are needed by no route`,
        );
    }
    const archivedUnneeded = unneeded.filter((record) => archivedEventIds.has(String(record.eventID)));
    if (archivedUnneeded.length > 0) {
        divergences.push(`${archivedUnneeded.length} changes no route needs are in the archive`);
    }
    const missing = records.filter(
        (record) => needed(record) && !archivedEventIds.has(String(record.eventID)),
    );
    if (missing.length > 0)
        divergences.push(`${missing.length} changes a route needs are not in the archive`);
    return { streamRecords: records.length, unneeded: unneeded.length, filtered, divergences };
}
