import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { FAILURE_PREFIX, payloadRecords } from "../stack-access/failure-destination";
import { listKeys } from "../stack-access/s3-keys";
import type { BatchRunner } from "./batch-runner";

/** Where redrive moves the failed batches it settled. */
export const REDRIVEN_PREFIX = "redriven/";

export type RedriveOptions = {
    readonly s3: S3Client;
    readonly failureBucket: string;
    readonly runBatch: BatchRunner;
    /** Only say what would happen. */
    readonly dryRun: boolean;
    readonly log: (line: string) => void;
};

/** One failure-destination object and what became of it. */
export type RedrivenObject = {
    readonly key: string;
    readonly records: number;
    readonly outcome: "redriven" | "still failing" | "would redrive" | "unreadable";
    readonly reasons: readonly string[];
};

export type RedriveResult = { readonly objects: readonly RedrivenObject[] };

/**
 * Re-runs the records of every failed batch in the S3 failure destination through the handler's
 * own code. An object whose records all succeed is moved under `redriven/` (so a second run finds
 * nothing to do); an object with records that still fail stays where it is, and each failure is
 * printed with its reason. Writes are guarded by sequence number, so redriving a batch whose keys
 * have moved on since cannot overwrite newer state.
 */
export async function runRedrive(options: RedriveOptions): Promise<RedriveResult> {
    const { s3, failureBucket, log } = options;
    const keys = (await listKeys(s3, failureBucket, FAILURE_PREFIX)).sort();
    if (keys.length === 0) {
        log(`Nothing to redrive: s3://${failureBucket}/${FAILURE_PREFIX} holds no failed batches.`);
        return { objects: [] };
    }
    const objects: RedrivenObject[] = [];
    for (const key of keys) {
        const body = await s3.send(new GetObjectCommand({ Bucket: failureBucket, Key: key }));
        const text = await body.Body!.transformToString();
        const records = payloadRecords(text);
        if (!records) {
            log(`  ${key}: not a failure record with a payload; left in place`);
            objects.push({ key, records: 0, outcome: "unreadable", reasons: ["no invocation payload"] });
            continue;
        }
        const range = `${records[0]?.dynamodb?.SequenceNumber ?? "?"}…${records[records.length - 1]?.dynamodb?.SequenceNumber ?? "?"}`;
        if (options.dryRun) {
            log(
                `  would redrive ${key}: ${records.length} records (sequence ${range}), then move it under ${REDRIVEN_PREFIX}`,
            );
            objects.push({ key, records: records.length, outcome: "would redrive", reasons: [] });
            continue;
        }
        const outcome = await options.runBatch({ Records: records });
        if (outcome.error === undefined && outcome.failures.length === 0) {
            await s3.send(
                new CopyObjectCommand({
                    Bucket: failureBucket,
                    Key: `${REDRIVEN_PREFIX}${key}`,
                    CopySource: `${failureBucket}/${key.split("/").map(encodeURIComponent).join("/")}`,
                }),
            );
            await s3.send(new DeleteObjectCommand({ Bucket: failureBucket, Key: key }));
            log(`  redriven ${key}: ${records.length} records landed; moved to ${REDRIVEN_PREFIX}${key}`);
            objects.push({ key, records: records.length, outcome: "redriven", reasons: [] });
        } else {
            // The records' own reasons; the invocation's error only when no record carries one.
            const reasons =
                outcome.failures.length > 0
                    ? outcome.failures.map(
                          (failure) =>
                              `${failure.eventID} (sequence ${failure.sequenceNumber}): ${failure.reason}`,
                      )
                    : [String(outcome.error)];
            log(`  still failing ${key}: ${records.length} records (sequence ${range}); left in place:`);
            for (const reason of reasons) log(`    - ${reason}`);
            objects.push({ key, records: records.length, outcome: "still failing", reasons });
        }
    }
    return { objects };
}
