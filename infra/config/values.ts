import type {
    ArchiveScope as ContractArchiveScope,
    TtlExpirationMode as ContractTtlExpirationMode,
} from "../../handler/contract";
import type { Route } from "../routes";

/** The shapes of setting values, and the patterns and limits a value must meet. */

/*
 * The choices are `as const` objects named as their types: Pulumi's analyzer reads them as the
 * schema's enums (a union of literals alone has no member names to give the generated SDKs).
 */

/** A key attribute's DynamoDB type: string, number or binary. */
export const KeyAttributeType = { S: "S", N: "N", B: "B" } as const;
export type KeyAttributeType = (typeof KeyAttributeType)[keyof typeof KeyAttributeType];
export const KEY_ATTRIBUTE_TYPES: readonly KeyAttributeType[] = Object.values(KeyAttributeType);

/** A table key attribute, written in stack config as `name:type` (e.g. `id:S`). */
export interface KeyAttribute {
    /** The attribute's name. */
    readonly name: string;
    /** The attribute's type: S, N or B. */
    readonly type: KeyAttributeType;
}

/**
 * A key attribute from its stack-config spelling, typed: a type other than S, N or B does not compile.
 *
 * @example
 * resolveChangeFeedArgs("orders", { partitionKey: keyAttribute("pk:S") }, "us-east-1");
 */
export function keyAttribute(written: `${string}:${KeyAttributeType}`): KeyAttribute {
    const colon = written.lastIndexOf(":");
    return { name: written.slice(0, colon), type: written.slice(colon + 1) as KeyAttributeType };
}

/** Where a new event source mapping starts reading the stream. */
export const StartingPosition = { TRIM_HORIZON: "TRIM_HORIZON", LATEST: "LATEST" } as const;
export type StartingPosition = (typeof StartingPosition)[keyof typeof StartingPosition];
export const STARTING_POSITIONS: readonly StartingPosition[] = Object.values(StartingPosition);

/** What a TTL expiration at the source does: delete (from the projection too) or archiveOnly. */
export const TtlExpirationMode = { delete: "delete", archiveOnly: "archiveOnly" } as const;
/** The handler's modes (its contract), which the object above names one by one. */
export type TtlExpirationMode = ContractTtlExpirationMode;

/** Which records the archive keeps: all, or routed (only those at least one route needs). */
export const ArchiveScope = { all: "all", routed: "routed" } as const;
export type ArchiveScope = ContractArchiveScope;

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** What DynamoDB accepts as a table name. */
export const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;
/** What DynamoDB accepts as an attribute name in a key schema, narrowed to config-friendly characters. */
export const KEY_ATTRIBUTE_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,255}$/;
export const ARCHIVE_PREFIX_PATTERN = /^([A-Za-z0-9._=-]+\/)+$/;
export const MAX_ARCHIVE_PREFIX_LENGTH = 512;
/** A KMS key ARN (not an alias: IAM policies and DynamoDB need the key itself), single- or multi-Region. */
export const KMS_KEY_ARN_PATTERN =
    /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
/** What SNS accepts for an email subscription, loosely: one @, a dotted domain, no spaces. */
export const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
export const MAX_EMAIL_LENGTH = 254;

/** The region of a KMS key ARN that matched KMS_KEY_ARN_PATTERN. */
export function kmsKeyRegion(kmsKeyArn: string): string {
    const region = KMS_KEY_ARN_PATTERN.exec(kmsKeyArn)?.[1];
    if (region === undefined) throw new Error(`${kmsKeyArn} is not a KMS key ARN.`);
    return region;
}

export function isOneOf<T extends string | number>(allowed: readonly T[], value: unknown): value is T {
    return (allowed as readonly unknown[]).includes(value);
}

/** Everything the program needs from stack config, validated. */
export type ChangeFeedConfig = {
    /** The stack's AWS region (`aws:region`, or the AWS_REGION the provider would use). */
    readonly region: string;
    /**
     * An existing table to attach to (its stream must carry NEW_AND_OLD_IMAGES); absent: the feed
     * creates its own source table with `partitionKey` and `sortKey`.
     */
    readonly sourceTableName?: string;
    /** The created source table's partition key; absent with `sourceTableName`. */
    readonly partitionKey?: KeyAttribute;
    /** The created source table's sort key; absent for none, and with `sourceTableName`. */
    readonly sortKey?: KeyAttribute;
    readonly batchSize: number;
    readonly batchingWindowSeconds: number;
    readonly maxRetryAttempts: number;
    readonly maxRecordAgeSeconds: number;
    readonly parallelizationFactor: number;
    readonly startingPosition: StartingPosition;
    readonly memoryMb: number;
    readonly timeoutSeconds: number;
    readonly archivePrefix: string;
    readonly logRetentionDays: number;
    readonly writeConcurrency: number;
    readonly tombstoneRetentionDays: number;
    readonly ttlExpirations: TtlExpirationMode;
    /** A customer-managed KMS key for every data store, the log group and the alarm topic; absent: AWS-managed encryption. */
    readonly kmsKeyArn?: string;
    /** Days before archive objects move to Glacier Instant Retrieval; 0: never. */
    readonly archiveTransitionDays: number;
    /** Days before archive objects expire; 0: never. */
    readonly archiveExpirationDays: number;
    /** Days before failed batches in the failure destination expire; 0: never. */
    readonly failureExpirationDays: number;
    /** Days an overwritten or deleted object version is kept in either bucket. */
    readonly noncurrentVersionExpirationDays: number;
    readonly deletionProtection: boolean;
    readonly pointInTimeRecovery: boolean;
    /** Concurrency reserved for the function; absent: unreserved. */
    readonly reservedConcurrency?: number;
    /** Subscribed to the alarm topic; absent: no subscription. */
    readonly alarmEmail?: string;
    readonly iteratorAgeAlarmSeconds: number;
    readonly errorsAlarmThreshold: number;
    readonly throttlesAlarmThreshold: number;
    /**
     * Each entity of a single-table design to its own projection table; absent: one projection
     * of every item (the feed as it was before routes).
     */
    readonly routes?: Route[];
    /** Which records the archive keeps: all, or only those some route needs (the mapping then filters). */
    readonly archiveScope: ArchiveScope;
    /** Top-level attributes left out of both images in the archive. */
    readonly archiveExcludeAttributes: string[];
    /** Data files of an export the backfill state machine applies at once (the Distributed Map's MaxConcurrency). */
    readonly backfillMaxConcurrency: number;
    /** Percentage of data files that may fail before the backfill run fails (ToleratedFailurePercentage). */
    readonly backfillToleratedFailurePercentage: number;
    /** Days the backfill bucket keeps exports and the map's results. */
    readonly exportExpirationDays: number;
};

/**
 * A ChangeFeed's arguments: every stack config key (infra/config/settings.ts), each optional with
 * the same default and the same allowed values, and the region. Plain data only (no unions but
 * enums, no functions), so that Pulumi's analyzer turns it into the package schema every language
 * reads; each property's comment is its description there, the setting's own (a test keeps them
 * equal). `readConfig()` returns a value of this type, too.
 */
export interface ChangeFeedArgs {
    /** The AWS region; absent: the AWS provider's (aws:region). */
    readonly region?: string;
    /** Partition key of the created source table and of the projection: its name and type (S, N or B). Not with sourceTableName. */
    readonly partitionKey?: KeyAttribute;
    /** Optional sort key of the created source table and of the projection: its name and type (S, N or B). Absent for none. Not with sourceTableName. */
    readonly sortKey?: KeyAttribute;
    /** An existing table to attach the change feed to (its stream must be on, with view type NEW_AND_OLD_IMAGES); the program reads it and never modifies it, and its key schema is the projection's. Empty: the program creates the source table from partitionKey and sortKey (which must then not be set). */
    readonly sourceTableName?: string;
    /** Stream records per invocation (1-10000). */
    readonly batchSize?: number;
    /** Seconds the mapping may wait to fill a batch (0-300). */
    readonly batchingWindowSeconds?: number;
    /** Retries of a failing batch before it goes to the failure destination (0-10000; -1 is refused). */
    readonly maxRetryAttempts?: number;
    /** Age after which a record goes to the failure destination unprocessed (60-604800; -1 is refused). */
    readonly maxRecordAgeSeconds?: number;
    /** Concurrent batches per shard (1-10). */
    readonly parallelizationFactor?: number;
    /** Where a new mapping starts reading the stream: TRIM_HORIZON or LATEST. */
    readonly startingPosition?: StartingPosition;
    /** Lambda memory in MB (128-10240). */
    readonly memoryMb?: number;
    /** Lambda timeout in seconds (1-900). */
    readonly timeoutSeconds?: number;
    /** S3 key prefix of the archive: path segments ending in '/', letters, digits and . _ = - only. */
    readonly archivePrefix?: string;
    /** Days the function's log group keeps logs (a CloudWatch retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). */
    readonly logRetentionDays?: number;
    /** Distinct keys the handler writes to the projection at once (1-100). */
    readonly writeConcurrency?: number;
    /** Days a deleted item's tombstone stays in the projection, guarding against late replays, before TTL removes it (1-365). */
    readonly tombstoneRetentionDays?: number;
    /** What a TTL expiration at the source does: delete (from the projection too) or archiveOnly (the projection keeps the item). */
    readonly ttlExpirations?: TtlExpirationMode;
    /** ARN of a customer-managed KMS key (in the stack's region) that encrypts both tables, both buckets, the log group and the alarm topic. Empty: AWS-managed encryption (SSE-S3, the aws/dynamodb key) and an unencrypted alarm topic. */
    readonly kmsKeyArn?: string;
    /** Days after which archive objects move to S3 Glacier Instant Retrieval (0-3650; 0 turns the transition off). S3 leaves objects under 128 KB in Standard. */
    readonly archiveTransitionDays?: number;
    /** Days after which archive objects expire (0-36500; 0 keeps them forever). Must exceed archiveTransitionDays when both are set. */
    readonly archiveExpirationDays?: number;
    /** Days after which failed batches in the failure destination expire (0-36500; 0 keeps them forever). Keep them longer than you would take to redrive. */
    readonly failureExpirationDays?: number;
    /** Days an overwritten or deleted object version is kept in either bucket before it expires (1-36500). */
    readonly noncurrentVersionExpirationDays?: number;
    /** true: DynamoDB deletion protection on both tables and Pulumi protect on both buckets, so pulumi destroy refuses until it is turned off and pulumi up has run. false: pulumi destroy deletes both tables and both buckets with every object version. */
    readonly deletionProtection?: boolean;
    /** Turns on point-in-time recovery (35 days) for both tables (true or false). */
    readonly pointInTimeRecovery?: boolean;
    /** Concurrency reserved for the function (-1 for unreserved, else 1-10000 and at least parallelizationFactor; 0 is refused: it stops the function). */
    readonly reservedConcurrency?: number;
    /** An email address subscribed to the alarm topic (confirm the subscription from the email AWS sends). Empty: no subscription. */
    readonly alarmEmail?: string;
    /** Alarm when the mapping's iterator age stays above this many seconds for 3 minutes (1-86400; more than batchingWindowSeconds and less than maxRecordAgeSeconds). */
    readonly iteratorAgeAlarmSeconds?: number;
    /** Alarm when at least this many invocations fail unexpectedly in 5 minutes (1-10000), as the handler counts them (UnexpectedInvocationErrors): not its deliberate failures when a batch's first or every record failed (they make the mapping bisect; a record that keeps failing pages through the failure-destination alarm), nor timeouts or init failures, which it cannot count (they show as iterator age). */
    readonly errorsAlarmThreshold?: number;
    /** Alarm when at least this many invocations are throttled in 5 minutes (1-10000). */
    readonly throttlesAlarmThreshold?: number;
    /** Which records the archive keeps: all, or routed (only those at least one route needs; the event source mapping then filters the others out, so they never invoke the function). */
    readonly archiveScope?: ArchiveScope;
    /** Top-level attributes left out of both images in the archive (e.g. [email]); key attributes cannot be excluded. */
    readonly archiveExcludeAttributes?: string[];
    /** Each entity of a single-table design to its own projection table, holding the items that currently match its route. None: one projection of every item. */
    readonly routes?: Route[];
    /** Data files of a point-in-time export that the backfill state machine applies at once, each by its own invocation of the backfill function (1-1000). Only with pointInTimeRecovery. */
    readonly backfillMaxConcurrency?: number;
    /** Percentage of an export's data files that may fail before the backfill run fails (0-100); 0 fails the run at the first file that still fails after its retries. npm run backfill -- --from-export, run again, applies the failed files only. */
    readonly backfillToleratedFailurePercentage?: number;
    /** Days the backfill bucket keeps point-in-time exports and the backfill runs' results before they expire (1-3650); redrive a failed backfill within this time. */
    readonly exportExpirationDays?: number;
}
