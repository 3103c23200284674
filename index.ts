import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { readConfig, type KeyAttribute } from "./config";
import { createStreamHandler } from "./handler";
import { archiveTableDdl } from "./athena";
import { RUNTIME_PROVIDED_PACKAGES } from "./handler/packaging";
import { RESERVED_ATTRIBUTES } from "./handler/projection-item";
import { SETTING_VARIABLES } from "./handler/settings";
import { handlerPolicyDocument, lambdaAssumeRolePolicy } from "./permissions";

// Config is read and validated once, before any resource exists.
const config = readConfig();
const baseName = "changefeed";

// Source and projection share one key schema, so a projection item has its source item's key.
const keyAttributes: KeyAttribute[] = [config.partitionKey, ...(config.sortKey ? [config.sortKey] : [])];
const keySchema = {
    hashKey: config.partitionKey.name,
    ...(config.sortKey ? { rangeKey: config.sortKey.name } : {}),
    attributes: keyAttributes.map((attribute) => ({ name: attribute.name, type: attribute.type })),
};

// The source table emits every change with both images, which the handler archives.
const sourceTable = new aws.dynamodb.Table(`${baseName}-source`, {
    ...keySchema,
    billingMode: "PAY_PER_REQUEST",
    streamEnabled: true,
    streamViewType: "NEW_AND_OLD_IMAGES",
});

// The projection holds the latest state of every source item; deleted items stay as tombstones
// (so a late replay cannot resurrect them) until TTL removes them.
const projectionTable = new aws.dynamodb.Table(`${baseName}-projection`, {
    ...keySchema,
    billingMode: "PAY_PER_REQUEST",
    ttl: { attributeName: RESERVED_ATTRIBUTES.expiresAt, enabled: true },
});

// Every batch becomes one gzip NDJSON object here.
const archiveBucket = new aws.s3.Bucket(`${baseName}-archive`, {});

// Batches that exhaust their retries or record age land here with their full payload (S3 keeps
// the records themselves, unlike SQS/SNS, so they can be redriven after the stream expires them).
const failureBucket = new aws.s3.Bucket(`${baseName}-failures`, {});

// An explicit log group, so retention is ours and the role can be scoped to it.
const logGroup = new aws.cloudwatch.LogGroup(`${baseName}-handler-logs`, {
    namePrefix: `/aws/lambda/${baseName}-handler-`,
    retentionInDays: config.logRetentionDays,
});

// A role of our own: without one, CallbackFunction would attach broad *FullAccess policies.
const handlerRole = new aws.iam.Role(`${baseName}-handler-role`, {
    assumeRolePolicy: JSON.stringify(lambdaAssumeRolePolicy()),
});
const handlerPolicy = new aws.iam.RolePolicy(`${baseName}-handler-policy`, {
    role: handlerRole.id,
    policy: pulumi
        .all([sourceTable.streamArn, projectionTable.arn, archiveBucket.arn, failureBucket.arn, logGroup.arn])
        .apply(([sourceStreamArn, projectionTableArn, archiveBucketArn, failureBucketArn, logGroupArn]) =>
            JSON.stringify(
                handlerPolicyDocument({
                    sourceStreamArn,
                    projectionTableArn,
                    archiveBucketArn,
                    archivePrefix: config.archivePrefix,
                    failureBucketArn,
                    logGroupArn,
                }),
            ),
        ),
});

// The handler's code is handler/, packaged from this closure with its dependencies.
const handlerFunction = new aws.lambda.CallbackFunction(
    `${baseName}-handler`,
    {
        callbackFactory: createStreamHandler,
        role: handlerRole,
        runtime: aws.lambda.Runtime.NodeJS22dX,
        architectures: ["arm64"],
        memorySize: config.memoryMb,
        timeout: config.timeoutSeconds,
        environment: {
            variables: {
                [SETTING_VARIABLES.projectionTable]: projectionTable.name,
                [SETTING_VARIABLES.archiveBucket]: archiveBucket.bucket,
                [SETTING_VARIABLES.archivePrefix]: config.archivePrefix,
                [SETTING_VARIABLES.writeConcurrency]: String(config.writeConcurrency),
                [SETTING_VARIABLES.tombstoneTtlSeconds]: String(config.tombstoneRetentionDays * 86_400),
                [SETTING_VARIABLES.ttlExpirations]: config.ttlExpirations,
            },
        },
        loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
        codePathOptions: { extraExcludePackages: [...RUNTIME_PROVIDED_PACKAGES] },
    },
    { dependsOn: [handlerPolicy] },
);

// The mapping: partial batch failures, bisect on error, bounded retries and age, then S3.
const eventSourceMapping = new aws.lambda.EventSourceMapping(
    `${baseName}-mapping`,
    {
        eventSourceArn: sourceTable.streamArn,
        functionName: handlerFunction.arn,
        startingPosition: config.startingPosition,
        batchSize: config.batchSize,
        maximumBatchingWindowInSeconds: config.batchingWindowSeconds,
        parallelizationFactor: config.parallelizationFactor,
        maximumRetryAttempts: config.maxRetryAttempts,
        maximumRecordAgeInSeconds: config.maxRecordAgeSeconds,
        bisectBatchOnFunctionError: true,
        functionResponseTypes: ["ReportBatchItemFailures"],
        destinationConfig: { onFailure: { destinationArn: failureBucket.arn } },
    },
    // The role must be able to read the stream before AWS accepts the mapping.
    { dependsOn: [handlerPolicy] },
);

export const sourceTableName = sourceTable.name;
export const sourceTableArn = sourceTable.arn;
export const sourceStreamArn = sourceTable.streamArn;
export const projectionTableName = projectionTable.name;
export const projectionTableArn = projectionTable.arn;
export const archiveBucketName = archiveBucket.bucket;
export const failureBucketName = failureBucket.bucket;
export const functionName = handlerFunction.name;
export const eventSourceMappingUuid = eventSourceMapping.uuid;
export const archiveAthenaDdl = archiveBucket.bucket.apply((bucket) =>
    archiveTableDdl({ bucket, prefix: config.archivePrefix, tableName: "changefeed_archive" }),
);
