import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";

/**
 * Every table is encrypted with a KMS key: the stack's customer-managed key or the AWS-managed
 * aws/dynamodb key, both auditable in CloudTrail (the default AWS-owned key is not).
 */
export const dynamodbEncryptionAtRest: ResourceValidationPolicy = {
    name: "dynamodb-encryption-at-rest",
    description:
        "DynamoDB tables use KMS encryption at rest (serverSideEncryption.enabled: a customer-managed key or aws/dynamodb).",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(aws.dynamodb.Table, (table, _args, reportViolation) => {
        if (table.serverSideEncryption?.enabled !== true) {
            reportViolation(
                `serverSideEncryption.enabled is ${String(table.serverSideEncryption?.enabled)}; it must be true.`,
            );
        }
    }),
};
