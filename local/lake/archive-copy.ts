import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { listKeys } from "../../stack-access/s3-keys";

/**
 * Copies every archive object under a prefix into a folder, each at its key, so the folder is laid
 * out as the bucket is (what DuckDB's rendering of the lake reads).
 *
 * @returns the number of objects copied
 */
export async function copyArchive(
    s3: S3Client,
    bucket: string,
    prefix: string,
    folder: string,
): Promise<number> {
    const keys = (await listKeys(s3, bucket, prefix)).filter((key) => key.endsWith(".ndjson.gz"));
    for (const key of keys) {
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!object.Body) throw new Error(`archive object ${key} has no body`);
        const file = path.join(folder, key);
        await mkdir(path.dirname(file), { recursive: true });
        await writeFile(file, await object.Body.transformToByteArray());
    }
    return keys.length;
}
