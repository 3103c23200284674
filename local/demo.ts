import {
    DeleteItemCommand,
    PutItemCommand,
    UpdateItemCommand,
    type AttributeValue,
    type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBRecord } from "aws-lambda";
import { decodeArchiveObject } from "../handler/archive";
import { RESERVED_ATTRIBUTES } from "../handler/contract";
import { isTombstone, withoutReservedAttributes } from "../handler/projection-item";
import { toSdkItem } from "../handler/attribute-values";
import { payloadRecords } from "../ops/redrive";
import { canonicalItem, canonicalValue } from "./compare";
import { listKeys, scanAll } from "./scan";

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
 * attribute the projection reserves, so the handler rejects it every time.
 */
export async function writeDemoWorkload(
    dynamodb: DynamoDBClient,
    table: string,
    keys: DemoKeySchema,
    orders = 150,
): Promise<DemoWorkload> {
    const key = (index: number): Item => demoKey(keys, index);
    let changes = 0;
    for (let index = 1; index <= orders; index++) {
        await dynamodb.send(
            new PutItemCommand({
                TableName: table,
                Item: {
                    ...key(index),
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
    return { changes, poisonKey };
}

/** What the demo found once the stream had drained. */
export type DemoReport = {
    readonly sourceItems: number;
    readonly projectionItems: number;
    readonly tombstones: number;
    readonly archiveObjects: number;
    readonly archiveLines: number;
    readonly failureObjects: number;
    readonly failedRecords: readonly DynamoDBRecord[];
    /** Every way the result differs from what the change feed promises; empty when it converged. */
    readonly divergences: readonly string[];
};

/**
 * Compares the projection with the source table (numbers by exact value, tombstones and reserved
 * attributes aside) and checks that the poison record, and only it, sits in the failure
 * destination.
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
    const projection = await scanAll(clients.dynamodb, names.projectionTable);
    const live = new Map(
        projection
            .filter((item) => !isTombstone(item))
            .map((item) => [keyText(item), withoutReservedAttributes(item)]),
    );
    for (const item of source) {
        const id = keyText(item);
        if (id === poison) {
            if (live.has(id)) divergences.push(`the poison item ${id} reached the projection`);
            continue;
        }
        const projected = live.get(id);
        if (!projected) divergences.push(`item ${id} is in the source but not in the projection`);
        else if (JSON.stringify(canonicalItem(projected)) !== JSON.stringify(canonicalItem(item))) {
            divergences.push(
                `item ${id} differs: source ${JSON.stringify(item)}, projection ${JSON.stringify(projected)}`,
            );
        }
        live.delete(id);
    }
    for (const id of live.keys())
        divergences.push(`item ${id} is in the projection but was deleted from the source`);

    const archiveKeys = await listKeys(clients.s3, names.archiveBucket);
    let archiveLines = 0;
    for (const key of archiveKeys) {
        const object = await clients.s3.send(new GetObjectCommand({ Bucket: names.archiveBucket, Key: key }));
        archiveLines += decodeArchiveObject(await object.Body!.transformToByteArray()).length;
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
        projectionItems: projection.filter((item) => !isTombstone(item)).length,
        tombstones: projection.filter(isTombstone).length,
        archiveObjects: archiveKeys.length,
        archiveLines,
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
