import { randomUUID } from "node:crypto";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { FAILURE_PREFIX } from "../../stack-access/failure-destination";
import type { DiscardedBatch } from "./delivery";

/** Where a discarded batch came from and went to. */
export type FailureContext = {
    readonly mappingUuid: string;
    readonly functionArn: string;
    readonly streamArn: string;
    readonly shardId: string;
};

/**
 * The record Lambda writes to an S3 on-failure destination for a stream source: the invocation
 * metadata (`requestContext`, `responseContext`, `DDBStreamBatchInfo`) plus, for S3 only, the
 * invocation payload itself, so the batch can be redriven after the stream has expired it.
 */
export function failureRecord(
    batch: DiscardedBatch,
    context: FailureContext,
    now: Date,
): Record<string, unknown> {
    const first = batch.records[0]?.dynamodb;
    const last = batch.records[batch.records.length - 1]?.dynamodb;
    const arrival = (epochSeconds: number | undefined) =>
        epochSeconds === undefined
            ? null
            : new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    const invocation = batch.lastInvocation;
    return {
        requestContext: {
            requestId: randomUUID(),
            functionArn: context.functionArn,
            condition: batch.condition,
            approximateInvokeCount: batch.invokeCount,
        },
        responseContext: {
            statusCode: 200,
            executedVersion: "$LATEST",
            ...(invocation && !invocation.ok ? { functionError: "Unhandled" } : {}),
        },
        version: "1.0",
        timestamp: now.toISOString(),
        DDBStreamBatchInfo: {
            shardId: context.shardId,
            startSequenceNumber: first?.SequenceNumber ?? null,
            endSequenceNumber: last?.SequenceNumber ?? null,
            approximateArrivalOfFirstRecord: arrival(first?.ApproximateCreationDateTime),
            approximateArrivalOfLastRecord: arrival(last?.ApproximateCreationDateTime),
            batchSize: batch.records.length,
            streamArn: context.streamArn,
        },
        // AWS's documentation shows the S3 failure record's fields but not whether `payload` is
        // the invocation payload as a JSON string or as an object. The local mapping writes a
        // string, the payload exactly as the function was invoked with it; redrive reads both.
        payload: JSON.stringify({ Records: batch.records }),
    };
}

/** AWS's object name: `aws/lambda/<mapping UUID>/<shard>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>`. */
export function failureObjectKey(context: FailureContext, now: Date): string {
    const iso = now.toISOString();
    const day = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
    const stamp = `${iso.slice(0, 10)}T${iso.slice(11, 19).replace(/:/g, ".")}`;
    return `${FAILURE_PREFIX}${context.mappingUuid}/${context.shardId}/${day}/${stamp}-${randomUUID()}`;
}

/** Writes a discarded batch to the S3 failure destination, as the mapping would. */
export async function sendToFailureDestination(
    s3: S3Client,
    bucket: string,
    batch: DiscardedBatch,
    context: FailureContext,
    now = new Date(),
): Promise<string> {
    const key = failureObjectKey(context, now);
    await s3.send(
        new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: JSON.stringify(failureRecord(batch, context, now)),
            ContentType: "application/json",
        }),
    );
    return key;
}
