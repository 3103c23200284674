import { PutItemCommand, type DynamoDBClient, type PutItemCommandInput } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBRecord } from "aws-lambda";
import { ARCHIVE_CONTENT_ENCODING, ARCHIVE_CONTENT_TYPE, encodeArchiveObject } from "../handler/archive";
import { createLimiter } from "../handler/limiter";
import { planBatch } from "../handler/plan";
import { toGuardedPut } from "../handler/projection-item";
import type { TtlExpirationMode } from "../handler/contract";
import type { CallCounter, CallTally } from "./api-calls";
import { cutBatches } from "./batches";
import type { Target } from "./functions";
import { mergeTallies, totalCalls, type Measurement } from "./measurement";

/** The ceiling's clients (counted with the same middleware) and the handler's settings. */
export type CeilingSetup = {
    readonly dynamodb: DynamoDBClient;
    readonly s3: S3Client;
    readonly counter: CallCounter;
    readonly writeConcurrency: number;
    readonly archivePrefix: string;
    readonly tombstoneTtlSeconds: number;
    readonly ttlExpirations: TtlExpirationMode;
};

/** One batch's minimum work, built before the clock starts. */
type PreparedBatch = {
    readonly puts: readonly PutItemCommandInput[];
    readonly archive: { readonly key: string; readonly body: Uint8Array };
};

/**
 * The ceiling: the rate at which the same servers accept the minimum work for the same batches,
 * i.e. one conditional PutItem per distinct key per batch (the handler's own guarded item, from
 * `toGuardedPut`) plus one PutObject of the batch's archive, at the handler's write concurrency
 * with the PutObject alongside, one batch after another as one shard's mapping delivers them.
 *
 * Everything that is not I/O (coalescing, building items, gzip) is done before timing starts,
 * and there is no function process or invocation in between: only the requests are timed.
 */
export async function measureCeiling(
    setup: CeilingSetup,
    target: Target,
    records: readonly DynamoDBRecord[],
    warmup: readonly DynamoDBRecord[],
    batchSize: number,
): Promise<Measurement> {
    await sendAll(setup, target, await prepare(setup, target, cutBatches(warmup, batchSize)));
    const prepared = await prepare(setup, target, cutBatches(records, batchSize));
    setup.counter.takeWindow();

    const batchMs: number[] = [];
    const started = performance.now();
    const windows = await sendAll(setup, target, prepared, batchMs);
    const elapsedMs = performance.now() - started;

    const calls = mergeTallies(windows);
    const errors = Object.values(calls).reduce((sum, count) => sum + count.errors, 0);
    return {
        records: records.length,
        batches: prepared.length,
        elapsedMs,
        batchMs,
        calls,
        callsPerBatch: windows.map(totalCalls),
        problems: errors > 0 ? [`${errors} ceiling requests failed`] : [],
    };
}

async function prepare(
    setup: CeilingSetup,
    target: Target,
    batches: readonly (readonly DynamoDBRecord[])[],
): Promise<PreparedBatch[]> {
    const nowSeconds = Date.now() / 1000;
    return Promise.all(
        batches.map(async (batch) => {
            const changes = [...planBatch(batch, { ttlExpirations: setup.ttlExpirations }).writes.values()];
            const puts = changes.map((change) => {
                const put = toGuardedPut(change, {
                    nowSeconds,
                    tombstoneTtlSeconds: setup.tombstoneTtlSeconds,
                });
                return {
                    TableName: target.table,
                    Item: put.item,
                    ConditionExpression: put.conditionExpression,
                    ExpressionAttributeNames: put.expressionAttributeNames,
                    ExpressionAttributeValues: put.expressionAttributeValues,
                };
            });
            const archive = await encodeArchiveObject(setup.archivePrefix, batch);
            return { puts, archive };
        }),
    );
}

/** Sends each batch's work, batch after batch; returns each batch's call counts. */
async function sendAll(
    setup: CeilingSetup,
    target: Target,
    batches: readonly PreparedBatch[],
    batchMs: number[] = [],
): Promise<CallTally[]> {
    const limit = createLimiter(setup.writeConcurrency);
    const windows: CallTally[] = [];
    for (const batch of batches) {
        const started = performance.now();
        await Promise.all([
            setup.s3.send(
                new PutObjectCommand({
                    Bucket: target.bucket,
                    Key: batch.archive.key,
                    Body: batch.archive.body,
                    ContentType: ARCHIVE_CONTENT_TYPE,
                    ContentEncoding: ARCHIVE_CONTENT_ENCODING,
                }),
            ),
            ...batch.puts.map((put) => limit(() => setup.dynamodb.send(new PutItemCommand(put)))),
        ]);
        batchMs.push(performance.now() - started);
        windows.push(setup.counter.takeWindow());
    }
    return windows;
}
