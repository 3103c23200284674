/**
 * The baseline: a stream handler as a first version is usually written. Each record in turn is
 * unmarshalled, written with PutItem (or DeleteItem for a REMOVE), then archived as its own S3
 * object, one await after another: no coalescing, no concurrency, no ordering guard.
 */
import {
    DeleteItemCommand,
    DynamoDBClient,
    PutItemCommand,
    type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBStreamEvent } from "aws-lambda";

const dynamodb = new DynamoDBClient({});
const s3 = new S3Client({});
const tableName = process.env.PROJECTION_TABLE;
const bucket = process.env.ARCHIVE_BUCKET;
const prefix = process.env.ARCHIVE_PREFIX ?? "";

type Image = Record<string, AttributeValue>;

export const handler = async (event: DynamoDBStreamEvent): Promise<void> => {
    for (const record of event.Records) {
        const keys = unmarshall(record.dynamodb?.Keys as Image);
        if (record.eventName === "REMOVE") {
            await dynamodb.send(new DeleteItemCommand({ TableName: tableName, Key: marshall(keys) }));
        } else {
            const item = unmarshall(record.dynamodb?.NewImage as Image);
            await dynamodb.send(new PutItemCommand({ TableName: tableName, Item: marshall(item) }));
        }
        await s3.send(
            new PutObjectCommand({
                Bucket: bucket,
                Key: `${prefix}${record.eventID}.json`,
                Body: JSON.stringify(record),
                ContentType: "application/json",
            }),
        );
    }
};
