import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { seededRandom, zipfSampler, type Random } from "./random";

export type Item = Record<string, AttributeValue>;

/** What to write to the source table. */
export type WorkloadSpec = {
    readonly changes: number;
    /** Size of the key space changes are drawn from. */
    readonly keys: number;
    /** Zipf exponent of the keys' popularity (0: uniform). */
    readonly zipfExponent: number;
    readonly seed: number;
    /** The source table's partition key attribute (a string key). */
    readonly keyAttribute: string;
};

/** One write to the source table; each becomes exactly one stream record. */
export type Operation =
    | { readonly kind: "put"; readonly lane: number; readonly key: Item; readonly item: Item }
    | { readonly kind: "delete"; readonly lane: number; readonly key: Item };

export type Workload = {
    readonly operations: readonly Operation[];
    /** How many operations create, change and delete an item (INSERT, MODIFY, REMOVE records). */
    readonly mix: { readonly inserts: number; readonly modifies: number; readonly removes: number };
    readonly distinctKeys: number;
    /** The largest item written, by DynamoDB's size rules (an upper bound). */
    readonly maxItemBytes: number;
};

/** Share of changes to an existing item that delete it; the rest modify it. */
const DELETE_SHARE = 0.1;
const STATUSES = ["pending", "paid", "packed", "shipped", "delivered", "returned"];
const TAGS = ["gift", "express", "fragile", "b2b", "promo", "subscription"];
const CITIES = ["Lisbon", "Porto", "Braga", "Coimbra", "Faro", "Aveiro", "Évora", "Funchal"];
const START = Date.UTC(2026, 10, 27, 9, 0, 0);

/**
 * Generates a reproducible history of changes: the first change to a key inserts it, later ones
 * modify it (90%) or delete it (10%), and a deleted key's next change inserts it again. Items are
 * order-like records of ~300 bytes with strings, numbers, a string set and a nested map, well
 * under 1 KB, so each projection write is one write request unit.
 *
 * `lane` spreads keys over parallel writers while keeping each key's changes in order.
 */
export function generateWorkload(spec: WorkloadSpec, lanes: number): Workload {
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
        const key: Item = {
            [spec.keyAttribute]: { S: `order-${String(rank).padStart(width, "0")}` },
        };
        const lane = rank % lanes;
        if (live.has(rank) && random() < DELETE_SHARE) {
            live.delete(rank);
            mix.removes++;
            operations.push({ kind: "delete", lane, key });
            continue;
        }
        if (live.has(rank)) mix.modifies++;
        else mix.inserts++;
        live.add(rank);
        const version = (versions.get(rank) ?? 0) + 1;
        versions.set(rank, version);
        const item = { ...key, ...orderAttributes(random, version, index) };
        maxItemBytes = Math.max(maxItemBytes, itemSizeBytes(item));
        operations.push({ kind: "put", lane, key, item });
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

/**
 * An item's size as DynamoDB bills it, rounded up: attribute names plus values (strings as
 * UTF-8, numbers as their digits plus one, maps and sets with their per-element overhead).
 */
export function itemSizeBytes(item: Item): number {
    let size = 0;
    for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueSizeBytes(value);
    return size;
}

function valueSizeBytes(value: AttributeValue): number {
    if (value.S !== undefined) return Buffer.byteLength(value.S);
    if (value.N !== undefined) return value.N.length + 1;
    if (value.B !== undefined) return value.B.length;
    if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
    if (value.SS !== undefined) return value.SS.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    if (value.NS !== undefined) return value.NS.reduce((sum, text) => sum + text.length + 1, 0);
    if (value.BS !== undefined) return value.BS.reduce((sum, bytes) => sum + bytes.length, 0);
    if (value.L !== undefined)
        return 3 + value.L.reduce((sum, element) => sum + 1 + valueSizeBytes(element), 0);
    if (value.M !== undefined) return 3 + itemSizeBytes(value.M) + Object.keys(value.M).length;
    return 0;
}
