import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { archiveTableDdl } from "../athena";
import { ExportBackfill } from "../backfill";
import { resolveChangeFeedArgs, type ChangeFeedArgs, type ChangeFeedConfig } from "../config";
import { SecureBucket, type BucketLifecycle } from "../secure-bucket";
import { withinNameLimits } from "../name-limits";
import type { SourceTableShape } from "../source-table";
import { feedAlarms, feedDashboard, type FeedAlarms } from "./alarms";
import type { BundledFunction } from "../bundled-function";
import { streamHandler, streamMapping } from "./stream-handler";
import { feedProjections, feedSource, type FeedProjections, type FeedSource } from "./tables";

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
    // The class's own properties are the package schema's outputs (Pulumi's analyzer reads them):
    // names and ARNs every language can hold. The resources themselves are TypeScript's getters below.

    /** The source table's name. */
    public readonly sourceTableName: pulumi.Output<string>;
    /** The source table's ARN. */
    public readonly sourceTableArn: pulumi.Output<string>;
    /** The source table's stream ARN, which the event source mapping reads. */
    public readonly sourceStreamArn: pulumi.Output<string>;
    /** The projection table's name; absent with routes, where each route has its own. */
    public readonly projectionTableName: pulumi.Output<string> | undefined;
    /** With routes: each route's projection table name, by route name; absent without. */
    public readonly projectionTableNames: pulumi.Output<Record<string, string>> | undefined;
    /** The archive bucket's name: one gzip NDJSON object per batch. */
    public readonly archiveBucketName: pulumi.Output<string>;
    /** The failure destination's name: batches that exhausted their retries, with their records. */
    public readonly failureBucketName: pulumi.Output<string>;
    /** The stream handler function's name. */
    public readonly functionName: pulumi.Output<string>;
    /** The event source mapping's UUID. */
    public readonly eventSourceMappingUuid: pulumi.Output<string>;
    /** The alarm topic's ARN. */
    public readonly alarmTopicArn: pulumi.Output<string>;
    /** The CloudWatch dashboard's name. */
    public readonly dashboardName: pulumi.Output<string>;
    /** `CREATE EXTERNAL TABLE` for Athena over the archive. */
    public readonly archiveAthenaDdl: pulumi.Output<string>;
    /** The backfill bucket's name; absent without pointInTimeRecovery. */
    public readonly backfillBucketName: pulumi.Output<string> | undefined;
    /** The backfill function's name; absent without pointInTimeRecovery. */
    public readonly backfillFunctionName: pulumi.Output<string> | undefined;
    /** The backfill state machine's ARN; absent without pointInTimeRecovery. */
    public readonly backfillStateMachineArn: pulumi.Output<string> | undefined;

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
        const child: pulumi.CustomResourceOptions = {
            parent: this,
            ...(movedFromStackRoot ? { aliases: [{ parent: pulumi.rootStackResource }] } : {}),
        };
        const resources = declareFeed(this, name, settings, child);
        DECLARED.set(this, resources);

        this.sourceTableName = resources.source.shape.name;
        this.sourceTableArn = resources.source.shape.arn;
        this.sourceStreamArn = resources.source.shape.streamArn;
        this.projectionTableName = resources.projections.table?.name;
        this.projectionTableNames = resources.projections.tableNames;
        this.archiveBucketName = resources.archiveBucket.name;
        this.failureBucketName = resources.failureBucket.name;
        this.functionName = resources.handler.function.name;
        this.eventSourceMappingUuid = resources.eventSourceMapping.uuid;
        this.alarmTopicArn = resources.alarms.topic.arn;
        this.dashboardName = resources.dashboard.dashboardName;
        this.archiveAthenaDdl = resources.archiveAthenaDdl;
        this.backfillBucketName = resources.backfill?.bucket.name;
        this.backfillFunctionName = resources.backfill?.function.name;
        this.backfillStateMachineArn = resources.backfill?.stateMachine.arn;

        this.registerOutputs(componentOutputs(this));
    }

    /** The validated settings, defaults applied. */
    public get settings(): ChangeFeedConfig {
        return declared(this).settings;
    }
    /** The source table when this feed created it; undefined when it attached to an existing one. */
    public get sourceTable(): aws.dynamodb.Table | undefined {
        return declared(this).source.table;
    }
    /** The projection of every item; undefined with `routes`, where each route has its own. */
    public get projectionTable(): aws.dynamodb.Table | undefined {
        return declared(this).projections.table;
    }
    /** With `routes`: each route's projection table, by route name; empty without. */
    public get routeTables(): Readonly<Record<string, aws.dynamodb.Table>> {
        return declared(this).projections.routeTables;
    }
    public get archiveBucket(): SecureBucket {
        return declared(this).archiveBucket;
    }
    public get failureBucket(): SecureBucket {
        return declared(this).failureBucket;
    }
    public get logGroup(): aws.cloudwatch.LogGroup {
        return declared(this).handler.logGroup;
    }
    public get handlerRole(): aws.iam.Role {
        return declared(this).handler.role;
    }
    public get handlerPolicy(): aws.iam.RolePolicy {
        return declared(this).handler.policy;
    }
    public get handlerFunction(): aws.lambda.CallbackFunction<unknown, unknown> {
        return declared(this).handler.function;
    }
    public get eventSourceMapping(): aws.lambda.EventSourceMapping {
        return declared(this).eventSourceMapping;
    }
    public get alarmTopic(): aws.sns.Topic {
        return declared(this).alarms.topic;
    }
    public get alarmSubscription(): aws.sns.TopicSubscription | undefined {
        return declared(this).alarms.subscription;
    }
    public get alarms(): readonly aws.cloudwatch.MetricAlarm[] {
        return declared(this).alarms.alarms;
    }
    public get dashboard(): aws.cloudwatch.Dashboard {
        return declared(this).dashboard;
    }
    /** The backfill from point-in-time exports; undefined when `pointInTimeRecovery` is off. */
    public get backfill(): ExportBackfill | undefined {
        return declared(this).backfill;
    }
}

/** Every resource a feed declared, by feed: off the class's own properties, which the schema reads. */
const DECLARED = new WeakMap<ChangeFeed, FeedResources>();

function declared(feed: ChangeFeed): FeedResources {
    const resources = DECLARED.get(feed);
    if (!resources) throw new Error(`ChangeFeed ${feed.urn} was not constructed.`);
    return resources;
}

/** What `declareFeed` declared, in the order the feed reads top to bottom. */
type FeedResources = {
    readonly settings: ChangeFeedConfig;
    readonly source: FeedSource;
    readonly projections: FeedProjections;
    readonly archiveBucket: SecureBucket;
    readonly failureBucket: SecureBucket;
    readonly handler: BundledFunction;
    readonly eventSourceMapping: aws.lambda.EventSourceMapping;
    readonly alarms: FeedAlarms;
    readonly dashboard: aws.cloudwatch.Dashboard;
    readonly archiveAthenaDdl: pulumi.Output<string>;
    readonly backfill: ExportBackfill | undefined;
};

/** The feed's resources, read as a table of contents; every child is `{ parent: feed }`. */
function declareFeed(
    feed: ChangeFeed,
    name: string,
    settings: ChangeFeedConfig,
    child: pulumi.CustomResourceOptions,
): FeedResources {
    // Names the handler in its logs and metrics, so two feeds or stacks in one account stay apart.
    const serviceName = `${name}-${pulumi.getStack()}`;

    // The table the feed reads, and the tables that hold its items' latest state.
    const source = feedSource(name, settings, child);
    const projections = feedProjections(name, settings, source, child);

    // Every batch becomes one gzip NDJSON object here; older objects move to a cheaper class.
    const archiveLifecycle = {
        transitionDays: settings.archiveTransitionDays,
        expirationDays: settings.archiveExpirationDays,
    };
    const archiveBucket = feedBucket(`${name}-archive`, settings, archiveLifecycle, child);
    // Batches that exhaust their retries or record age land here with their full payload (S3
    // keeps the records themselves, unlike SQS/SNS, so they can be redriven after the stream
    // expires them).
    const failureLifecycle = { transitionDays: 0, expirationDays: settings.failureExpirationDays };
    const failureBucket = feedBucket(`${name}-failures`, settings, failureLifecycle, child);

    // The handler applies each batch to the projections and the archive; the mapping feeds it the stream.
    const sourceStreamArn = source.shape.streamArn;
    const handler = streamHandler(
        name,
        settings,
        {
            sourceStreamArn,
            sourceKmsKeyArn: source.shape.apply((shape) => shape.kmsKeyArn),
            projections,
            archiveBucket,
            failureBucket,
            serviceName,
        },
        child,
    );
    const eventSourceMapping = streamMapping(
        name,
        settings,
        { sourceStreamArn, handler, failureBucket },
        child,
    );

    // Alarms and the dashboard watch the handler and the mapping.
    const monitored = {
        functionName: handler.function.name,
        mappingUuid: eventSourceMapping.uuid,
        serviceName,
    };
    const alarms = feedAlarms(name, settings, monitored, child);
    const dashboard = feedDashboard(name, settings, monitored, child);

    const archiveAthenaDdl = archiveBucket.name.apply((bucket) =>
        archiveTableDdl({ bucket, prefix: settings.archivePrefix, tableName: athenaTableName(name) }),
    );
    // A backfill reads point-in-time exports, so it comes with point-in-time recovery.
    const backfill = settings.pointInTimeRecovery
        ? exportBackfill(name, settings, feed, { projections, archiveBucket, handler }, source.shape)
        : undefined;
    return {
        settings,
        source,
        projections,
        archiveBucket,
        failureBucket,
        handler,
        eventSourceMapping,
        alarms,
        dashboard,
        archiveAthenaDdl,
        backfill,
    };
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
    targets: {
        readonly projections: FeedProjections;
        readonly archiveBucket: SecureBucket;
        readonly handler: BundledFunction;
    },
    source: pulumi.Output<SourceTableShape>,
): ExportBackfill {
    const { kmsKeyArn } = settings;
    return new ExportBackfill(
        `${name}-backfill`,
        {
            projectionTables: targets.projections.all,
            archiveBucket: targets.archiveBucket,
            archivePrefix: settings.archivePrefix,
            handlerFunction: targets.handler.function,
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

/** What the component registers as its outputs: the stack's exports, the schema's outputs. */
function componentOutputs(feed: ChangeFeed): pulumi.Inputs {
    return {
        sourceTableName: feed.sourceTableName,
        sourceTableArn: feed.sourceTableArn,
        sourceStreamArn: feed.sourceStreamArn,
        projectionTableName: feed.projectionTableName,
        projectionTableNames: feed.projectionTableNames,
        archiveBucketName: feed.archiveBucketName,
        failureBucketName: feed.failureBucketName,
        functionName: feed.functionName,
        eventSourceMappingUuid: feed.eventSourceMappingUuid,
        alarmTopicArn: feed.alarmTopicArn,
        dashboardName: feed.dashboardName,
        archiveAthenaDdl: feed.archiveAthenaDdl,
        ...(feed.backfill
            ? {
                  backfillBucketName: feed.backfillBucketName,
                  backfillFunctionName: feed.backfillFunctionName,
                  backfillStateMachineArn: feed.backfillStateMachineArn,
              }
            : {}),
    };
}

/** Athena table names allow letters, digits and underscores: `orders-eu` archives as `orders_eu_archive`. */
export function athenaTableName(feedName: string): string {
    return `${feedName.replace(/[^A-Za-z0-9_]/g, "_")}_archive`;
}
