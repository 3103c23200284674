import type { DynamoDBRecord } from "aws-lambda";

/** The principal DynamoDB's TTL process acts as when it deletes an expired item. */
export const TTL_PRINCIPAL = "dynamodb.amazonaws.com";

/** What the handler does with TTL expirations: delete from the projection too, or only archive. */
export const TTL_EXPIRATION_MODES = ["delete", "archiveOnly"] as const;
export type TtlExpirationMode = (typeof TTL_EXPIRATION_MODES)[number];

/** A REMOVE made by DynamoDB's TTL process rather than by an application. */
export function isTtlExpiration(record: DynamoDBRecord): boolean {
    return (
        record.eventName === "REMOVE" &&
        record.userIdentity?.type === "Service" &&
        record.userIdentity?.principalId === TTL_PRINCIPAL
    );
}
