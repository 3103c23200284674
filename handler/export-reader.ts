import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";

/** The lines of one gzip'd data file, in order, read as a stream (a file never sits in memory whole). */
export type DataFileReader = (bucket: string, key: string) => AsyncIterable<string>;

/**
 * A thin source: streams an S3 object through gunzip, line by line. An empty object (DynamoDB
 * writes one for an empty partition) has no lines.
 */
export function createDataFileReader(client: S3Client): DataFileReader {
    return async function* readDataFile(bucket, key) {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!object.Body || object.ContentLength === 0) return;
        const lines = createInterface({
            input: (object.Body as Readable).pipe(createGunzip()),
            crlfDelay: Infinity,
        });
        for await (const line of lines) yield line;
    };
}
