import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";

/** Every object key under a prefix, all pages. */
export async function listKeys(s3: S3Client, bucket: string, prefix?: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
        const page = await s3.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        keys.push(...(page.Contents ?? []).map((object) => String(object.Key)));
        token = page.NextContinuationToken;
    } while (token);
    return keys;
}
