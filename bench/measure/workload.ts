import { DeleteItemCommand, PutItemCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import type { AttributeValue as ImageValue, DynamoDBRecord } from "aws-lambda";
import { readAllStreamRecords, toLambdaRecord, type LocalStack } from "../../local";
import { seededRandom, type Random } from "./latency";

export type Item = Record<string, AttributeValue>;

/** What to write to the source table: `keys` drawn with a Zipf exponent (0: uniform); `keyAttribute` is its string partition key. */
type WorkloadSpec = {
    changes: number;
    keys: number;
    zipfExponent: number;
    seed: number;
    keyAttribute: string;
};

/** One write to the source table, by one of the parallel writers; each becomes exactly one stream record. */
type Operation = { readonly lane: number; readonly key: Item; readonly item?: Item };

/** Parallel writers; each key belongs to one, so its changes stay in order. */
const WRITE_LANES = 8;
/** Share of changes to an existing item that delete it; the rest modify it. */
const DELETE_SHARE = 0.1;
const STATUSES = ["pending", "paid", "packed", "shipped", "delivered", "returned"];
const TAGS = ["gift", "express", "fragile", "b2b", "promo", "subscription"];
const CITIES = ["Lisbon", "Porto", "Braga", "Coimbra", "Faro", "Aveiro", "Évora", "Funchal"];
const START = Date.UTC(2026, 10, 27, 9, 0, 0);

/**
 * A reproducible history of changes: a key's first change inserts it, later ones modify it (90%) or
 * delete it (10%), and a deleted key's next change inserts it again. Items are order-like, ~300
 * bytes (well under 1 KB: one write unit each). `mix` counts the INSERT, MODIFY and REMOVE records.
 */
function generateWorkload(spec: WorkloadSpec) {
    const random = seededRandom(spec.seed);
    const drawRank = zipfSampler(spec.keys, spec.zipfExponent, random);
    const versions = new Map<number, number>();
    const live = new Set<number>();
    const operations: Operation[] = [];
    const mix = { inserts: 0, modifies: 0, removes: 0 };
    let maxItemBytes = 0;
    const width = String(spec.keys - 1).length;
    for (let index = 0; index < spec.changes; index++) {
        const rank = drawRank();
        const key: Item = { [spec.keyAttribute]: { S: `order-${String(rank).padStart(width, "0")}` } };
        const lane = rank % WRITE_LANES;
        if (live.has(rank) && random() < DELETE_SHARE) {
            live.delete(rank);
            mix.removes++;
            operations.push({ lane, key });
            continue;
        }
        mix[live.has(rank) ? "modifies" : "inserts"]++;
        live.add(rank);
        const version = (versions.get(rank) ?? 0) + 1;
        versions.set(rank, version);
        const item = { ...key, ...orderAttributes(random, version, index) };
        maxItemBytes = Math.max(maxItemBytes, itemSizeBytes(item));
        operations.push({ lane, key, item });
    }
    return { operations, mix, distinctKeys: versions.size, maxItemBytes };
}

function orderAttributes(random: Random, version: number, index: number): Item {
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
    const tags = TAGS.filter(() => random() < 0.3);
    return {
        status: { S: pick(STATUSES) },
        customer: { S: `customer-${String(Math.floor(random() * 100_000)).padStart(5, "0")}` },
        total: { N: (random() * 900 + 5).toFixed(2) },
        currency: { S: "EUR" },
        lines: { N: String(1 + Math.floor(random() * 12)) },
        tags: { SS: tags.length > 0 ? tags : ["standard"] },
        shipping: {
            M: {
                city: { S: pick(CITIES) },
                postcode: { S: String(1000 + Math.floor(random() * 8999)) },
                express: { BOOL: random() < 0.2 },
            },
        },
        note: { S: "x".repeat(Math.floor(random() * 80)) },
        version: { N: String(version) },
        // A new value on every change: DynamoDB writes no stream record for a put that changes nothing.
        updatedAt: { S: new Date(START + index * 250).toISOString() },
    };
}

/** Draws ranks 0..keys-1 with probability proportional to 1/(rank+1)^exponent: Zipf, the usual model of hot keys. */
function zipfSampler(keys: number, exponent: number, random: Random): () => number {
    const cumulative = new Float64Array(keys);
    let total = 0;
    for (let rank = 0; rank < keys; rank++) cumulative[rank] = total += 1 / Math.pow(rank + 1, exponent);
    return () => {
        const target = random() * total;
        // Binary search for the first rank whose cumulative weight reaches the target.
        let [low, high] = [0, keys - 1];
        while (low < high) {
            const middle = (low + high) >>> 1;
            if ((cumulative[middle] ?? 0) < target) low = middle + 1;
            else high = middle;
        }
        return low;
    };
}

/** An item's size as DynamoDB bills it, rounded up: names plus values (numbers as digits + 1; maps, lists with overhead). */
export function itemSizeBytes(item: Item): number {
    return Object.entries(item).reduce(
        (size, [name, value]) => size + Buffer.byteLength(name) + valueSizeBytes(value),
        0,
    );
}

function valueSizeBytes(value: AttributeValue): number {
    const sum = <T>(values: readonly T[], size: (value: T) => number) =>
        values.reduce((total, v) => total + size(v), 0);
    if (value.S !== undefined) return Buffer.byteLength(value.S);
    if (value.N !== undefined) return value.N.length + 1;
    if (value.B !== undefined) return value.B.length;
    if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
    if (value.SS !== undefined) return sum(value.SS, (text) => Buffer.byteLength(text));
    if (value.NS !== undefined) return sum(value.NS, (text) => text.length + 1);
    if (value.BS !== undefined) return sum(value.BS, (bytes) => bytes.length);
    if (value.L !== undefined) return 3 + sum(value.L, (element) => 1 + valueSizeBytes(element));
    if (value.M !== undefined) return 3 + itemSizeBytes(value.M) + Object.keys(value.M).length;
    return 0;
}

/**
 * Writes a workload to the stack's empty source table and reads every change back from its stream,
 * in order: each contender gets what Lambda would deliver, DynamoDB Local's real sequence numbers,
 * images and event names.
 *
 * @throws {Error} when the stream does not hold exactly one record per change
 */
export async function recordWorkload(stack: LocalStack, spec: WorkloadSpec) {
    const workload = generateWorkload(spec);
    const { dynamodb } = stack.clients;
    const TableName = stack.names.sourceTable;
    const writeLane = async (lane: number) => {
        for (const { key, item } of workload.operations.filter((operation) => operation.lane === lane))
            await (item
                ? dynamodb.send(new PutItemCommand({ TableName, Item: item }))
                : dynamodb.send(new DeleteItemCommand({ TableName, Key: key })));
    };
    await Promise.all(Array.from({ length: WRITE_LANES }, (_, lane) => writeLane(lane)));
    const records: DynamoDBRecord[] = (
        await readAllStreamRecords(stack.clients.streams, stack.sourceStreamArn)
    ).map((record) =>
        toLambdaRecord(record, { eventSourceArn: stack.sourceStreamArn, region: stack.region }),
    );
    if (records.length !== workload.operations.length)
        throw new Error(
            `${TableName}'s stream holds ${records.length} records for ${workload.operations.length} changes; ` +
                "the source table must be empty when the bench starts.",
        );
    return { workload, records };
}

/**
 * Copies of records under other keys (`prefix` + key), to warm a contender up without touching the
 * keys it is timed on. Event IDs and sequence numbers change too (a leading 9 keeps them digits and
 * in order), so no timed batch shares an archive object or a prepared ceiling batch with a warm-up one.
 */
export function warmupCopies(
    records: readonly DynamoDBRecord[],
    keyAttribute: string,
    prefix: string,
): DynamoDBRecord[] {
    const rekey = (image: Record<string, ImageValue> | undefined) => {
        const key = image?.[keyAttribute]?.S;
        return image && key !== undefined ? { ...image, [keyAttribute]: { S: `${prefix}${key}` } } : image;
    };
    return records.map((record) => ({
        ...record,
        eventID: `${prefix}${record.eventID ?? ""}`,
        dynamodb: {
            ...record.dynamodb,
            ...(record.dynamodb?.SequenceNumber
                ? { SequenceNumber: `9${record.dynamodb.SequenceNumber}` }
                : {}),
            Keys: rekey(record.dynamodb?.Keys),
            NewImage: rekey(record.dynamodb?.NewImage),
            OldImage: rekey(record.dynamodb?.OldImage),
        },
    }));
}
