import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { readConfig, type KeyAttribute } from "./config";
import { createStreamHandler } from "./handler";
import { archiveTableDdl } from "./athena";
import { METRICS_NAMESPACE } from "./handler/batch-metrics";
import { RUNTIME_PROVIDED_PACKAGES } from "./handler/packaging";
import { RESERVED_ATTRIBUTES } from "./handler/projection-item";
import { SETTING_VARIABLES } from "./handler/settings";
import { alarmDefinitions, dashboardBody, type AlarmThresholds } from "./monitoring";
import { handlerPolicyDocument, lambdaAssumeRolePolicy } from "./permissions";
import { SecureBucket } from "./secure-bucket";

// Config is read and validated once, before any resource exists.
const config = readConfig();
const baseName = "changefeed";
// Names the handler in its logs and metrics, so two stacks in one account stay apart.
const serviceName = `${baseName}-${pulumi.getStack()}`;
const kmsKeyArn = config.kmsKeyArn;

// Source and projection share one key schema, so a projection item has its source item's key.
const keyAttributes: KeyAttribute[] = [config.partitionKey, ...(config.sortKey ? [config.sortKey] : [])];
const keySchema = {
    hashKey: config.partitionKey.name,
    ...(config.sortKey ? { rangeKey: config.sortKey.name } : {}),
    attributes: keyAttributes.map((attribute) => ({ name: attribute.name, type: attribute.type })),
};

// Both tables: KMS encryption (the stack's key, else aws/dynamodb), point-in-time recovery and,
// where the stack says so, deletion protection.
const tableSafety = {
    serverSideEncryption: { enabled: true, ...(kmsKeyArn ? { kmsKeyArn } : {}) },
    pointInTimeRecovery: { enabled: config.pointInTimeRecovery },
    deletionProtectionEnabled: config.deletionProtection,
};

// The source table emits every change with both images, which the handler archives.
const sourceTable = new aws.dynamodb.Table(`${baseName}-source`, {
    ...keySchema,
    billingMode: "PAY_PER_REQUEST",
    streamEnabled: true,
    streamViewType: "NEW_AND_OLD_IMAGES",
    ...tableSafety,
});

// The projection holds the latest state of every source item; deleted items stay as tombstones
// (so a late replay cannot resurrect them) until TTL removes them.
const projectionTable = new aws.dynamodb.Table(`${baseName}-projection`, {
    ...keySchema,
    billingMode: "PAY_PER_REQUEST",
    ttl: { attributeName: RESERVED_ATTRIBUTES.expiresAt, enabled: true },
    ...tableSafety,
});

// Every batch becomes one gzip NDJSON object here; older objects move to a cheaper class.
const archiveBucket = new SecureBucket(`${baseName}-archive`, {
    ...(kmsKeyArn ? { kmsKeyArn } : {}),
    lifecycle: {
        transitionDays: config.archiveTransitionDays,
        expirationDays: config.archiveExpirationDays,
        noncurrentVersionExpirationDays: config.noncurrentVersionExpirationDays,
    },
    deletionProtection: config.deletionProtection,
});

// Batches that exhaust their retries or record age land here with their full payload (S3 keeps
// the records themselves, unlike SQS/SNS, so they can be redriven after the stream expires them).
const failureBucket = new SecureBucket(`${baseName}-failures`, {
    ...(kmsKeyArn ? { kmsKeyArn } : {}),
    lifecycle: {
        transitionDays: 0,
        expirationDays: config.failureExpirationDays,
        noncurrentVersionExpirationDays: config.noncurrentVersionExpirationDays,
    },
    deletionProtection: config.deletionProtection,
});

// An explicit log group, so retention and encryption are ours and the role can be scoped to it.
const logGroup = new aws.cloudwatch.LogGroup(`${baseName}-handler-logs`, {
    namePrefix: `/aws/lambda/${baseName}-handler-`,
    retentionInDays: config.logRetentionDays,
    ...(kmsKeyArn ? { kmsKeyId: kmsKeyArn } : {}),
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
                    ...(kmsKeyArn ? { kmsKeyArn } : {}),
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
        ...(config.reservedConcurrency !== undefined
            ? { reservedConcurrentExecutions: config.reservedConcurrency }
            : {}),
        environment: {
            variables: {
                [SETTING_VARIABLES.projectionTable]: projectionTable.name,
                [SETTING_VARIABLES.archiveBucket]: archiveBucket.name,
                [SETTING_VARIABLES.archivePrefix]: config.archivePrefix,
                [SETTING_VARIABLES.writeConcurrency]: String(config.writeConcurrency),
                [SETTING_VARIABLES.tombstoneTtlSeconds]: String(config.tombstoneRetentionDays * 86_400),
                [SETTING_VARIABLES.ttlExpirations]: config.ttlExpirations,
                [SETTING_VARIABLES.serviceName]: serviceName,
                [SETTING_VARIABLES.metricsNamespace]: METRICS_NAMESPACE,
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
        // Per-mapping event counts, among them the records sent to the failure destination.
        metricsConfig: { metrics: ["EventCount"] },
    },
    // The role must be able to read the stream before AWS accepts the mapping.
    { dependsOn: [handlerPolicy] },
);

// Alarms go to one topic (encrypted with the stack's key, if any: CloudWatch cannot publish to a
// topic under the AWS-managed SNS key), and to the on-call's email when the stack names one.
const alarmTopic = new aws.sns.Topic(`${baseName}-alarms`, kmsKeyArn ? { kmsMasterKeyId: kmsKeyArn } : {});
if (config.alarmEmail) {
    new aws.sns.TopicSubscription(`${baseName}-alarm-email`, {
        topic: alarmTopic.arn,
        protocol: "email",
        endpoint: config.alarmEmail,
    });
}

// The alarms: falling behind, unexpectedly failing or throttled invocations, and records leaving the feed.
const thresholds: AlarmThresholds = {
    iteratorAgeSeconds: config.iteratorAgeAlarmSeconds,
    errors: config.errorsAlarmThreshold,
    throttles: config.throttlesAlarmThreshold,
};
for (const alarm of alarmDefinitions(thresholds, {
    functionName: handlerFunction.name,
    mappingUuid: eventSourceMapping.uuid,
    serviceName,
})) {
    new aws.cloudwatch.MetricAlarm(`${baseName}-${alarm.id}-alarm`, {
        alarmDescription: alarm.description,
        namespace: alarm.namespace,
        metricName: alarm.metricName,
        dimensions: alarm.dimensions,
        statistic: alarm.statistic,
        period: alarm.period,
        evaluationPeriods: alarm.evaluationPeriods,
        datapointsToAlarm: alarm.datapointsToAlarm,
        threshold: alarm.threshold,
        comparisonOperator: alarm.comparisonOperator,
        treatMissingData: "notBreaching",
        alarmActions: [alarmTopic.arn],
        okActions: [alarmTopic.arn],
    });
}

// One dashboard with the alarms' metrics and the handler's own.
const dashboard = new aws.cloudwatch.Dashboard(`${baseName}-dashboard`, {
    dashboardName: serviceName,
    dashboardBody: pulumi
        .all([handlerFunction.name, eventSourceMapping.uuid])
        .apply(([functionName, mappingUuid]) =>
            dashboardBody({ functionName, mappingUuid, region: config.region, serviceName, thresholds }),
        ),
});

export const sourceTableName = sourceTable.name;
export const sourceTableArn = sourceTable.arn;
export const sourceStreamArn = sourceTable.streamArn;
export const projectionTableName = projectionTable.name;
export const projectionTableArn = projectionTable.arn;
export const archiveBucketName = archiveBucket.name;
export const failureBucketName = failureBucket.name;
export const functionName = handlerFunction.name;
export const eventSourceMappingUuid = eventSourceMapping.uuid;
export const alarmTopicArn = alarmTopic.arn;
export const dashboardName = dashboard.dashboardName;
export const archiveAthenaDdl = archiveBucket.name.apply((bucket) =>
    archiveTableDdl({ bucket, prefix: config.archivePrefix, tableName: "changefeed_archive" }),
);
