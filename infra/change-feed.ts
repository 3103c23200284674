import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { StreamHandler } from "../handler";
import { bundledFactory, handlerBundle } from "./handler-bundle";
import { METRICS_NAMESPACE, RESERVED_ATTRIBUTES, SETTING_VARIABLES } from "../handler/contract";
import { archiveTableDdl } from "./athena";
import { ExportBackfill } from "./backfill";
import {
    ConfigError,
    resolveChangeFeedArgs,
    type ChangeFeedArgs,
    type ChangeFeedConfig,
    type KeyAttribute,
} from "./config";
import { handlerCodePathOptions } from "./handler-code-paths";
import { alarmDefinitions, dashboardBody, type AlarmThresholds } from "./monitoring";
import { handlerPolicyDocument, lambdaAssumeRolePolicy } from "./permissions";
import { routeFilterPatterns } from "./route-filter";
import { keySchemaProblems, toRouteDefinition } from "./routes";
import { SecureBucket } from "./secure-bucket";
import { readExistingSourceTable, type SourceTableShape } from "./source-table";

export type { ChangeFeedArgs } from "./config";

/** The type token of the component: `<package>:<module>:<Type>`. */
export const CHANGE_FEED_TYPE = "ddb-changefeed:index:ChangeFeed";

/** Options of a ChangeFeed beyond Pulumi's own. */
export type ChangeFeedOptions = pulumi.ComponentResourceOptions & {
    /**
     * Adopt resources that an earlier version of this program declared at the stack's root under
     * the same logical names (through `aliases`), so that stacks deployed before the component
     * existed keep every resource instead of replacing it. Only this repository's own program
     * needs it.
     */
    readonly movedFromStackRoot?: boolean;
};

/**
 * A change feed on a DynamoDB table: its stream drives a Lambda function (the code in `handler/`)
 * that keeps a projection table with the latest state of every item and archives every change to
 * S3, through an event source mapping that reports partial batch failures, bisects failing
 * batches, bounds retries and record age, and sends what still fails to an S3 failure
 * destination. With `sourceTableName` it attaches to an existing table (never modifying it);
 * without, it creates the source table. With `routes`, each entity of a single-table design gets
 * a projection table of its own, holding the items that currently match its route.
 *
 * @example
 * const orders = new ChangeFeed("orders", { sourceTableName: "orders-prod", batchSize: 500 });
 * export const ordersProjection = orders.projectionTable?.name;
 */
export class ChangeFeed extends pulumi.ComponentResource {
    /** The validated settings, defaults applied. */
    public readonly settings: ChangeFeedConfig;
    /** The source table when this feed created it; undefined when it attached to an existing one. */
    public readonly sourceTable: aws.dynamodb.Table | undefined;
    public readonly sourceTableName: pulumi.Output<string>;
    public readonly sourceTableArn: pulumi.Output<string>;
    public readonly sourceStreamArn: pulumi.Output<string>;
    /** The projection of every item; undefined with `routes`, where each route has its own. */
    public readonly projectionTable: aws.dynamodb.Table | undefined;
    /** With `routes`: each route's projection table, by route name; empty without. */
    public readonly routeTables: Readonly<Record<string, aws.dynamodb.Table>>;
    /** With `routes`: each route's projection table name, by route name; undefined without. */
    public readonly projectionTableNames: pulumi.Output<Record<string, string>> | undefined;
    public readonly archiveBucket: SecureBucket;
    public readonly failureBucket: SecureBucket;
    public readonly logGroup: aws.cloudwatch.LogGroup;
    public readonly handlerRole: aws.iam.Role;
    public readonly handlerPolicy: aws.iam.RolePolicy;
    public readonly handlerFunction: aws.lambda.CallbackFunction<unknown, unknown>;
    public readonly eventSourceMapping: aws.lambda.EventSourceMapping;
    public readonly alarmTopic: aws.sns.Topic;
    public readonly alarmSubscription: aws.sns.TopicSubscription | undefined;
    public readonly alarms: readonly aws.cloudwatch.MetricAlarm[];
    public readonly dashboard: aws.cloudwatch.Dashboard;
    /** `CREATE EXTERNAL TABLE` for Athena over the archive. */
    public readonly archiveAthenaDdl: pulumi.Output<string>;
    /** The backfill from point-in-time exports; undefined when `pointInTimeRecovery` is off. */
    public readonly backfill: ExportBackfill | undefined;

    /**
     * @param name - names every child (`<name>-source`, `<name>-projection`, ...), so two feeds in
     *   one program never collide
     * @throws {ConfigError} naming each invalid argument and what is allowed, before anything is declared
     */
    public constructor(name: string, args: ChangeFeedArgs, opts: ChangeFeedOptions = {}) {
        // Before super(), so that invalid arguments declare nothing.
        const settings = resolveChangeFeedArgs(name, args, aws.config.region);
        const { movedFromStackRoot, ...componentOptions } = opts;
        super(CHANGE_FEED_TYPE, name, {}, componentOptions);
        this.settings = settings;
        const child: pulumi.CustomResourceOptions = {
            parent: this,
            ...(movedFromStackRoot ? { aliases: [{ parent: pulumi.rootStackResource }] } : {}),
        };
        const { kmsKeyArn } = settings;
        // Names the handler in its logs and metrics, so two feeds or stacks in one account stay apart.
        const serviceName = `${name}-${pulumi.getStack()}`;

        // Both tables the feed creates: KMS encryption (the given key, else aws/dynamodb),
        // point-in-time recovery and, where asked, deletion protection.
        const tableSafety = {
            serverSideEncryption: { enabled: true, ...(kmsKeyArn ? { kmsKeyArn } : {}) },
            pointInTimeRecovery: { enabled: settings.pointInTimeRecovery },
            deletionProtectionEnabled: settings.deletionProtection,
        };

        // The source: an existing table, read and checked (never modified), or one of our own that
        // emits every change with both images, which the handler archives.
        let source: pulumi.Output<SourceTableShape>;
        let createdKeySchema: ReturnType<typeof keySchema> | undefined;
        if (settings.sourceTableName !== undefined) {
            this.sourceTable = undefined;
            source = readExistingSourceTable(settings.sourceTableName, settings.region, { parent: this });
        } else {
            const partitionKey = settings.partitionKey ?? { name: "id", type: "S" };
            createdKeySchema = keySchema(partitionKey, settings.sortKey);
            this.sourceTable = new aws.dynamodb.Table(
                `${name}-source`,
                {
                    ...createdKeySchema,
                    billingMode: "PAY_PER_REQUEST",
                    streamEnabled: true,
                    streamViewType: "NEW_AND_OLD_IMAGES",
                    ...tableSafety,
                },
                child,
            );
            source = pulumi
                .all([this.sourceTable.name, this.sourceTable.arn, this.sourceTable.streamArn])
                .apply(([tableName, arn, streamArn]) => ({
                    name: tableName,
                    arn,
                    streamArn,
                    partitionKey,
                    ...(settings.sortKey ? { sortKey: settings.sortKey } : {}),
                }));
        }
        // Routes and archive exclusions name key attributes; an existing table's are known only now.
        if (
            settings.sourceTableName !== undefined &&
            (settings.routes || settings.archiveExcludeAttributes.length > 0)
        ) {
            source = source.apply((shape) => {
                const keys = [shape.partitionKey, ...(shape.sortKey ? [shape.sortKey] : [])];
                const problems = keySchemaProblems(
                    settings.routes,
                    settings.archiveExcludeAttributes,
                    keys,
                    (key) => `\`${key}\``,
                    `table "${shape.name}"`,
                );
                if (problems.length > 0) throw new ConfigError(problems, `ChangeFeed "${name}" config`);
                return shape;
            });
        }
        this.sourceTableName = source.name;
        this.sourceTableArn = source.arn;
        this.sourceStreamArn = source.streamArn;

        // The projection holds the latest state of every source item (with routes, each route's
        // holds the items that match it), under the source's key schema; deleted items stay as
        // tombstones (so a late replay cannot resurrect them) until TTL removes them.
        // A created source's key schema is known now, so a preview shows it rather than unknowns.
        const projectionKeys = createdKeySchema ?? {
            hashKey: source.partitionKey.name,
            rangeKey: source.apply((shape) => shape.sortKey?.name) as pulumi.Output<string>,
            attributes: source.apply((shape) => keySchema(shape.partitionKey, shape.sortKey).attributes),
        };
        const projectionArgs: aws.dynamodb.TableArgs = {
            ...projectionKeys,
            billingMode: "PAY_PER_REQUEST",
            ttl: { attributeName: RESERVED_ATTRIBUTES.expiresAt, enabled: true },
            ...tableSafety,
        };
        const routes = settings.routes;
        this.projectionTable = routes
            ? undefined
            : new aws.dynamodb.Table(`${name}-projection`, projectionArgs, child);
        this.routeTables = Object.fromEntries(
            (routes ?? []).map((route) => [
                route.name,
                new aws.dynamodb.Table(`${name}-${route.name}-projection`, projectionArgs, child),
            ]),
        );
        const projectionTables = this.projectionTable
            ? [this.projectionTable]
            : Object.values(this.routeTables);
        this.projectionTableNames = routes
            ? pulumi.all(
                  Object.fromEntries(
                      Object.entries(this.routeTables).map(([route, table]) => [route, table.name]),
                  ),
              )
            : undefined;

        // Every batch becomes one gzip NDJSON object here; older objects move to a cheaper class.
        this.archiveBucket = new SecureBucket(
            `${name}-archive`,
            {
                ...(kmsKeyArn ? { kmsKeyArn } : {}),
                lifecycle: {
                    transitionDays: settings.archiveTransitionDays,
                    expirationDays: settings.archiveExpirationDays,
                    noncurrentVersionExpirationDays: settings.noncurrentVersionExpirationDays,
                },
                deletionProtection: settings.deletionProtection,
            },
            child,
        );

        // Batches that exhaust their retries or record age land here with their full payload (S3
        // keeps the records themselves, unlike SQS/SNS, so they can be redriven after the stream
        // expires them).
        this.failureBucket = new SecureBucket(
            `${name}-failures`,
            {
                ...(kmsKeyArn ? { kmsKeyArn } : {}),
                lifecycle: {
                    transitionDays: 0,
                    expirationDays: settings.failureExpirationDays,
                    noncurrentVersionExpirationDays: settings.noncurrentVersionExpirationDays,
                },
                deletionProtection: settings.deletionProtection,
            },
            child,
        );

        // An explicit log group, so retention and encryption are ours and the role can be scoped to it.
        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-handler-logs`,
            {
                namePrefix: `/aws/lambda/${name}-handler-`,
                retentionInDays: settings.logRetentionDays,
                ...(kmsKeyArn ? { kmsKeyId: kmsKeyArn } : {}),
            },
            child,
        );

        // A role of our own: without one, CallbackFunction would attach broad *FullAccess policies.
        this.handlerRole = new aws.iam.Role(
            `${name}-handler-role`,
            { assumeRolePolicy: JSON.stringify(lambdaAssumeRolePolicy()) },
            child,
        );
        this.handlerPolicy = new aws.iam.RolePolicy(
            `${name}-handler-policy`,
            {
                role: this.handlerRole.id,
                policy: pulumi
                    .all([
                        source.streamArn,
                        pulumi.all(projectionTables.map((table) => table.arn)),
                        this.archiveBucket.arn,
                        this.failureBucket.arn,
                        this.logGroup.arn,
                    ])
                    .apply(
                        ([
                            sourceStreamArn,
                            projectionTableArns,
                            archiveBucketArn,
                            failureBucketArn,
                            logGroupArn,
                        ]) =>
                            JSON.stringify(
                                handlerPolicyDocument({
                                    sourceStreamArn,
                                    projectionTableArns,
                                    archiveBucketArn,
                                    archivePrefix: settings.archivePrefix,
                                    failureBucketArn,
                                    logGroupArn,
                                    ...(kmsKeyArn ? { kmsKeyArn } : {}),
                                }),
                            ),
                    ),
            },
            child,
        );

        // The handler's code is handler/, bundled and loaded once per container (handler-bundle.ts).
        this.handlerFunction = new aws.lambda.CallbackFunction(
            `${name}-handler`,
            {
                callbackFactory: bundledFactory<StreamHandler>(handlerBundle(), "createStreamHandler"),
                role: this.handlerRole,
                runtime: aws.lambda.Runtime.NodeJS22dX,
                architectures: ["arm64"],
                memorySize: settings.memoryMb,
                timeout: settings.timeoutSeconds,
                ...(settings.reservedConcurrency !== undefined
                    ? { reservedConcurrentExecutions: settings.reservedConcurrency }
                    : {}),
                environment: {
                    variables: {
                        // Without routes, the one projection; with routes, each route names its table.
                        ...(this.projectionTable
                            ? { [SETTING_VARIABLES.projectionTable]: this.projectionTable.name }
                            : {}),
                        ...(routes && this.projectionTableNames
                            ? {
                                  [SETTING_VARIABLES.routes]: this.projectionTableNames.apply((tables) =>
                                      JSON.stringify(
                                          routes.map((route) => ({
                                              ...toRouteDefinition(route),
                                              table: tables[route.name],
                                          })),
                                      ),
                                  ),
                              }
                            : {}),
                        ...(settings.archiveScope !== "all"
                            ? { [SETTING_VARIABLES.archiveScope]: settings.archiveScope }
                            : {}),
                        ...(settings.archiveExcludeAttributes.length > 0
                            ? {
                                  [SETTING_VARIABLES.archiveExcludeAttributes]: JSON.stringify(
                                      settings.archiveExcludeAttributes,
                                  ),
                              }
                            : {}),
                        [SETTING_VARIABLES.archiveBucket]: this.archiveBucket.name,
                        [SETTING_VARIABLES.archivePrefix]: settings.archivePrefix,
                        [SETTING_VARIABLES.writeConcurrency]: String(settings.writeConcurrency),
                        [SETTING_VARIABLES.tombstoneTtlSeconds]: String(
                            settings.tombstoneRetentionDays * 86_400,
                        ),
                        [SETTING_VARIABLES.ttlExpirations]: settings.ttlExpirations,
                        [SETTING_VARIABLES.serviceName]: serviceName,
                        [SETTING_VARIABLES.metricsNamespace]: METRICS_NAMESPACE,
                    },
                },
                loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name },
                codePathOptions: handlerCodePathOptions(),
            },
            { ...child, dependsOn: [this.handlerPolicy] },
        );

        // With routes and a routed archive, records no route needs (by their new or old image) are
        // dropped by the mapping and never invoke the function. The filter updates in place.
        const filterPatterns =
            routes && settings.archiveScope === "routed"
                ? routeFilterPatterns(routes.map(toRouteDefinition))
                : undefined;

        // The mapping: partial batch failures, bisect on error, bounded retries and age, then S3.
        this.eventSourceMapping = new aws.lambda.EventSourceMapping(
            `${name}-mapping`,
            {
                eventSourceArn: source.streamArn,
                functionName: this.handlerFunction.arn,
                startingPosition: settings.startingPosition,
                batchSize: settings.batchSize,
                maximumBatchingWindowInSeconds: settings.batchingWindowSeconds,
                parallelizationFactor: settings.parallelizationFactor,
                maximumRetryAttempts: settings.maxRetryAttempts,
                maximumRecordAgeInSeconds: settings.maxRecordAgeSeconds,
                bisectBatchOnFunctionError: true,
                functionResponseTypes: ["ReportBatchItemFailures"],
                destinationConfig: { onFailure: { destinationArn: this.failureBucket.arn } },
                // Per-mapping event counts, among them the records sent to the failure destination.
                metricsConfig: { metrics: ["EventCount"] },
                ...(filterPatterns
                    ? {
                          filterCriteria: {
                              filters: filterPatterns.map((pattern) => ({
                                  pattern: JSON.stringify(pattern),
                              })),
                          },
                      }
                    : {}),
            },
            // The role must be able to read the stream before AWS accepts the mapping.
            { ...child, dependsOn: [this.handlerPolicy] },
        );

        // Alarms go to one topic (encrypted with the given key, if any: CloudWatch cannot publish
        // to a topic under the AWS-managed SNS key), and to the on-call's email when one is named.
        this.alarmTopic = new aws.sns.Topic(
            `${name}-alarms`,
            kmsKeyArn ? { kmsMasterKeyId: kmsKeyArn } : {},
            child,
        );
        this.alarmSubscription = settings.alarmEmail
            ? new aws.sns.TopicSubscription(
                  `${name}-alarm-email`,
                  { topic: this.alarmTopic.arn, protocol: "email", endpoint: settings.alarmEmail },
                  child,
              )
            : undefined;

        // The alarms: falling behind, unexpectedly failing or throttled invocations, and records leaving the feed.
        const thresholds: AlarmThresholds = {
            iteratorAgeSeconds: settings.iteratorAgeAlarmSeconds,
            errors: settings.errorsAlarmThreshold,
            throttles: settings.throttlesAlarmThreshold,
        };
        this.alarms = alarmDefinitions(thresholds, {
            functionName: this.handlerFunction.name,
            mappingUuid: this.eventSourceMapping.uuid,
            serviceName,
        }).map(
            (alarm) =>
                new aws.cloudwatch.MetricAlarm(
                    `${name}-${alarm.id}-alarm`,
                    {
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
                        alarmActions: [this.alarmTopic.arn],
                        okActions: [this.alarmTopic.arn],
                    },
                    child,
                ),
        );

        // One dashboard with the alarms' metrics and the handler's own.
        this.dashboard = new aws.cloudwatch.Dashboard(
            `${name}-dashboard`,
            {
                dashboardName: serviceName,
                dashboardBody: pulumi
                    .all([this.handlerFunction.name, this.eventSourceMapping.uuid])
                    .apply(([functionName, mappingUuid]) =>
                        dashboardBody({
                            functionName,
                            mappingUuid,
                            region: settings.region,
                            serviceName,
                            thresholds,
                            ...(routes ? { routes: routes.map((route) => route.name) } : {}),
                        }),
                    ),
            },
            child,
        );

        this.archiveAthenaDdl = this.archiveBucket.name.apply((bucket) =>
            archiveTableDdl({ bucket, prefix: settings.archivePrefix, tableName: athenaTableName(name) }),
        );

        // Backfill at any table size: point-in-time exports, applied file by file by a Distributed
        // Map. An export needs point-in-time recovery, so the backfill comes with it (on an
        // existing table the flag is the feed's intent; npm run backfill checks the table's own).
        this.backfill = settings.pointInTimeRecovery
            ? new ExportBackfill(
                  `${name}-backfill`,
                  {
                      projectionTables,
                      archiveBucket: this.archiveBucket,
                      archivePrefix: settings.archivePrefix,
                      handlerFunction: this.handlerFunction,
                      keyAttributes: source.apply((shape) => [
                          shape.partitionKey.name,
                          ...(shape.sortKey ? [shape.sortKey.name] : []),
                      ]),
                      memoryMb: settings.memoryMb,
                      logRetentionDays: settings.logRetentionDays,
                      maxConcurrency: settings.backfillMaxConcurrency,
                      toleratedFailurePercentage: settings.backfillToleratedFailurePercentage,
                      exportExpirationDays: settings.exportExpirationDays,
                      noncurrentVersionExpirationDays: settings.noncurrentVersionExpirationDays,
                      deletionProtection: settings.deletionProtection,
                      ...(kmsKeyArn ? { kmsKeyArn } : {}),
                  },
                  { parent: this },
              )
            : undefined;

        this.registerOutputs({
            sourceTableName: this.sourceTableName,
            sourceTableArn: this.sourceTableArn,
            sourceStreamArn: this.sourceStreamArn,
            projectionTableName: this.projectionTable?.name,
            projectionTableNames: this.projectionTableNames,
            archiveBucketName: this.archiveBucket.name,
            failureBucketName: this.failureBucket.name,
            functionName: this.handlerFunction.name,
            eventSourceMappingUuid: this.eventSourceMapping.uuid,
            alarmTopicArn: this.alarmTopic.arn,
            dashboardName: this.dashboard.dashboardName,
            archiveAthenaDdl: this.archiveAthenaDdl,
            ...(this.backfill
                ? {
                      backfillBucketName: this.backfill.bucket.name,
                      backfillFunctionName: this.backfill.function.name,
                      backfillStateMachineArn: this.backfill.stateMachine.arn,
                  }
                : {}),
        });
    }
}

/** A table's key schema: the partition key, an optional sort key and their attribute definitions. */
export function keySchema(
    partitionKey: KeyAttribute,
    sortKey: KeyAttribute | undefined,
): { hashKey: string; rangeKey?: string; attributes: { name: string; type: string }[] } {
    return {
        hashKey: partitionKey.name,
        ...(sortKey ? { rangeKey: sortKey.name } : {}),
        attributes: [partitionKey, ...(sortKey ? [sortKey] : [])].map(({ name, type }) => ({ name, type })),
    };
}

/** Athena table names allow letters, digits and underscores: `orders-eu` archives as `orders_eu_archive`. */
export function athenaTableName(feedName: string): string {
    return `${feedName.replace(/[^A-Za-z0-9_]/g, "_")}_archive`;
}
