import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";

const STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-11-27T00:00:00.000";
let nextSequence = 1000n;

export type RecordOverrides = {
    readonly eventName?: string;
    readonly keys?: Record<string, AttributeValue>;
    readonly newImage?: Record<string, AttributeValue>;
    readonly oldImage?: Record<string, AttributeValue>;
    readonly sequenceNumber?: string;
    readonly createdAt?: Date;
};

/**
 * A realistic DynamoDB Streams record as Lambda delivers it, with its own increasing 21-digit
 * sequence number. INSERT by default; REMOVE records carry only an old image.
 */
export function dynamodbRecordFactory(overrides: RecordOverrides = {}): DynamoDBRecord {
    const eventName = overrides.eventName ?? "INSERT";
    const keys = overrides.keys ?? { id: { S: `item-${nextSequence}` } };
    const sequenceNumber = overrides.sequenceNumber ?? String(nextSequence++).padStart(21, "0");
    const newImage =
        overrides.newImage ?? (eventName === "REMOVE" ? undefined : { ...keys, status: { S: "new" } });
    const oldImage =
        overrides.oldImage ?? (eventName === "INSERT" ? undefined : { ...keys, status: { S: "old" } });
    const createdAt = overrides.createdAt ?? new Date("2026-11-27T13:45:00Z");
    return {
        eventID: `event-${sequenceNumber}`,
        eventName: eventName as DynamoDBRecord["eventName"],
        eventVersion: "1.1",
        eventSource: "aws:dynamodb",
        awsRegion: "us-east-1",
        eventSourceARN: STREAM_ARN,
        dynamodb: {
            ApproximateCreationDateTime: createdAt.getTime() / 1000,
            Keys: keys,
            ...(newImage ? { NewImage: newImage } : {}),
            ...(oldImage ? { OldImage: oldImage } : {}),
            SequenceNumber: sequenceNumber,
            SizeBytes: 100,
            StreamViewType: "NEW_AND_OLD_IMAGES",
        },
    };
}

export function streamEvent(...records: DynamoDBRecord[]): DynamoDBStreamEvent {
    return { Records: records };
}

/** A REMOVE made by DynamoDB's TTL process, as AWS delivers it. */
export function ttlExpiryRecordFactory(overrides: RecordOverrides = {}): DynamoDBRecord {
    return {
        ...dynamodbRecordFactory({ ...overrides, eventName: "REMOVE" }),
        userIdentity: { type: "Service", principalId: "dynamodb.amazonaws.com" },
    };
}
