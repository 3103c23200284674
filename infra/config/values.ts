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
