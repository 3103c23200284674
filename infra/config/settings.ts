import { ARCHIVE_SCOPES, TTL_EXPIRATION_MODES, WRITE_CONCURRENCY_RANGE } from "../../handler/contract";
import {
    ARCHIVE_PREFIX_PATTERN,
    EMAIL_PATTERN,
    KEY_ATTRIBUTE_TYPES,
    KMS_KEY_ARN_PATTERN,
    LOG_RETENTION_DAYS,
    MAX_ARCHIVE_PREFIX_LENGTH,
    MAX_EMAIL_LENGTH,
    STARTING_POSITIONS,
    TABLE_NAME_PATTERN,
} from "./values";

/** The Pulumi config namespace: the project name in Pulumi.yaml. */
export const CONFIG_NAMESPACE = "ddb-changefeed";

/** What every setting has: its meaning, the `description:` of its key in Pulumi.yaml. */
type Described = { readonly description: string };

/** An integer's allowed range, and optionally one value in or next to it that is refused and why. */
export type IntegerRule = {
    readonly min: number;
    readonly max: number;
    readonly refused?: { readonly value: number; readonly why: string };
};

export type IntegerSetting = Described & IntegerRule & { readonly kind: "integer"; readonly default: number };
/** An integer from a fixed list (CloudWatch's retention periods). */
export type IntegerChoiceSetting = Described & {
    readonly kind: "integerChoice";
    readonly values: readonly number[];
    readonly default: number;
};
export type BooleanSetting = Described & { readonly kind: "boolean"; readonly default: boolean };
export type ChoiceSetting = Described & {
    readonly kind: "choice";
    readonly values: readonly string[];
    readonly default: string;
    /** What the allowed values mean, when their names do not say it. */
    readonly note?: string;
    /** Surrounding whitespace is dropped before the value is checked. */
    readonly trim?: boolean;
};
/** A string matching a pattern; with `optional`, "" stands for none. */
export type TextSetting = Described & {
    readonly kind: "text";
    readonly pattern: RegExp;
    readonly maxLength?: number;
    readonly optional: boolean;
    readonly trim: boolean;
    readonly allowed: string;
    readonly default: string;
};
/** A key attribute, `name:type` in stack config; with `optional`, "" stands for none. */
export type KeyAttributeSetting = Described & {
    readonly kind: "keyAttribute";
    readonly optional: boolean;
    readonly example: string;
    readonly default: string;
};
export type NameListSetting = Described & { readonly kind: "nameList"; readonly default: readonly string[] };
/** A list of objects, which Pulumi.yaml cannot type: it documents its shape in a comment. */
export type RoutesSetting = Described & {
    readonly kind: "routes";
    readonly shape: readonly { readonly field: string; readonly meaning: string }[];
    readonly example: string;
};

export type Setting =
    | IntegerSetting
    | IntegerChoiceSetting
    | BooleanSetting
    | ChoiceSetting
    | TextSetting
    | KeyAttributeSetting
    | NameListSetting
    | RoutesSetting;

const INFINITE_REFUSED = {
    value: -1,
    why: "-1 (infinite) is refused: one poison record would block its shard for up to 24 hours",
} as const;

/**
 * Every setting of a change feed: a stack config key in the `ddb-changefeed` namespace and a
 * property of `ChangeFeedArgs`, with its type, default, allowed values and meaning. The stack
 * reader, the validation of both paths, Pulumi.yaml's `config:` block (checked by a test) and
 * docs/configuration.md (rendered from it) all follow this table; its order is theirs.
 *
 * Integer ranges are AWS's (Lambda's CreateEventSourceMapping, CreateFunction and
 * PutFunctionConcurrency API references:
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html), narrowed where
 * a value AWS accepts would defeat the design: infinite retries or record age, and a reserved
 * concurrency of 0 (which stops the function).
 */
export const SETTINGS = {
    partitionKey: {
        kind: "keyAttribute",
        optional: false,
        example: "id:S",
        default: "id:S",
        description:
            "Partition key of the created source table and of the projection, as name:type with type S, N or B (e.g. id:S). Not with sourceTableName.",
    },
    sortKey: {
        kind: "keyAttribute",
        optional: true,
        example: "createdAt:N",
        default: "",
        description:
            "Optional sort key of the created source table and of the projection, as name:type with type S, N or B (e.g. createdAt:N). Empty for none. Not with sourceTableName.",
    },
    sourceTableName: {
        kind: "text",
        pattern: TABLE_NAME_PATTERN,
        optional: true,
        trim: true,
        allowed: `"" to create the source table, or the name of an existing table (3-255 characters: letters, digits, _ . -)`,
        default: "",
        description:
            "An existing table to attach the change feed to (its stream must be on, with view type NEW_AND_OLD_IMAGES); the program reads it and never modifies it, and its key schema is the projection's. Empty: the program creates the source table from partitionKey and sortKey (which must then not be set).",
    },
    batchSize: {
        kind: "integer",
        min: 1,
        max: 10_000,
        default: 100,
        description: "Stream records per invocation (1-10000).",
    },
    batchingWindowSeconds: {
        kind: "integer",
        min: 0,
        max: 300,
        default: 0,
        description: "Seconds the mapping may wait to fill a batch (0-300).",
    },
    maxRetryAttempts: {
        kind: "integer",
        min: 0,
        max: 10_000,
        refused: INFINITE_REFUSED,
        default: 5,
        description:
            "Retries of a failing batch before it goes to the failure destination (0-10000; -1 is refused).",
    },
    maxRecordAgeSeconds: {
        kind: "integer",
        min: 60,
        max: 604_800,
        refused: INFINITE_REFUSED,
        default: 3600,
        description:
            "Age after which a record goes to the failure destination unprocessed (60-604800; -1 is refused).",
    },
    parallelizationFactor: {
        kind: "integer",
        min: 1,
        max: 10,
        default: 1,
        description: "Concurrent batches per shard (1-10).",
    },
    startingPosition: {
        kind: "choice",
        values: STARTING_POSITIONS,
        default: "TRIM_HORIZON",
        description: "Where a new mapping starts reading the stream: TRIM_HORIZON or LATEST.",
    },
    memoryMb: {
        kind: "integer",
        min: 128,
        max: 10_240,
        default: 512,
        description: "Lambda memory in MB (128-10240).",
    },
    timeoutSeconds: {
        kind: "integer",
        min: 1,
        max: 900,
        default: 60,
        description: "Lambda timeout in seconds (1-900).",
    },
    archivePrefix: {
        kind: "text",
        pattern: ARCHIVE_PREFIX_PATTERN,
        maxLength: MAX_ARCHIVE_PREFIX_LENGTH,
        optional: false,
        trim: false,
        allowed:
            `up to ${MAX_ARCHIVE_PREFIX_LENGTH} characters of path segments each ending in "/", made of ` +
            `letters, digits and . _ = - (e.g. changes/ or cdc/orders/)`,
        default: "changes/",
        description:
            "S3 key prefix of the archive: path segments ending in '/', letters, digits and . _ = - only.",
    },
    logRetentionDays: {
        kind: "integerChoice",
        values: LOG_RETENTION_DAYS,
        default: 30,
        description:
            "Days the function's log group keeps logs (a CloudWatch retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653).",
    },
    writeConcurrency: {
        kind: "integer",
        ...WRITE_CONCURRENCY_RANGE,
        default: 16,
        description: "Distinct keys the handler writes to the projection at once (1-100).",
    },
    tombstoneRetentionDays: {
        // At least the stream's 24-hour retention, so no re-delivery can outlive a tombstone.
        kind: "integer",
        min: 1,
        max: 365,
        default: 7,
        description:
            "Days a deleted item's tombstone stays in the projection, guarding against late replays, before TTL removes it (1-365).",
    },
    ttlExpirations: {
        kind: "choice",
        values: TTL_EXPIRATION_MODES,
        default: "delete",
        description:
            "What a TTL expiration at the source does: delete (from the projection too) or archiveOnly (the projection keeps the item).",
    },
    kmsKeyArn: {
        // A key, not an alias: IAM policies and DynamoDB need the key itself.
        kind: "text",
        pattern: KMS_KEY_ARN_PATTERN,
        optional: true,
        trim: true,
        allowed:
            `"" for AWS-managed encryption, or the ARN of a KMS key (arn:aws:kms:<region>:<account>:key/<key id>; ` +
            `an alias will not do, IAM needs the key)`,
        default: "",
        description:
            "ARN of a customer-managed KMS key (in the stack's region) that encrypts both tables, both buckets, the log group and the alarm topic. Empty: AWS-managed encryption (SSE-S3, the aws/dynamodb key) and an unencrypted alarm topic.",
    },
    archiveTransitionDays: {
        // 0 turns the transition off; past 10 years a transition saves nothing worth a rule.
        kind: "integer",
        min: 0,
        max: 3_650,
        default: 90,
        description:
            "Days after which archive objects move to S3 Glacier Instant Retrieval (0-3650; 0 turns the transition off). S3 leaves objects under 128 KB in Standard.",
    },
    archiveExpirationDays: {
        // 0 keeps objects forever; 100 years is the sanity ceiling (S3 sets none).
        kind: "integer",
        min: 0,
        max: 36_500,
        default: 0,
        description:
            "Days after which archive objects expire (0-36500; 0 keeps them forever). Must exceed archiveTransitionDays when both are set.",
    },
    failureExpirationDays: {
        kind: "integer",
        min: 0,
        max: 36_500,
        default: 365,
        description:
            "Days after which failed batches in the failure destination expire (0-36500; 0 keeps them forever). Keep them longer than you would take to redrive.",
    },
    noncurrentVersionExpirationDays: {
        kind: "integer",
        min: 1,
        max: 36_500,
        default: 30,
        description:
            "Days an overwritten or deleted object version is kept in either bucket before it expires (1-36500).",
    },
    deletionProtection: {
        kind: "boolean",
        default: false,
        description:
            "true: DynamoDB deletion protection on both tables and Pulumi protect on both buckets, so pulumi destroy refuses until it is turned off and pulumi up has run. false: pulumi destroy deletes both tables and both buckets with every object version.",
    },
    pointInTimeRecovery: {
        kind: "boolean",
        default: true,
        description: "Turns on point-in-time recovery (35 days) for both tables (true or false).",
    },
    reservedConcurrency: {
        kind: "integer",
        min: -1,
        max: 10_000,
        refused: {
            value: 0,
            why: "0 would throttle every invocation and stop the change feed; -1 leaves the function unreserved",
        },
        default: -1,
        description:
            "Concurrency reserved for the function (-1 for unreserved, else 1-10000 and at least parallelizationFactor; 0 is refused: it stops the function).",
    },
    alarmEmail: {
        // What SNS accepts for an email subscription, loosely.
        kind: "text",
        pattern: EMAIL_PATTERN,
        maxLength: MAX_EMAIL_LENGTH,
        optional: true,
        trim: true,
        allowed: `"" for no subscription, or one email address of up to ${MAX_EMAIL_LENGTH} characters (e.g. oncall@example.com)`,
        default: "",
        description:
            "An email address subscribed to the alarm topic (confirm the subscription from the email AWS sends). Empty: no subscription.",
    },
    iteratorAgeAlarmSeconds: {
        // Up to the stream's 24-hour retention: an older iterator has already lost records.
        kind: "integer",
        min: 1,
        max: 86_400,
        default: 300,
        description:
            "Alarm when the mapping's iterator age stays above this many seconds for 3 minutes (1-86400; more than batchingWindowSeconds and less than maxRecordAgeSeconds).",
    },
    errorsAlarmThreshold: {
        kind: "integer",
        min: 1,
        max: 10_000,
        default: 1,
        description:
            "Alarm when at least this many invocations fail unexpectedly in 5 minutes (1-10000), as the handler counts them (UnexpectedInvocationErrors): not its deliberate failures when a batch's first or every record failed (they make the mapping bisect; a record that keeps failing pages through the failure-destination alarm), nor timeouts or init failures, which it cannot count (they show as iterator age).",
    },
    throttlesAlarmThreshold: {
        kind: "integer",
        min: 1,
        max: 10_000,
        default: 1,
        description: "Alarm when at least this many invocations are throttled in 5 minutes (1-10000).",
    },
    archiveScope: {
        kind: "choice",
        values: ARCHIVE_SCOPES,
        note: "routed: only the records some route needs, and the mapping filters the others out",
        trim: true,
        default: "all",
        description:
            "Which records the archive keeps: all, or routed (only those at least one route needs; the event source mapping then filters the others out, so they never invoke the function).",
    },
    archiveExcludeAttributes: {
        kind: "nameList",
        default: [],
        description:
            "Top-level attributes left out of both images in the archive (e.g. [email]); key attributes cannot be excluded.",
    },
    routes: {
        kind: "routes",
        shape: [
            {
                field: "name",
                meaning: "kebab-case, unique; its projection table is named from the feed and the route",
            },
            {
                field: "match",
                meaning:
                    "all | { keyPrefix: { attribute, prefix } } on a key attribute of type S | { attributeEquals: { attribute, values: [strings, numbers, booleans] } }",
            },
            {
                field: "attributes",
                meaning:
                    "optional { include: [names] } and/or { exclude: [names] }: top-level attributes the route's projection carries; key attributes are always kept; no _cdc_ names",
            },
        ],
        example: [
            "ddb-changefeed:routes:",
            "  - name: orders",
            '    match: { keyPrefix: { attribute: sk, prefix: "order-" } }',
            "  - name: customers",
            "    match: { attributeEquals: { attribute: entityType, values: [Customer] } }",
            "    attributes: { exclude: [email] }",
        ].join("\n"),
        description:
            "Each entity of a single-table design to its own projection table, holding the items that currently match its route. None: one projection of every item.",
    },
    backfillMaxConcurrency: {
        // Each file applier writes with writeConcurrency; past 1,000 the projection's writes, not
        // the map, set the pace (a Distributed Map itself allows 10,000).
        kind: "integer",
        min: 1,
        max: 1_000,
        default: 10,
        description:
            "Data files of a point-in-time export that the backfill state machine applies at once, each by its own invocation of the backfill function (1-1000). Only with pointInTimeRecovery.",
    },
    backfillToleratedFailurePercentage: {
        kind: "integer",
        min: 0,
        max: 100,
        default: 0,
        description:
            "Percentage of an export's data files that may fail before the backfill run fails (0-100); 0 fails the run at the first file that still fails after its retries. npm run backfill -- --from-export, run again, applies the failed files only.",
    },
    exportExpirationDays: {
        // Long enough to redrive a failed run; an export is a full copy of the table, not a backup.
        kind: "integer",
        min: 1,
        max: 3_650,
        default: 14,
        description:
            "Days the backfill bucket keeps point-in-time exports and the backfill runs' results before they expire (1-3650); redrive a failed backfill within this time.",
    },
} as const satisfies Record<string, Setting>;

export type SettingKey = keyof typeof SETTINGS;

/** Every setting's key, in the description's order. */
export const CONFIG_KEYS = Object.keys(SETTINGS) as SettingKey[];

/** The keys of one kind of setting. */
export type KeyOfKind<Kind extends Setting["kind"]> = {
    [K in SettingKey]: (typeof SETTINGS)[K]["kind"] extends Kind ? K : never;
}[SettingKey];

/** Each setting's default as stack config writes it (routes has none: no value is one projection). */
export const CONFIG_DEFAULTS = Object.fromEntries(
    CONFIG_KEYS.map((key) => {
        const setting: Setting = SETTINGS[key];
        return [key, "default" in setting ? setting.default : undefined];
    }),
) as { readonly [K in SettingKey]: (typeof SETTINGS)[K] extends { default: infer D } ? D : undefined };

/** The integer settings' ranges, by key. */
export const INTEGER_RULES = integerRules();

function integerRules(): { readonly [K in KeyOfKind<"integer">]: IntegerRule } {
    const rules: Partial<Record<KeyOfKind<"integer">, IntegerRule>> = {};
    for (const key of CONFIG_KEYS) {
        const setting: Setting = SETTINGS[key];
        if (setting.kind !== "integer") continue;
        const { min, max, refused } = setting;
        rules[key as KeyOfKind<"integer">] = { min, max, ...(refused ? { refused } : {}) };
    }
    return rules as Record<KeyOfKind<"integer">, IntegerRule>;
}

/**
 * What a setting allows, in words: the text after "allowed:" in its error messages and in
 * docs/configuration.md.
 */
export function allowedValues(key: SettingKey): string {
    const setting: Setting = SETTINGS[key];
    switch (setting.kind) {
        case "integer": {
            const { refused } = setting;
            const refusedInRange =
                refused && refused.value >= setting.min && refused.value <= setting.max
                    ? `, except ${refused.value}`
                    : "";
            return `an integer from ${setting.min} to ${setting.max}${refusedInRange}`;
        }
        case "integerChoice":
            return `one of ${setting.values.join(", ")}`;
        case "boolean":
            return "true or false";
        case "choice":
            return setting.values.join(" or ") + (setting.note ? ` (${setting.note})` : "");
        case "text":
            return setting.allowed;
        case "keyAttribute":
            return (
                `name:type with a name of 1-255 characters (letters, digits, _ . -) and a type of ` +
                `${KEY_ATTRIBUTE_TYPES.join(", ")}`
            );
        case "nameList":
            return "a list of top-level attribute names";
        case "routes":
            return "a list of at least one route";
    }
}
