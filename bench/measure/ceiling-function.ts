/**
 * The ceiling, a function in the same kind of process as the handler: per batch it only sends the
 * minimum work, prepared before the clock started by `ceiling-work.ts` (one guarded PutItem per
 * distinct key and the batch's gzip archive), at the stack's write concurrency with the PutObject
 * alongside, with the handler's client options.
 */
import { readFileSync } from "node:fs";
import { DynamoDBClient, PutItemCommand, type PutItemCommandInput } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBStreamEvent } from "aws-lambda";

/** One batch's work, by the sequence number of the batch's first record. */
export type CeilingWork = Record<string, { puts: PutItemCommandInput[]; key: string; body: string }>;

const work = JSON.parse(readFileSync(String(process.env.BENCH_CEILING_WORK), "utf8")) as CeilingWork;
const bodies = new Map(Object.entries(work).map(([first, { body }]) => [first, Buffer.from(body, "base64")]));
const dynamodb = new DynamoDBClient({ cacheMiddleware: true });
const s3 = new S3Client({ cacheMiddleware: true });
const table = process.env.PROJECTION_TABLE;
const concurrency = Number(process.env.WRITE_CONCURRENCY);

export const handler = async (event: DynamoDBStreamEvent): Promise<{ batchItemFailures: [] }> => {
    const first = String(event.Records[0]?.dynamodb?.SequenceNumber);
    const batch = work[first];
    if (!batch) throw new Error(`No prepared work for the batch starting at ${first}.`);
    let next = 0;
    const writer = async (): Promise<void> => {
        for (let put = batch.puts[next++]; put; put = batch.puts[next++])
            await dynamodb.send(new PutItemCommand({ ...put, TableName: table }));
    };
    await Promise.all([
        s3.send(
            new PutObjectCommand({
                Bucket: process.env.ARCHIVE_BUCKET,
                Key: batch.key,
                Body: bodies.get(first),
                ContentType: "application/x-ndjson",
                ContentEncoding: "gzip",
            }),
        ),
        ...Array.from({ length: Math.min(concurrency, batch.puts.length) }, writer),
    ]);
    return { batchItemFailures: [] };
};
