import type { ArchiveScope, TtlExpirationMode } from "../../handler/contract";
import type { RouteConfig } from "../routes";

/** The shapes of setting values, and the patterns and limits a value must meet. */

export const KEY_ATTRIBUTE_TYPES = ["S", "N", "B"] as const;
export type KeyAttributeType = (typeof KEY_ATTRIBUTE_TYPES)[number];

/** A table key attribute, written in config as `name:type` (e.g. `id:S`). */
export type KeyAttribute = { readonly name: string; readonly type: KeyAttributeType };

export const STARTING_POSITIONS = ["TRIM_HORIZON", "LATEST"] as const;
export type StartingPosition = (typeof STARTING_POSITIONS)[number];

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
    readonly routes?: readonly RouteConfig[];
    /** Which records the archive keeps: all, or only those some route needs (the mapping then filters). */
    readonly archiveScope: ArchiveScope;
    /** Top-level attributes left out of both images in the archive. */
    readonly archiveExcludeAttributes: readonly string[];
    /** Data files of an export the backfill state machine applies at once (the Distributed Map's MaxConcurrency). */
    readonly backfillMaxConcurrency: number;
    /** Percentage of data files that may fail before the backfill run fails (ToleratedFailurePercentage). */
    readonly backfillToleratedFailurePercentage: number;
    /** Days the backfill bucket keeps exports and the map's results. */
    readonly exportExpirationDays: number;
};

/**
 * A ChangeFeed's arguments: every stack config key (infra/config/settings.ts), each optional with
 * the same default and the same allowed values, and the region. docs/configuration.md lists each
 * one's meaning, default and allowed values. `readConfig()` returns a value of this type, too.
 */
export interface ChangeFeedArgs {
    /** The AWS region; absent: the AWS provider's. */
    readonly region?: string;
    /** An existing table to attach to; absent or "": the feed creates its own. */
    readonly sourceTableName?: string;
    /** The created source table's partition key, as a `KeyAttribute` or as in config (`id:S`). */
    readonly partitionKey?: KeyAttribute | string;
    /** The created source table's sort key, as a `KeyAttribute` or as in config (`createdAt:N`). */
    readonly sortKey?: KeyAttribute | string;
    readonly batchSize?: number;
    readonly batchingWindowSeconds?: number;
    readonly maxRetryAttempts?: number;
    readonly maxRecordAgeSeconds?: number;
    readonly parallelizationFactor?: number;
    readonly startingPosition?: StartingPosition;
    readonly memoryMb?: number;
    readonly timeoutSeconds?: number;
    readonly archivePrefix?: string;
    readonly logRetentionDays?: number;
    readonly writeConcurrency?: number;
    readonly tombstoneRetentionDays?: number;
    readonly ttlExpirations?: TtlExpirationMode;
    /** A customer-managed KMS key in the region; absent or "": AWS-managed encryption. */
    readonly kmsKeyArn?: string;
    readonly archiveTransitionDays?: number;
    readonly archiveExpirationDays?: number;
    readonly failureExpirationDays?: number;
    readonly noncurrentVersionExpirationDays?: number;
    readonly deletionProtection?: boolean;
    readonly pointInTimeRecovery?: boolean;
    /** Absent or -1: unreserved. */
    readonly reservedConcurrency?: number;
    /** Absent or "": no subscription. */
    readonly alarmEmail?: string;
    readonly iteratorAgeAlarmSeconds?: number;
    readonly errorsAlarmThreshold?: number;
    readonly throttlesAlarmThreshold?: number;
    readonly archiveScope?: ArchiveScope;
    readonly archiveExcludeAttributes?: readonly string[];
    /** Absent: one projection of every item. */
    readonly routes?: readonly RouteConfig[];
    readonly backfillMaxConcurrency?: number;
    readonly backfillToleratedFailurePercentage?: number;
    readonly exportExpirationDays?: number;
}
