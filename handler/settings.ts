import { InvalidSettingError, MissingSettingError } from "./errors";
import {
    ARCHIVE_SCOPES,
    EXPORT_BACKFILL_VARIABLES,
    SETTING_VARIABLES,
    TTL_EXPIRATION_MODES,
    WRITE_CONCURRENCY_RANGE,
    type DeployedRoute,
} from "./contract";
import type { HandlerSettings } from "./types";

/**
 * Reads the handler's settings from an environment, once per container, into the one shape every
 * part of the handler reads (or a `Pick` of it). No other module reads a variable (the factories
 * in `index.ts` hand this one `process.env`).
 *
 * @throws {MissingSettingError} naming the first variable that is unset or empty
 * @throws {InvalidSettingError} naming a variable whose value is out of range or not what the
 *   program writes (the routes and the archive's excluded attributes are JSON)
 */
export function readSettings(env: Readonly<Record<string, string | undefined>>): HandlerSettings {
    // Every setting has its variable, checked by the compiler.
    SETTING_VARIABLES satisfies Record<keyof HandlerSettings, string>;
    const required = (variable: string): string => {
        const value = env[variable];
        if (!value) throw new MissingSettingError(variable);
        return value;
    };
    const positiveInteger = (variable: string, max = Number.MAX_SAFE_INTEGER, min = 1): number => {
        const value = required(variable);
        const allowed =
            max === Number.MAX_SAFE_INTEGER
                ? `a whole number of ${min} or more`
                : `a whole number from ${min} to ${max}`;
        if (!/^[1-9]\d*$/.test(value) || Number(value) < min || Number(value) > max)
            throw new InvalidSettingError(variable, value, allowed);
        return Number(value);
    };
    const ttlExpirations = oneOf(
        SETTING_VARIABLES.ttlExpirations,
        required(SETTING_VARIABLES.ttlExpirations),
        TTL_EXPIRATION_MODES,
    );
    const routes = json(
        env,
        SETTING_VARIABLES.routes,
        isRouteList,
        "a JSON list of routes, each with name, table and match",
    );
    const scope = env[SETTING_VARIABLES.archiveScope];
    const archiveScope = scope ? oneOf(SETTING_VARIABLES.archiveScope, scope, ARCHIVE_SCOPES) : undefined;
    const archiveExcludeAttributes = json(
        env,
        SETTING_VARIABLES.archiveExcludeAttributes,
        isNameList,
        "a JSON list of attribute names",
    );
    return {
        // With routes, every write names its route's table.
        ...(routes ? {} : { projectionTable: required(SETTING_VARIABLES.projectionTable) }),
        archiveBucket: required(SETTING_VARIABLES.archiveBucket),
        archivePrefix: required(SETTING_VARIABLES.archivePrefix),
        writeConcurrency: positiveInteger(
            SETTING_VARIABLES.writeConcurrency,
            WRITE_CONCURRENCY_RANGE.max,
            WRITE_CONCURRENCY_RANGE.min,
        ),
        tombstoneTtlSeconds: positiveInteger(SETTING_VARIABLES.tombstoneTtlSeconds),
        ttlExpirations,
        serviceName: required(SETTING_VARIABLES.serviceName),
        metricsNamespace: required(SETTING_VARIABLES.metricsNamespace),
        ...(routes ? { routes } : {}),
        ...(archiveScope ? { archiveScope } : {}),
        ...(archiveExcludeAttributes ? { archiveExcludeAttributes } : {}),
    };
}

/**
 * Reads the export backfill function's one setting of its own: the source table's key attribute
 * names, partition key first.
 *
 * @throws {MissingSettingError} when the variable is unset or names no attribute
 */
export function readKeyAttributes(env: Readonly<Record<string, string | undefined>>): string[] {
    const variable = EXPORT_BACKFILL_VARIABLES.keyAttributes;
    const names = (env[variable] ?? "").split(",").filter((name) => name !== "");
    if (names.length === 0) throw new MissingSettingError(variable);
    return names;
}

/** A setting that takes one of a few words. */
function oneOf<T extends string>(variable: string, value: string, allowed: readonly T[]): T {
    if (!(allowed as readonly string[]).includes(value)) {
        throw new InvalidSettingError(variable, value, allowed.join(" or "));
    }
    return value as T;
}

/** An optional JSON setting: undefined when unset or empty. */
function json<T>(
    env: Readonly<Record<string, string | undefined>>,
    variable: string,
    isValid: (value: unknown) => value is T,
    allowed: string,
): T | undefined {
    const text = env[variable];
    if (!text) return undefined;
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        throw new InvalidSettingError(variable, text, allowed);
    }
    if (!isValid(value)) throw new InvalidSettingError(variable, text, allowed);
    return value;
}

function isNameList(value: unknown): value is string[] {
    return Array.isArray(value) && value.every((name) => typeof name === "string" && name !== "");
}

/** The shape the program writes; the program has validated the rest. */
function isRouteList(value: unknown): value is DeployedRoute[] {
    return (
        Array.isArray(value) &&
        value.length > 0 &&
        value.every((route: Partial<DeployedRoute> | null) => {
            if (typeof route !== "object" || route === null) return false;
            const { name, table, match } = route;
            const matchOk =
                match === "all" ||
                (typeof match === "object" &&
                    match !== null &&
                    ("keyPrefix" in match || "attributeEquals" in match));
            return (
                typeof name === "string" &&
                name !== "" &&
                typeof table === "string" &&
                table !== "" &&
                matchOk
            );
        })
    );
}
