import type { DynamoDBRecord } from "aws-lambda";

/** The principal DynamoDB's TTL process acts as when it deletes an expired item. */
export const TTL_PRINCIPAL = "dynamodb.amazonaws.com";

/** A REMOVE made by DynamoDB's TTL process rather than by an application. */
export function isTtlExpiration(record: DynamoDBRecord): boolean {
    return (
        record.eventName === "REMOVE" &&
        record.userIdentity?.type === "Service" &&
        record.userIdentity?.principalId === TTL_PRINCIPAL
    );
}
