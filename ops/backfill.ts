import * as fs from "node:fs";
import * as path from "node:path";
import {
    DescribeTableCommand,
    ScanCommand,
    type AttributeValue,
    type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import type { DynamoDBStreamEvent } from "aws-lambda";
import { toSdkItem } from "../handler/attribute-values";
import { toBackfillRecord } from "../handler/backfill-records";
import { toEventImage } from "../stack-access/event-image";
import type { BatchRunner } from "./batch-runner";
import { createRateLimiter } from "./rate-limiter";

export type BackfillOptions = {
    readonly dynamodb: DynamoDBClient;
    readonly sourceTable: string;
    readonly region: string;
    readonly runBatch: BatchRunner;
    /** Parallel Scan segments (1-1,000,000; DynamoDB's TotalSegments). */
    readonly segments: number;
    /** Items per second over all segments; unlimited when undefined. */
    readonly ratePerSecond?: number;
    /** Items per Scan page (and so per handler batch and archive object). */
    readonly pageSize?: number;
    readonly checkpointFile: string;
    /** Discard an existing checkpoint and start a new run. */
    readonly restart?: boolean;
    /** Stops between pages; what is done stays checkpointed. */
    readonly signal?: AbortSignal;
    readonly onProgress?: (progress: BackfillProgress) => void;
    /** Attempts per page before the backfill stops with the page's failure (default 3). */
    readonly attemptsPerPage?: number;
    readonly now?: () => number;
};

export type BackfillProgress = {
    readonly items: number;
    readonly pages: number;
    /** DescribeTable's ItemCount: an estimate, refreshed by DynamoDB about every six hours. */
    readonly estimatedTotal: number | undefined;
    readonly elapsedMs: number;
};

export type BackfillResult = {
    readonly runId: string;
    readonly resumed: boolean;
    /** The checkpoint was of a run that had already finished: nothing was done. */
    readonly alreadyComplete: boolean;
    readonly complete: boolean;
    /** Items and pages this invocation processed (not counting earlier, interrupted ones). */
    readonly items: number;
    readonly pages: number;
    /** Items over the whole run, this invocation and the interrupted ones before it. */
    readonly totalItems: number;
    readonly elapsedMs: number;
};

type SegmentState = {
    page: number;
    items: number;
    done: boolean;
    /** Where the next Scan page starts, in DynamoDB JSON with base64 binary. */
    lastEvaluatedKey: Record<string, unknown> | null;
};

type Checkpoint = {
    version: 1;
    table: string;
    runId: string;
    segments: SegmentState[];
};

/**
 * Copies every item of the source table into the projection and the archive through the
 * handler's own path: each Scan page becomes one batch of INSERT records with a sequence number
 * lower than any real one, so a key the stream has already written (or deleted) is left alone.
 * Segments are scanned in parallel under one rate limit; after every page the segment's position
 * is checkpointed, so an interrupted backfill resumes where it stopped without redoing pages.
 *
 * @throws {Error} when a page still fails after its attempts (the checkpoint stays before it), or
 *   when an existing checkpoint belongs to another table or segment count
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillResult> {
    const now = options.now ?? Date.now;
    const started = now();
    const table = await options.dynamodb.send(new DescribeTableCommand({ TableName: options.sourceTable }));
    const keyNames = (table.Table?.KeySchema ?? []).map((key) => String(key.AttributeName));
    const tableArn = String(table.Table?.TableArn);
    const checkpoint = loadCheckpoint(options);
    const resumed = checkpoint.segments.some((segment) => segment.page > 0);
    const alreadyComplete = checkpoint.segments.every((segment) => segment.done);
    const limit = createRateLimiter(options.ratePerSecond, now);
    let items = 0;
    let pages = 0;
    const report = () =>
        options.onProgress?.({
            items: checkpoint.segments.reduce((sum, segment) => sum + segment.items, 0),
            pages: checkpoint.segments.reduce((sum, segment) => sum + segment.page, 0),
            estimatedTotal: table.Table?.ItemCount,
            elapsedMs: now() - started,
        });

    const scanSegment = async (segmentNumber: number): Promise<void> => {
        const segment = checkpoint.segments[segmentNumber]!;
        while (!segment.done && !options.signal?.aborted) {
            const page = await options.dynamodb.send(
                new ScanCommand({
                    TableName: options.sourceTable,
                    Segment: segmentNumber,
                    TotalSegments: checkpoint.segments.length,
                    Limit: options.pageSize ?? 100,
                    ConsistentRead: true,
                    ...(segment.lastEvaluatedKey
                        ? { ExclusiveStartKey: toSdkItem(segment.lastEvaluatedKey as never) }
                        : {}),
                }),
            );
            const scanned = page.Items ?? [];
            await limit(scanned.length);
            if (scanned.length > 0) {
                const records = scanned.map((item, index) =>
                    toBackfillRecord(toEventImage(item, "NewImage"), keyNames, {
                        scan: {
                            tableArn,
                            runId: checkpoint.runId,
                            segment: segmentNumber,
                            page: segment.page,
                            region: options.region,
                            nowSeconds: Math.floor(now() / 1000),
                        },
                        index,
                    }),
                );
                await runPage(
                    options,
                    { Records: records },
                    `segment ${segmentNumber}, page ${segment.page}`,
                );
            }
            segment.page++;
            segment.items += scanned.length;
            segment.lastEvaluatedKey = page.LastEvaluatedKey ? encodeKey(page.LastEvaluatedKey) : null;
            segment.done = !page.LastEvaluatedKey;
            items += scanned.length;
            pages++;
            saveCheckpoint(options.checkpointFile, checkpoint);
            report();
        }
    };

    report();
    await Promise.all(checkpoint.segments.map((_, index) => scanSegment(index)));
    return {
        runId: checkpoint.runId,
        resumed,
        alreadyComplete,
        complete: checkpoint.segments.every((segment) => segment.done),
        items,
        pages,
        totalItems: checkpoint.segments.reduce((sum, segment) => sum + segment.items, 0),
        elapsedMs: now() - started,
    };
}

/** One page through the handler; any failure retries the whole page (its writes are idempotent). */
async function runPage(options: BackfillOptions, event: DynamoDBStreamEvent, where: string): Promise<void> {
    const attempts = options.attemptsPerPage ?? 3;
    let last = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
        const outcome = await options.runBatch(event);
        if (outcome.failures.length === 0 && outcome.error === undefined) return;
        last =
            outcome.error ??
            `${outcome.failures.length} of ${event.Records.length} records failed, e.g. ` +
                `${outcome.failures[0]?.eventID}: ${outcome.failures[0]?.reason}`;
        await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** (attempt - 1)));
    }
    throw new Error(
        `Backfill stopped at ${where} after ${attempts} attempts: ${last}. Fix the cause and run the same ` +
            `command again: it resumes from this page.`,
    );
}

function loadCheckpoint(options: BackfillOptions): Checkpoint {
    if (!options.restart && fs.existsSync(options.checkpointFile)) {
        const checkpoint = JSON.parse(fs.readFileSync(options.checkpointFile, "utf8")) as Checkpoint;
        if (checkpoint.table !== options.sourceTable) {
            throw new Error(
                `The checkpoint ${options.checkpointFile} belongs to a backfill of table ${checkpoint.table}, not ` +
                    `${options.sourceTable}; pass another --checkpoint or --restart.`,
            );
        }
        if (checkpoint.segments.length !== options.segments) {
            throw new Error(
                `The checkpoint ${options.checkpointFile} was made with --segments ${checkpoint.segments.length}; ` +
                    `resume with --segments ${checkpoint.segments.length}, or start over with --restart.`,
            );
        }
        return checkpoint;
    }
    return {
        version: 1,
        table: options.sourceTable,
        runId: new Date((options.now ?? Date.now)()).toISOString().replace(/[-:.]/g, "").slice(0, 15),
        segments: Array.from({ length: options.segments }, () => ({
            page: 0,
            items: 0,
            done: false,
            lastEvaluatedKey: null,
        })),
    };
}

function saveCheckpoint(file: string, checkpoint: Checkpoint): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify(checkpoint, null, 2)}\n`);
    fs.renameSync(temporary, file);
}

function encodeKey(key: Record<string, AttributeValue>): Record<string, unknown> {
    return toEventImage(key, "LastEvaluatedKey");
}
