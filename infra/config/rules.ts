/**
 * The validation of a change feed's settings, by concern: keys and the source table, the scalar
 * settings each alone, encryption and alarms, the archive, routes, and the rules across keys.
 * `validateSettings` runs them in that order and reports every problem at once.
 */
import type { ArchiveScope } from "../../handler/contract";
import {
    Check,
    checkBoolean,
    checkChoice,
    checkInteger,
    checkIntegerChoice,
    checkText,
    ConfigError,
    type ConfigContext,
    type SettingValues,
} from "./check";
import { CONFIG_KEYS, SETTINGS, type KeyOfKind, type Setting } from "./settings";
import {
    isOneOf,
    KEY_ATTRIBUTE_NAME_PATTERN,
    KEY_ATTRIBUTE_TYPES,
    KMS_KEY_ARN_PATTERN,
    type ChangeFeedConfig,
    type KeyAttribute,
} from "./values";
import { routeFilterProblem } from "../route-filter";
import { checkAttributeList, checkRoutes, keySchemaProblems, toRouteDefinition, type Route } from "../routes";

/**
 * Checks setting values against the description, defaults applied, and returns the feed's settings.
 * Both paths end here: stack config once decoded from its strings, and a ChangeFeed's args as given.
 *
 * @param given - the values that were given, by key
 * @param setKeys - every key that was given, to report the unknown ones and keys that conflict
 * @param context - the region, and how problems name a key
 * @throws {ConfigError} listing every problem at once, each naming its key and what is allowed
 */
export function validateSettings(
    given: SettingValues,
    setKeys: readonly string[],
    context: ConfigContext = {},
): ChangeFeedConfig {
    const check = new Check(given, setKeys, context);
    checkKnownKeys(check);
    const source = checkSourceTable(check);
    const scalars = checkScalars(check);
    const region = checkRegion(check);
    const kmsKeyArn = checkKmsKey(check, region);
    const alarmEmail = checkAlarmEmail(check);
    const archive = checkArchive(check);
    const routes = checkRouting(check, source, archive.archiveExcludeAttributes, scalars.archiveScope);
    checkAcrossKeys(check, scalars);
    if (check.problems.length > 0 || !source.partitionKey)
        throw new ConfigError(check.problems, context.subject);

    const { reservedConcurrency, ...rest } = scalars;
    return {
        ...rest,
        ...archive,
        region,
        // An existing table brings its key schema; only a created one takes it from here.
        ...(source.sourceTableName !== ""
            ? { sourceTableName: source.sourceTableName }
            : { partitionKey: source.partitionKey, ...(source.sortKey ? { sortKey: source.sortKey } : {}) }),
        ...(kmsKeyArn !== "" ? { kmsKeyArn } : {}),
        ...(reservedConcurrency > 0 ? { reservedConcurrency } : {}),
        ...(alarmEmail !== "" ? { alarmEmail } : {}),
        ...(routes ? { routes } : {}),
    };
}

/** The source table as the settings describe it: an existing table by name, or the key schema of one to create. */
type SourceTableSettings = {
    /** "" when the feed creates the table. */
    readonly sourceTableName: string;
    readonly partitionKey: KeyAttribute | undefined;
    readonly sortKey: KeyAttribute | undefined;
};

/** Reports every key that was set but is no setting, with how to remove it. */
function checkKnownKeys(check: Check): void {
    for (const key of check.setKeys) {
        if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
            check.report(
                `${check.name(key)} is not a known key; known keys: ${CONFIG_KEYS.join(", ")}. ${check.removeHint(key)}`,
            );
        }
    }
}

/** The existing table's name, or the created table's partition and sort keys, never both. */
function checkSourceTable(check: Check): SourceTableSettings {
    const sourceTableName = checkText(check, "sourceTableName");
    if (sourceTableName !== "") {
        // An existing table brings its own key schema; a second one in config could only disagree.
        for (const key of ["partitionKey", "sortKey"] as const) {
            if (check.setKeys.includes(key)) {
                check.report(
                    `${check.name(key)} is set together with ${check.name("sourceTableName")}; allowed: only one of ` +
                        `them: the existing table's key schema is used for the projection. ${check.removeHint(key)}`,
                );
            }
        }
    }
    const partitionKey = checkKeyAttribute(check, "partitionKey");
    const sortKey = checkKeyAttribute(check, "sortKey");
    if (partitionKey && sortKey && partitionKey.name === sortKey.name) {
        check.report(
            `${check.name("sortKey")} names "${sortKey.name}", the partition key's attribute; ` +
                `allowed: a different attribute name, or "" for no sort key.`,
        );
    }
    return { sourceTableName, partitionKey, sortKey };
}

/** A key attribute given as `name:type` or as a `KeyAttribute`; undefined for "" where optional. */
function checkKeyAttribute(check: Check, key: KeyOfKind<"keyAttribute">): KeyAttribute | undefined {
    const setting = SETTINGS[key];
    const given = check.values[key];
    const written = typeof given === "string" ? given.trim() : undefined;
    if (written === "" && setting.optional) return undefined;
    const { name, type } =
        written !== undefined
            ? splitKeyAttribute(written)
            : ((typeof given === "object" && given !== null ? given : {}) as Partial<KeyAttribute>);
    if (
        typeof name !== "string" ||
        !KEY_ATTRIBUTE_NAME_PATTERN.test(name) ||
        !isOneOf(KEY_ATTRIBUTE_TYPES, type)
    ) {
        const shown = written ?? `${String(name)}:${String(type)}`;
        check.refuse(key, `"${shown}"`, ` (e.g. pulumi config set ${key} ${setting.example})`);
        return undefined;
    }
    return { name, type };
}

/** `name:type` as written in stack config; no colon leaves the type undefined. */
function splitKeyAttribute(written: string): { name: string; type: string | undefined } {
    const colon = written.lastIndexOf(":");
    return colon < 0
        ? { name: written, type: undefined }
        : { name: written.slice(0, colon), type: written.slice(colon + 1) };
}

/** Every integer, boolean and one-of-a-list setting, each checked alone against its description. */
type Scalars = { readonly [K in KeyOfKind<"integer" | "integerChoice">]: number } & {
    readonly [K in KeyOfKind<"boolean">]: boolean;
} & { readonly [K in KeyOfKind<"choice">]: (typeof SETTINGS)[K]["values"][number] };

/**
 * Checks every scalar setting in the description's order. An integer that is not one reads as
 * NaN, so the rules across keys compare it quietly; anything invalid is reported, and the values
 * are used only when nothing is.
 */
function checkScalars(check: Check): Scalars {
    const scalars: Record<string, unknown> = {};
    for (const key of CONFIG_KEYS) {
        const setting: Setting = SETTINGS[key];
        if (setting.kind === "integer") scalars[key] = checkInteger(check, key as KeyOfKind<"integer">);
        if (setting.kind === "integerChoice") {
            scalars[key] = checkIntegerChoice(check, key as KeyOfKind<"integerChoice">);
        }
        if (setting.kind === "boolean") scalars[key] = checkBoolean(check, key as KeyOfKind<"boolean">);
        if (setting.kind === "choice") scalars[key] = checkChoice(check, key as KeyOfKind<"choice">);
    }
    return scalars as Scalars;
}

/** The stack's region: alarms and the dashboard name it, and a KMS key must live there. "" (reported) when unset. */
function checkRegion(check: Check): string {
    const region = check.context.region?.trim() ?? "";
    if (region === "") {
        check.report(
            `aws:region is not set; allowed: the AWS region to deploy to (e.g. pulumi config set aws:region us-east-1).`,
        );
    }
    return region;
}

/** A KMS key in the stack's region, or "" for AWS-managed encryption. */
function checkKmsKey(check: Check, region: string): string {
    const kmsKeyArn = checkText(check, "kmsKeyArn");
    const keyRegion = KMS_KEY_ARN_PATTERN.exec(kmsKeyArn)?.[1];
    if (keyRegion !== undefined && region !== "" && keyRegion !== region) {
        check.report(
            `${check.name("kmsKeyArn")} is a key in ${keyRegion}; allowed: a key in the stack's region ` +
                `${region} (aws:region): S3, DynamoDB, CloudWatch Logs and SNS only use keys in their own region.`,
        );
    }
    return kmsKeyArn;
}

/** The on-call's email address, or "" for no subscription. */
function checkAlarmEmail(check: Check): string {
    return checkText(check, "alarmEmail");
}

/** The archive's key prefix and the attributes it leaves out (its scope is a scalar choice). */
type ArchiveSettings = {
    readonly archivePrefix: string;
    readonly archiveExcludeAttributes: string[];
};

function checkArchive(check: Check): ArchiveSettings {
    const archivePrefix = checkText(check, "archivePrefix");
    const excluded = checkAttributeList(
        check.values.archiveExcludeAttributes,
        check.name("archiveExcludeAttributes"),
    );
    check.problems.push(...excluded.problems);
    return { archivePrefix, archiveExcludeAttributes: excluded.names };
}

/**
 * The routes, checked alone, against a created table's key schema (an existing table's is checked
 * when it is read), and, for a routed archive, against what the mapping's filter can express.
 */
function checkRouting(
    check: Check,
    source: SourceTableSettings,
    archiveExcludeAttributes: readonly string[],
    archiveScope: ArchiveScope | undefined,
): Route[] | undefined {
    const checked = checkRoutes(check.values.routes, check.name("routes"));
    check.problems.push(...checked.problems);
    const { routes } = checked;
    if (source.sourceTableName === "" && source.partitionKey) {
        const keys = [source.partitionKey, ...(source.sortKey ? [source.sortKey] : [])];
        check.problems.push(
            ...keySchemaProblems(routes, archiveExcludeAttributes, keys, check.name, "the source table"),
        );
    }
    if (routes && archiveScope === "routed") {
        const filterProblem = routeFilterProblem(routes.map(toRouteDefinition));
        if (filterProblem) {
            check.report(
                `${check.name("routes")} with ${check.name("archiveScope")} routed: ${filterProblem}.`,
            );
        }
    }
    return routes;
}

/** Rules between integer settings: each problem names both keys and their values. */
function checkAcrossKeys(check: Check, values: Scalars): void {
    const { archiveTransitionDays, archiveExpirationDays } = values;
    if (
        archiveTransitionDays > 0 &&
        archiveExpirationDays > 0 &&
        archiveExpirationDays <= archiveTransitionDays
    ) {
        check.report(
            `${check.name("archiveExpirationDays")} is ${archiveExpirationDays}; allowed: more than ` +
                `archiveTransitionDays (${archiveTransitionDays}), or 0 to keep objects forever ` +
                `(S3 refuses an expiration that comes before the transition).`,
        );
    }
    const { iteratorAgeAlarmSeconds, batchingWindowSeconds, maxRecordAgeSeconds } = values;
    if (iteratorAgeAlarmSeconds <= batchingWindowSeconds || iteratorAgeAlarmSeconds >= maxRecordAgeSeconds) {
        check.report(
            `${check.name("iteratorAgeAlarmSeconds")} is ${iteratorAgeAlarmSeconds}; allowed: more than ` +
                `batchingWindowSeconds (${batchingWindowSeconds}), which delays every batch, and less ` +
                `than maxRecordAgeSeconds (${maxRecordAgeSeconds}), past which records go to the ` +
                `failure destination before the alarm could warn.`,
        );
    }
    const { reservedConcurrency, parallelizationFactor } = values;
    if (reservedConcurrency > 0 && reservedConcurrency < parallelizationFactor) {
        check.report(
            `${check.name("reservedConcurrency")} is ${reservedConcurrency}; allowed: -1 (unreserved) or at least ` +
                `parallelizationFactor (${parallelizationFactor}): every shard runs that many batches at once.`,
        );
    }
}
