import * as pulumi from "@pulumi/pulumi";
import {
    TTL_EXPIRATION_MODES,
    WRITE_CONCURRENCY_RANGE,
    type ArchiveScope,
    type TtlExpirationMode,
} from "../handler/contract";
import { routeFilterProblem } from "./route-filter";
import {
    keySchemaProblems,
    parseArchiveScope,
    parseAttributeList,
    parseRoutes,
    toRouteDefinition,
    type RouteConfig,
} from "./routes";

/** The Pulumi config namespace: the project name in Pulumi.yaml. */
export const CONFIG_NAMESPACE = "ddb-changefeed";

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

/** An integer's allowed range, and optionally one value in or next to it that is refused and why. */
type IntegerRule = {
    readonly min: number;
    readonly max: number;
    readonly refused?: { readonly value: number; readonly why: string };
};

const INFINITE_REFUSED = {
    value: -1,
    why: "-1 (infinite) is refused: one poison record would block its shard for up to 24 hours",
} as const;

/**
 * AWS's ranges (Lambda's CreateEventSourceMapping, CreateFunction and PutFunctionConcurrency API
 * references: https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html),
 * narrowed where a value AWS accepts would defeat the design: infinite retries or record age, and a
 * reserved concurrency of 0 (which stops the function).
 */
export const INTEGER_RULES = {
    batchSize: { min: 1, max: 10_000 },
    batchingWindowSeconds: { min: 0, max: 300 },
    maxRetryAttempts: { min: 0, max: 10_000, refused: INFINITE_REFUSED },
    maxRecordAgeSeconds: { min: 60, max: 604_800, refused: INFINITE_REFUSED },
    parallelizationFactor: { min: 1, max: 10 },
    memoryMb: { min: 128, max: 10_240 },
    timeoutSeconds: { min: 1, max: 900 },
    writeConcurrency: WRITE_CONCURRENCY_RANGE,
    // At least the stream's 24-hour retention, so no re-delivery can outlive a tombstone.
    tombstoneRetentionDays: { min: 1, max: 365 },
    // 0 turns the transition off; past 10 years a transition saves nothing worth a rule.
    archiveTransitionDays: { min: 0, max: 3_650 },
    // 0 keeps objects forever; 100 years is the sanity ceiling (S3 sets none).
    archiveExpirationDays: { min: 0, max: 36_500 },
    failureExpirationDays: { min: 0, max: 36_500 },
    noncurrentVersionExpirationDays: { min: 1, max: 36_500 },
    reservedConcurrency: {
        min: -1,
        max: 10_000,
        refused: {
            value: 0,
            why: "0 would throttle every invocation and stop the change feed; -1 leaves the function unreserved",
        },
    },
    // Up to the stream's 24-hour retention: an older iterator has already lost records.
    iteratorAgeAlarmSeconds: { min: 1, max: 86_400 },
    errorsAlarmThreshold: { min: 1, max: 10_000 },
    throttlesAlarmThreshold: { min: 1, max: 10_000 },
    // Each file applier writes with writeConcurrency; past 1,000 the projection's writes, not the
    // map, set the pace (a Distributed Map itself allows 10,000).
    backfillMaxConcurrency: { min: 1, max: 1_000 },
    backfillToleratedFailurePercentage: { min: 0, max: 100 },
    // Long enough to redrive a failed run; an export is a full copy of the table, not a backup.
    exportExpirationDays: { min: 1, max: 3_650 },
} as const satisfies Record<string, IntegerRule>;

type IntegerKey = keyof typeof INTEGER_RULES;

/** Defaults, identical to the `default:` of each key in Pulumi.yaml (a test keeps them in step). */
export const CONFIG_DEFAULTS = {
    partitionKey: "id:S",
    sortKey: "",
    sourceTableName: "",
    batchSize: 100,
    batchingWindowSeconds: 0,
    maxRetryAttempts: 5,
    maxRecordAgeSeconds: 3600,
    parallelizationFactor: 1,
    startingPosition: "TRIM_HORIZON",
    memoryMb: 512,
    timeoutSeconds: 60,
    archivePrefix: "changes/",
    logRetentionDays: 30,
    writeConcurrency: 16,
    tombstoneRetentionDays: 7,
    ttlExpirations: "delete",
    kmsKeyArn: "",
    archiveTransitionDays: 90,
    archiveExpirationDays: 0,
    failureExpirationDays: 365,
    noncurrentVersionExpirationDays: 30,
    deletionProtection: false,
    pointInTimeRecovery: true,
    reservedConcurrency: -1,
    alarmEmail: "",
    iteratorAgeAlarmSeconds: 300,
    errorsAlarmThreshold: 1,
    throttlesAlarmThreshold: 1,
    archiveScope: "all",
    archiveExcludeAttributes: [],
    // Structured (a list of objects), so Pulumi.yaml cannot type it; it documents it in a comment.
    routes: [],
    backfillMaxConcurrency: 10,
    backfillToleratedFailurePercentage: 0,
    exportExpirationDays: 14,
} as const;

/** Keys whose value is a list, read as the JSON Pulumi stores a structured value as. */
export const LIST_CONFIG_KEYS = ["archiveExcludeAttributes", "routes"] as const;

export type ConfigKey = keyof typeof CONFIG_DEFAULTS;
export const CONFIG_KEYS = Object.keys(CONFIG_DEFAULTS) as ConfigKey[];

type BooleanKey = { [K in ConfigKey]: (typeof CONFIG_DEFAULTS)[K] extends boolean ? K : never }[ConfigKey];

/** What DynamoDB accepts as a table name. */
const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;
const KEY_ATTRIBUTE_PATTERN = /^([A-Za-z0-9_.-]{1,255}):([A-Z]+)$/;
const ARCHIVE_PREFIX_PATTERN = /^([A-Za-z0-9._=-]+\/)+$/;
const MAX_ARCHIVE_PREFIX_LENGTH = 512;
/** A KMS key ARN (not an alias: IAM policies and DynamoDB need the key itself), single- or multi-Region. */
const KMS_KEY_ARN_PATTERN =
    /^arn:aws[a-z-]*:kms:([a-z0-9-]+):\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
/** What SNS accepts for an email subscription, loosely: one @, a dotted domain, no spaces. */
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const MAX_EMAIL_LENGTH = 254;

/** Thrown when stack config (or a ChangeFeed's args) is invalid; lists every problem, each naming its key and the fix. */
export class ConfigError extends Error {
    public readonly problems: readonly string[];

    public constructor(problems: readonly string[], subject = `stack config for ${CONFIG_NAMESPACE}`) {
        super(`Invalid ${subject}:\n` + problems.map((problem) => `  - ${problem}`).join("\n"));
        this.name = "ConfigError";
        this.problems = problems;
    }
}

/** Reads one raw config value (as Pulumi stores it: a string), or undefined when unset. */
export type RawConfigReader = (key: string) => string | undefined;

/** What the config is checked against besides its own namespace. */
export type ConfigContext = {
    /** The stack's AWS region (`aws:region`): alarms and the dashboard name it, and a KMS key must live there. */
    readonly region?: string;
    /** What the values are, for the error's first line (default: the stack config). */
    readonly subject?: string;
    /** How a problem names a key (default: `ddb-changefeed:<key>`, as `pulumi config` shows it). */
    readonly nameKey?: (key: string) => string;
    /** How to remove an unknown key (default: the `pulumi config rm` command). */
    readonly removeHint?: (key: string) => string;
};

/**
 * Validates raw stack config and applies defaults.
 *
 * @param read - returns the raw string of a key in the project namespace, or undefined
 * @param setKeys - every key set in the project namespace, to report the unknown ones
 * @param context - the stack's region: required, and where a KMS key must live
 * @throws {ConfigError} listing every invalid or unknown key with its allowed values
 */
export function parseConfig(
    read: RawConfigReader,
    setKeys: readonly string[],
    context: ConfigContext = {},
): ChangeFeedConfig {
    const problems: string[] = [];
    const raw = (key: ConfigKey): string => read(key) ?? String(CONFIG_DEFAULTS[key]);
    const qualified = context.nameKey ?? ((key: string) => `${CONFIG_NAMESPACE}:${key}`);
    const removeHint = context.removeHint ?? ((key: string) => `Remove it with: pulumi config rm ${key}`);

    for (const key of setKeys) {
        if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
            problems.push(
                `${qualified(key)} is not a known key; known keys: ${CONFIG_KEYS.join(", ")}. ${removeHint(key)}`,
            );
        }
    }

    const sourceTableName = raw("sourceTableName").trim();
    if (sourceTableName !== "") {
        if (!TABLE_NAME_PATTERN.test(sourceTableName)) {
            problems.push(
                `${qualified("sourceTableName")} is "${sourceTableName}"; allowed: "" to create the source table, ` +
                    `or the name of an existing table (3-255 characters: letters, digits, _ . -).`,
            );
        }
        // An existing table brings its own key schema; a second one in config could only disagree.
        for (const key of ["partitionKey", "sortKey"] as const) {
            if (setKeys.includes(key)) {
                problems.push(
                    `${qualified(key)} is set together with ${qualified("sourceTableName")}; allowed: only one of ` +
                        `them: the existing table's key schema is used for the projection. ${removeHint(key)}`,
                );
            }
        }
    }

    const integer = (key: IntegerKey): number => {
        const rule: IntegerRule = INTEGER_RULES[key];
        const value = raw(key);
        const refusedInRange =
            rule.refused && rule.refused.value >= rule.min && rule.refused.value <= rule.max
                ? `, except ${rule.refused.value}`
                : "";
        const allowed = `an integer from ${rule.min} to ${rule.max}${refusedInRange}`;
        if (!/^-?\d+$/.test(value.trim())) {
            problems.push(`${qualified(key)} is "${value}"; allowed: ${allowed}.`);
            return Number.NaN;
        }
        const parsed = Number(value);
        const isRefused = rule.refused?.value === parsed;
        if (parsed < rule.min || parsed > rule.max || isRefused) {
            const why = isRefused ? ` (${rule.refused?.why})` : "";
            problems.push(`${qualified(key)} is ${parsed}; allowed: ${allowed}${why}.`);
        }
        return parsed;
    };

    const boolean = (key: BooleanKey): boolean => {
        const value = raw(key).trim();
        if (value !== "true" && value !== "false") {
            problems.push(`${qualified(key)} is "${value}"; allowed: true or false.`);
        }
        return value === "true";
    };

    const keyAttribute = (key: "partitionKey" | "sortKey"): KeyAttribute | undefined => {
        const value = raw(key).trim();
        if (value === "" && key === "sortKey") return undefined;
        const match = KEY_ATTRIBUTE_PATTERN.exec(value);
        const type = match?.[2];
        if (!match || !isOneOf(KEY_ATTRIBUTE_TYPES, type)) {
            problems.push(
                `${qualified(key)} is "${value}"; allowed: name:type with a name of 1-255 ` +
                    `characters (letters, digits, _ . -) and a type of ${KEY_ATTRIBUTE_TYPES.join(", ")} ` +
                    `(e.g. pulumi config set ${key} ${key === "sortKey" ? "createdAt:N" : "id:S"}).`,
            );
            return undefined;
        }
        return { name: match[1], type };
    };

    const partitionKey = keyAttribute("partitionKey");
    const sortKey = keyAttribute("sortKey");
    if (partitionKey && sortKey && partitionKey.name === sortKey.name) {
        problems.push(
            `${qualified("sortKey")} names "${sortKey.name}", the partition key's attribute; ` +
                `allowed: a different attribute name, or "" for no sort key.`,
        );
    }

    const startingPosition = raw("startingPosition");
    if (!isOneOf(STARTING_POSITIONS, startingPosition)) {
        problems.push(
            `${qualified("startingPosition")} is "${startingPosition}"; allowed: ${STARTING_POSITIONS.join(" or ")}.`,
        );
    }

    const ttlExpirations = raw("ttlExpirations");
    if (!isOneOf(TTL_EXPIRATION_MODES, ttlExpirations)) {
        problems.push(
            `${qualified("ttlExpirations")} is "${ttlExpirations}"; allowed: ${TTL_EXPIRATION_MODES.join(" or ")}.`,
        );
    }

    const archivePrefix = raw("archivePrefix");
    if (!ARCHIVE_PREFIX_PATTERN.test(archivePrefix) || archivePrefix.length > MAX_ARCHIVE_PREFIX_LENGTH) {
        problems.push(
            `${qualified("archivePrefix")} is "${archivePrefix}"; allowed: up to ${MAX_ARCHIVE_PREFIX_LENGTH} ` +
                `characters of path segments each ending in "/", made of letters, digits and . _ = - ` +
                `(e.g. changes/ or cdc/orders/).`,
        );
    }

    const logRetentionDays = Number(raw("logRetentionDays"));
    if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
        problems.push(
            `${qualified("logRetentionDays")} is "${raw("logRetentionDays")}"; allowed: one of ` +
                `${LOG_RETENTION_DAYS.join(", ")}.`,
        );
    }

    const region = context.region?.trim() ?? "";
    if (region === "") {
        problems.push(
            `aws:region is not set; allowed: the AWS region to deploy to (e.g. pulumi config set aws:region us-east-1).`,
        );
    }

    const kmsKeyArn = raw("kmsKeyArn").trim();
    const keyRegion = KMS_KEY_ARN_PATTERN.exec(kmsKeyArn)?.[1];
    if (kmsKeyArn !== "" && keyRegion === undefined) {
        problems.push(
            `${qualified("kmsKeyArn")} is "${kmsKeyArn}"; allowed: "" for AWS-managed encryption, or the ARN of ` +
                `a KMS key (arn:aws:kms:<region>:<account>:key/<key id>; an alias will not do, IAM needs the key).`,
        );
    } else if (keyRegion !== undefined && region !== "" && keyRegion !== region) {
        problems.push(
            `${qualified("kmsKeyArn")} is a key in ${keyRegion}; allowed: a key in the stack's region ` +
                `${region} (aws:region): S3, DynamoDB, CloudWatch Logs and SNS only use keys in their own region.`,
        );
    }

    const alarmEmail = raw("alarmEmail").trim();
    if (alarmEmail !== "" && (!EMAIL_PATTERN.test(alarmEmail) || alarmEmail.length > MAX_EMAIL_LENGTH)) {
        problems.push(
            `${qualified("alarmEmail")} is "${alarmEmail}"; allowed: "" for no subscription, or one email ` +
                `address of up to ${MAX_EMAIL_LENGTH} characters (e.g. oncall@example.com).`,
        );
    }

    const archiveScope = parseArchiveScope(raw("archiveScope"), qualified("archiveScope"));
    if (archiveScope.problem) problems.push(archiveScope.problem);
    const excluded = parseAttributeList(
        read("archiveExcludeAttributes") ?? "",
        qualified("archiveExcludeAttributes"),
    );
    problems.push(...excluded.problems);
    const parsedRoutes = parseRoutes(read("routes"), qualified("routes"));
    problems.push(...parsedRoutes.problems);
    const routes = parsedRoutes.routes;
    // A created table's key schema is known now; an existing one's is checked when it is read.
    if (sourceTableName === "" && partitionKey) {
        const keys = [partitionKey, ...(sortKey ? [sortKey] : [])];
        problems.push(...keySchemaProblems(routes, excluded.names, keys, qualified, "the source table"));
    }
    if (routes && archiveScope.scope === "routed") {
        const filterProblem = routeFilterProblem(routes.map(toRouteDefinition));
        if (filterProblem) {
            problems.push(
                `${qualified("routes")} with ${qualified("archiveScope")} routed: ${filterProblem}.`,
            );
        }
    }

    const config = {
        batchSize: integer("batchSize"),
        batchingWindowSeconds: integer("batchingWindowSeconds"),
        maxRetryAttempts: integer("maxRetryAttempts"),
        maxRecordAgeSeconds: integer("maxRecordAgeSeconds"),
        parallelizationFactor: integer("parallelizationFactor"),
        memoryMb: integer("memoryMb"),
        timeoutSeconds: integer("timeoutSeconds"),
        writeConcurrency: integer("writeConcurrency"),
        tombstoneRetentionDays: integer("tombstoneRetentionDays"),
        archiveTransitionDays: integer("archiveTransitionDays"),
        archiveExpirationDays: integer("archiveExpirationDays"),
        failureExpirationDays: integer("failureExpirationDays"),
        noncurrentVersionExpirationDays: integer("noncurrentVersionExpirationDays"),
        iteratorAgeAlarmSeconds: integer("iteratorAgeAlarmSeconds"),
        errorsAlarmThreshold: integer("errorsAlarmThreshold"),
        throttlesAlarmThreshold: integer("throttlesAlarmThreshold"),
        backfillMaxConcurrency: integer("backfillMaxConcurrency"),
        backfillToleratedFailurePercentage: integer("backfillToleratedFailurePercentage"),
        exportExpirationDays: integer("exportExpirationDays"),
        deletionProtection: boolean("deletionProtection"),
        pointInTimeRecovery: boolean("pointInTimeRecovery"),
    };
    const reservedConcurrency = integer("reservedConcurrency");

    // Rules across keys: each names both keys and their values.
    if (config.archiveTransitionDays > 0 && config.archiveExpirationDays > 0) {
        if (config.archiveExpirationDays <= config.archiveTransitionDays) {
            problems.push(
                `${qualified("archiveExpirationDays")} is ${config.archiveExpirationDays}; allowed: more than ` +
                    `archiveTransitionDays (${config.archiveTransitionDays}), or 0 to keep objects forever ` +
                    `(S3 refuses an expiration that comes before the transition).`,
            );
        }
    }
    if (
        config.iteratorAgeAlarmSeconds <= config.batchingWindowSeconds ||
        config.iteratorAgeAlarmSeconds >= config.maxRecordAgeSeconds
    ) {
        problems.push(
            `${qualified("iteratorAgeAlarmSeconds")} is ${config.iteratorAgeAlarmSeconds}; allowed: more than ` +
                `batchingWindowSeconds (${config.batchingWindowSeconds}), which delays every batch, and less ` +
                `than maxRecordAgeSeconds (${config.maxRecordAgeSeconds}), past which records go to the ` +
                `failure destination before the alarm could warn.`,
        );
    }
    if (reservedConcurrency > 0 && reservedConcurrency < config.parallelizationFactor) {
        problems.push(
            `${qualified("reservedConcurrency")} is ${reservedConcurrency}; allowed: -1 (unreserved) or at least ` +
                `parallelizationFactor (${config.parallelizationFactor}): every shard runs that many batches at once.`,
        );
    }

    if (
        problems.length > 0 ||
        !partitionKey ||
        !archiveScope.scope ||
        !isOneOf(STARTING_POSITIONS, startingPosition) ||
        !isOneOf(TTL_EXPIRATION_MODES, ttlExpirations)
    ) {
        throw new ConfigError(problems, context.subject);
    }
    return {
        ...config,
        region,
        // An existing table brings its key schema; only a created one takes it from here.
        ...(sourceTableName !== "" ? { sourceTableName } : { partitionKey, ...(sortKey ? { sortKey } : {}) }),
        startingPosition,
        archivePrefix,
        logRetentionDays,
        ttlExpirations,
        ...(kmsKeyArn !== "" ? { kmsKeyArn } : {}),
        ...(reservedConcurrency > 0 ? { reservedConcurrency } : {}),
        ...(alarmEmail !== "" ? { alarmEmail } : {}),
        ...(routes ? { routes } : {}),
        archiveScope: archiveScope.scope,
        archiveExcludeAttributes: excluded.names,
    };
}

/**
 * Reads and validates this stack's config: the only place that touches `pulumi.Config`.
 *
 * @throws {ConfigError} naming each invalid or unknown key, its value and what is allowed
 */
export function readConfig(): ChangeFeedConfig {
    const config = new pulumi.Config(CONFIG_NAMESPACE);
    const namespacePrefix = `${CONFIG_NAMESPACE}:`;
    const setKeys = Object.keys(pulumi.runtime.allConfig())
        .filter((key) => key.startsWith(namespacePrefix))
        .map((key) => key.slice(namespacePrefix.length));
    // Where the AWS provider would deploy: its config, else the environment it falls back to.
    const region =
        new pulumi.Config("aws").get("region") || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
    return parseConfig((key) => config.get(key), setKeys, region ? { region } : {});
}

/** The region of a KMS key ARN validated by `parseConfig`. */
export function kmsKeyRegion(kmsKeyArn: string): string {
    const region = KMS_KEY_ARN_PATTERN.exec(kmsKeyArn)?.[1];
    if (region === undefined) throw new Error(`${kmsKeyArn} is not a KMS key ARN.`);
    return region;
}

function isOneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
    return typeof value === "string" && (allowed as readonly string[]).includes(value);
}

/**
 * A ChangeFeed's arguments: every stack config key, each optional with the same default and the
 * same allowed values (`readConfig()` returns a value of this type, too).
 */
export type ChangeFeedArgs = Partial<Omit<ChangeFeedConfig, "partitionKey" | "sortKey">> & {
    /** As a `KeyAttribute` or as in config (`id:S`). */
    readonly partitionKey?: KeyAttribute | string;
    readonly sortKey?: KeyAttribute | string;
};

/**
 * Validates a ChangeFeed's arguments with the rules of stack config and applies the defaults.
 *
 * @param name - the ChangeFeed's name, for the error's first line
 * @param fallbackRegion - the region when `args.region` is absent (the AWS provider's)
 * @throws {ConfigError} listing every invalid argument, named in backticks, with what is allowed
 */
export function resolveChangeFeedArgs(
    name: string,
    args: ChangeFeedArgs,
    fallbackRegion: string | undefined,
): ChangeFeedConfig {
    const values = args as Record<string, unknown>;
    const given = Object.keys(values).filter((key) => key !== "region" && values[key] !== undefined);
    const read = (key: string): string | undefined => {
        const value = values[key];
        if (value === undefined) return undefined;
        // Lists (routes, excluded attributes) as Pulumi stores a structured value: JSON.
        if (Array.isArray(value)) return JSON.stringify(value);
        if (typeof value === "object" && value !== null && "name" in value && "type" in value) {
            return `${String(value.name)}:${String(value.type)}`;
        }
        return String(value);
    };
    const region = args.region ?? fallbackRegion;
    return parseConfig(read, given, {
        ...(region ? { region } : {}),
        subject: `ChangeFeed "${name}" args`,
        nameKey: (key) => `\`${key}\``,
        removeHint: (key) => `Remove \`${key}\` from the args.`,
    });
}
