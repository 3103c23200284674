import * as pulumi from "@pulumi/pulumi";
import { TTL_EXPIRATION_MODES, type TtlExpirationMode } from "./handler/ttl";

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
    readonly partitionKey: KeyAttribute;
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
};

type IntegerRule = { readonly min: number; readonly max: number; readonly why?: string };

/**
 * AWS's ranges (see ../shared/DESIGN.md). Retries and record age exclude AWS's -1 ("infinite"):
 * one poison record would then block its shard for the stream's whole 24-hour retention.
 */
export const INTEGER_RULES = {
    batchSize: { min: 1, max: 10_000 },
    batchingWindowSeconds: { min: 0, max: 300 },
    maxRetryAttempts: {
        min: 0,
        max: 10_000,
        why: "-1 (infinite) is refused: one poison record would block its shard for up to 24 hours",
    },
    maxRecordAgeSeconds: {
        min: 60,
        max: 604_800,
        why: "-1 (infinite) is refused: one poison record would block its shard for up to 24 hours",
    },
    parallelizationFactor: { min: 1, max: 10 },
    memoryMb: { min: 128, max: 10_240 },
    timeoutSeconds: { min: 1, max: 900 },
    writeConcurrency: { min: 1, max: 100 },
    // At least the stream's 24-hour retention, so no re-delivery can outlive a tombstone.
    tombstoneRetentionDays: { min: 1, max: 365 },
} as const satisfies Record<string, IntegerRule>;

type IntegerKey = keyof typeof INTEGER_RULES;

/** Defaults, identical to the `default:` of each key in Pulumi.yaml (a test keeps them in step). */
export const CONFIG_DEFAULTS = {
    partitionKey: "id:S",
    sortKey: "",
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
} as const;

export type ConfigKey = keyof typeof CONFIG_DEFAULTS;
export const CONFIG_KEYS = Object.keys(CONFIG_DEFAULTS) as ConfigKey[];

const KEY_ATTRIBUTE_PATTERN = /^([A-Za-z0-9_.-]{1,255}):([A-Z]+)$/;
const ARCHIVE_PREFIX_PATTERN = /^([A-Za-z0-9._=-]+\/)+$/;
const MAX_ARCHIVE_PREFIX_LENGTH = 512;

/** Thrown when stack config is invalid; lists every problem, each naming its key and the fix. */
export class ConfigError extends Error {
    public readonly problems: readonly string[];

    public constructor(problems: readonly string[]) {
        super(
            `Invalid stack config for ${CONFIG_NAMESPACE}:\n` +
                problems.map((problem) => `  - ${problem}`).join("\n"),
        );
        this.name = "ConfigError";
        this.problems = problems;
    }
}

/** Reads one raw config value (as Pulumi stores it: a string), or undefined when unset. */
export type RawConfigReader = (key: string) => string | undefined;

/**
 * Validates raw stack config and applies defaults.
 *
 * @param read - returns the raw string of a key in the project namespace, or undefined
 * @param setKeys - every key set in the project namespace, to report the unknown ones
 * @throws {ConfigError} listing every invalid or unknown key with its allowed values
 */
export function parseConfig(read: RawConfigReader, setKeys: readonly string[]): ChangeFeedConfig {
    const problems: string[] = [];
    const raw = (key: ConfigKey): string => read(key) ?? String(CONFIG_DEFAULTS[key]);

    for (const key of setKeys) {
        if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
            problems.push(
                `${qualified(key)} is not a known key; known keys: ${CONFIG_KEYS.join(", ")}. ` +
                    `Remove it with: pulumi config rm ${key}`,
            );
        }
    }

    const integer = (key: IntegerKey): number => {
        const rule: IntegerRule = INTEGER_RULES[key];
        const value = raw(key);
        const allowed = `an integer from ${rule.min} to ${rule.max}`;
        if (!/^-?\d+$/.test(value.trim())) {
            problems.push(`${qualified(key)} is "${value}"; allowed: ${allowed}.`);
            return Number.NaN;
        }
        const parsed = Number(value);
        if (parsed < rule.min || parsed > rule.max) {
            const why = rule.why && parsed === -1 ? ` (${rule.why})` : "";
            problems.push(`${qualified(key)} is ${parsed}; allowed: ${allowed}${why}.`);
        }
        return parsed;
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
    };

    if (
        problems.length > 0 ||
        !partitionKey ||
        !isOneOf(STARTING_POSITIONS, startingPosition) ||
        !isOneOf(TTL_EXPIRATION_MODES, ttlExpirations)
    ) {
        throw new ConfigError(problems);
    }
    return {
        ...config,
        partitionKey,
        ...(sortKey ? { sortKey } : {}),
        startingPosition,
        archivePrefix,
        logRetentionDays,
        ttlExpirations,
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
    return parseConfig((key) => config.get(key), setKeys);
}

function qualified(key: string): string {
    return `${CONFIG_NAMESPACE}:${key}`;
}

function isOneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
    return typeof value === "string" && (allowed as readonly string[]).includes(value);
}
