import {
    DeleteItemCommand,
    PutItemCommand,
    type AttributeValue,
    type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBRecord } from "aws-lambda";
import { measureCeiling, type CeilingSetup } from "./ceiling";
import type { Target } from "./functions";

/** How long the servers' warm-up may run, and the shape of its slices. */
export type WarmupPlan = {
    /** Keep going at least this long, even if the rates look level sooner. */
    readonly minSeconds: number;
    /** Stop here even if the rates still rise (the results then say the servers were not steady). */
    readonly maxSeconds: number;
    /** Records of the ceiling's work per slice (concurrent conditional writes, one PUT per batch). */
    readonly concurrentRecords: number;
    /** Records of one-call-at-a-time work per slice (the naive handler's kind of requests). */
    readonly sequentialRecords: number;
};

/** How the warm-up went: every slice's rates, and whether both levelled off before the cap. */
export type ServerWarmup = {
    readonly seconds: number;
    readonly steady: boolean;
    /** records/s of each slice's concurrent work. */
    readonly concurrentRates: readonly number[];
    /** records/s of each slice's sequential work. */
    readonly sequentialRates: readonly number[];
};

/** Slices whose best rate is compared with the best before them. */
const LEVEL_WINDOW = 4;
/** A rise of at most this much over the earlier best counts as level (slices are ~1 s, so noisy). */
const LEVEL_TOLERANCE = 0.04;

/**
 * True once the last few slices no longer beat the best rate before them by more than the noise:
 * the server has stopped getting faster. Pure, for testing.
 */
export function hasLevelledOff(
    rates: readonly number[],
    window = LEVEL_WINDOW,
    tolerance = LEVEL_TOLERANCE,
): boolean {
    if (rates.length <= window) return false;
    const earlierBest = Math.max(...rates.slice(0, -window));
    const recentBest = Math.max(...rates.slice(-window));
    return recentBest <= earlierBest * (1 + tolerance);
}

/** What a warm-up needs from the bench: its clients and where each slice may write. */
export type WarmupSetup = {
    readonly ceiling: CeilingSetup;
    readonly freshTarget: () => Promise<Target>;
    readonly dropTarget: (target: Target) => Promise<void>;
    readonly log: (line: string) => void;
};

/**
 * Loads the servers with the contenders' kinds of work, slice after slice, until their speed
 * levels off: DynamoDB Local's JVM keeps compiling hot paths for a minute or more under load, and
 * whichever contender ran first would otherwise meet a slower server than the ones after it.
 *
 * Each slice sends the ceiling's work (concurrent conditional PutItems and one PutObject per
 * batch: the handler's requests too) and then one-at-a-time PutItem/DeleteItem + PutObject per
 * record (the naive handler's requests), each into a fresh table and bucket.
 */
export async function warmUntilSteady(
    setup: WarmupSetup,
    copies: {
        readonly concurrent: readonly DynamoDBRecord[];
        readonly sequential: readonly DynamoDBRecord[];
    },
    batchSize: number,
    plan: WarmupPlan,
): Promise<ServerWarmup> {
    const concurrentRates: number[] = [];
    const sequentialRates: number[] = [];
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const steady = () => hasLevelledOff(concurrentRates) && hasLevelledOff(sequentialRates);
    do {
        const target = await setup.freshTarget();
        try {
            const concurrent = await measureCeiling(setup.ceiling, target, copies.concurrent, [], batchSize);
            concurrentRates.push(concurrent.records / (concurrent.elapsedMs / 1000));
            sequentialRates.push(await sendOneAtATime(setup.ceiling, target, copies.sequential));
        } finally {
            await setup.dropTarget(target);
        }
    } while (seconds() < plan.maxSeconds && (seconds() < plan.minSeconds || !steady()));
    const warmup = { seconds: seconds(), steady: steady(), concurrentRates, sequentialRates };
    setup.log(
        `  ${concurrentRates.length} slices in ${warmup.seconds.toFixed(0)} s; records/s concurrent ` +
            `${Math.round(concurrentRates[0] ?? 0)} → ${Math.round(concurrentRates.at(-1) ?? 0)}, one at a time ` +
            `${Math.round(sequentialRates[0] ?? 0)} → ${Math.round(sequentialRates.at(-1) ?? 0)}` +
            (warmup.steady ? "; levelled off" : `; still rising at the ${plan.maxSeconds} s cap`),
    );
    return warmup;
}

/** The naive handler's requests for each record, one after another; returns records/s. */
async function sendOneAtATime(
    clients: { readonly dynamodb: DynamoDBClient; readonly s3: S3Client },
    target: Target,
    records: readonly DynamoDBRecord[],
): Promise<number> {
    const started = performance.now();
    for (const record of records) {
        const image = record.dynamodb?.NewImage as Record<string, AttributeValue> | undefined;
        const keys = record.dynamodb?.Keys as Record<string, AttributeValue> | undefined;
        if (record.eventName === "REMOVE" || !image) {
            await clients.dynamodb.send(new DeleteItemCommand({ TableName: target.table, Key: keys }));
        } else {
            await clients.dynamodb.send(new PutItemCommand({ TableName: target.table, Item: image }));
        }
        await clients.s3.send(
            new PutObjectCommand({
                Bucket: target.bucket,
                Key: `${record.eventID ?? "record"}.json`,
                Body: JSON.stringify(record),
                ContentType: "application/json",
            }),
        );
    }
    return records.length / ((performance.now() - started) / 1000);
}
