import { ScanCommand, type AttributeValue, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";

/** Every item of a table, all pages. */
export async function scanAll(
    dynamodb: DynamoDBClient,
    table: string,
): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
        const page = await dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
        items.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
    } while (start);
    return items;
}

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
