import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { archiveTableDdl } from "../athena";
import { ExportBackfill } from "../backfill";
import { resolveChangeFeedArgs, type ChangeFeedArgs, type ChangeFeedConfig } from "../config";
import { SecureBucket, type BucketLifecycle } from "../secure-bucket";
import { withinNameLimits } from "../name-limits";
import type { SourceTableShape } from "../source-table";
import { feedAlarms, feedDashboard } from "./alarms";
import { streamHandler, streamMapping } from "./stream-handler";
import { feedProjections, feedSource, type FeedProjections } from "./tables";

export type { ChangeFeedArgs } from "../config";
export { keySchema } from "./tables";

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
        // Every child's physical name within AWS's limits, shortened or refused before AWS would.
        super(
            CHANGE_FEED_TYPE,
            name,
            {},
            {
                ...componentOptions,
                transformations: [
                    ...(componentOptions.transformations ?? []),
                    withinNameLimits({
                        what: `ChangeFeed "${name}" on stack "${pulumi.getStack()}"`,
                        fix:
                            `Give the feed a shorter name of lowercase letters, digits and hyphens: its resources ` +
                            `are named "${name}-…", and its dashboard "<name>-<stack>".`,
                    }),
                ],
            },
        );
        this.settings = settings;
        const child: pulumi.CustomResourceOptions = {
            parent: this,
            ...(movedFromStackRoot ? { aliases: [{ parent: pulumi.rootStackResource }] } : {}),
        };
        // Names the handler in its logs and metrics, so two feeds or stacks in one account stay apart.
        const serviceName = `${name}-${pulumi.getStack()}`;

        // The table the feed reads, and the tables that hold its items' latest state.
        const source = feedSource(name, settings, child);
        this.sourceTable = source.table;
        this.sourceTableName = source.shape.name;
        this.sourceTableArn = source.shape.arn;
        this.sourceStreamArn = source.shape.streamArn;

        const projections = feedProjections(name, settings, source, child);
        this.projectionTable = projections.table;
        this.routeTables = projections.routeTables;
        this.projectionTableNames = projections.tableNames;

        // Every batch becomes one gzip NDJSON object here; older objects move to a cheaper class.
        const archiveLifecycle = {
            transitionDays: settings.archiveTransitionDays,
            expirationDays: settings.archiveExpirationDays,
        };
        this.archiveBucket = feedBucket(`${name}-archive`, settings, archiveLifecycle, child);
        // Batches that exhaust their retries or record age land here with their full payload (S3
        // keeps the records themselves, unlike SQS/SNS, so they can be redriven after the stream
        // expires them).
        const failureLifecycle = { transitionDays: 0, expirationDays: settings.failureExpirationDays };
        this.failureBucket = feedBucket(`${name}-failures`, settings, failureLifecycle, child);

        // The handler applies each batch to the projections and the archive; the mapping feeds it the stream.
        const handler = streamHandler(
            name,
            settings,
            {
                sourceStreamArn: this.sourceStreamArn,
                sourceKmsKeyArn: source.shape.apply((shape) => shape.kmsKeyArn),
                projections,
                archiveBucket: this.archiveBucket,
                failureBucket: this.failureBucket,
                serviceName,
            },
            child,
        );
        this.logGroup = handler.logGroup;
        this.handlerRole = handler.role;
        this.handlerPolicy = handler.policy;
        this.handlerFunction = handler.function;
        this.eventSourceMapping = streamMapping(
            name,
            settings,
            { sourceStreamArn: this.sourceStreamArn, handler, failureBucket: this.failureBucket },
            child,
        );

        // Alarms and the dashboard watch the handler and the mapping.
        const monitored = {
            functionName: this.handlerFunction.name,
            mappingUuid: this.eventSourceMapping.uuid,
            serviceName,
        };
        const alarms = feedAlarms(name, settings, monitored, child);
        this.alarmTopic = alarms.topic;
        this.alarmSubscription = alarms.subscription;
        this.alarms = alarms.alarms;
        this.dashboard = feedDashboard(name, settings, monitored, child);

        this.archiveAthenaDdl = this.archiveBucket.name.apply((bucket) =>
            archiveTableDdl({ bucket, prefix: settings.archivePrefix, tableName: athenaTableName(name) }),
        );
        // A backfill reads point-in-time exports, so it comes with point-in-time recovery.
        this.backfill = settings.pointInTimeRecovery
            ? exportBackfill(name, settings, this, projections, source.shape)
            : undefined;

        this.registerOutputs(componentOutputs(this));
    }
}

/** A bucket of the feed: under the feed's KMS key, if any, and protected as its tables are. */
function feedBucket(
    name: string,
    settings: ChangeFeedConfig,
    lifecycle: Omit<BucketLifecycle, "noncurrentVersionExpirationDays">,
    opts: pulumi.CustomResourceOptions,
): SecureBucket {
    const { kmsKeyArn } = settings;
    return new SecureBucket(
        name,
        {
            ...(kmsKeyArn ? { kmsKeyArn } : {}),
            lifecycle: {
                ...lifecycle,
                noncurrentVersionExpirationDays: settings.noncurrentVersionExpirationDays,
            },
            deletionProtection: settings.deletionProtection,
        },
        opts,
    );
}

/**
 * Backfill at any table size: point-in-time exports, applied file by file by a Distributed Map. An
 * export needs point-in-time recovery, so the backfill comes with it (on an existing table the flag
 * is the feed's intent; npm run backfill checks the table's own).
 */
function exportBackfill(
    name: string,
    settings: ChangeFeedConfig,
    feed: ChangeFeed,
    projections: FeedProjections,
    source: pulumi.Output<SourceTableShape>,
): ExportBackfill {
    const { kmsKeyArn } = settings;
    return new ExportBackfill(
        `${name}-backfill`,
        {
            projectionTables: projections.all,
            archiveBucket: feed.archiveBucket,
            archivePrefix: settings.archivePrefix,
            handlerFunction: feed.handlerFunction,
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
        { parent: feed },
    );
}

/** What the component registers as its outputs: the stack's exports. */
function componentOutputs(feed: ChangeFeed): pulumi.Inputs {
    return {
        sourceTableName: feed.sourceTableName,
        sourceTableArn: feed.sourceTableArn,
        sourceStreamArn: feed.sourceStreamArn,
        projectionTableName: feed.projectionTable?.name,
        projectionTableNames: feed.projectionTableNames,
        archiveBucketName: feed.archiveBucket.name,
        failureBucketName: feed.failureBucket.name,
        functionName: feed.handlerFunction.name,
        eventSourceMappingUuid: feed.eventSourceMapping.uuid,
        alarmTopicArn: feed.alarmTopic.arn,
        dashboardName: feed.dashboard.dashboardName,
        archiveAthenaDdl: feed.archiveAthenaDdl,
        ...(feed.backfill
            ? {
                  backfillBucketName: feed.backfill.bucket.name,
                  backfillFunctionName: feed.backfill.function.name,
                  backfillStateMachineArn: feed.backfill.stateMachine.arn,
              }
            : {}),
    };
}

/** Athena table names allow letters, digits and underscores: `orders-eu` archives as `orders_eu_archive`. */
export function athenaTableName(feedName: string): string {
    return `${feedName.replace(/[^A-Za-z0-9_]/g, "_")}_archive`;
}
