import { invalidSettingError, missingSettingError } from "./errors";
import { TTL_EXPIRATION_MODES, type TtlExpirationMode } from "./ttl";
import type { HandlerSettings } from "./types";

/** The environment variables the Pulumi program sets on the function. */
export const SETTING_VARIABLES = {
    projectionTable: "PROJECTION_TABLE",
    archiveBucket: "ARCHIVE_BUCKET",
    archivePrefix: "ARCHIVE_PREFIX",
    writeConcurrency: "WRITE_CONCURRENCY",
    tombstoneTtlSeconds: "TOMBSTONE_TTL_SECONDS",
    ttlExpirations: "TTL_EXPIRATIONS",
    // Powertools' own variable names, so its Logger and Metrics would read them too.
    serviceName: "POWERTOOLS_SERVICE_NAME",
    metricsNamespace: "POWERTOOLS_METRICS_NAMESPACE",
} as const satisfies Record<keyof HandlerSettings, string>;

/**
 * Reads the handler's settings from an environment.
 *
 * @throws {MissingSettingError} naming the first variable that is unset or empty
 * @throws {InvalidSettingError} naming a variable whose value is out of range
 */
export function readSettings(env: Readonly<Record<string, string | undefined>>): HandlerSettings {
    const required = (variable: string): string => {
        const value = env[variable];
        if (!value) throw missingSettingError(variable);
        return value;
    };
    const positiveInteger = (variable: string): number => {
        const value = required(variable);
        if (!/^[1-9]\d*$/.test(value))
            throw invalidSettingError(variable, value, "a whole number of 1 or more");
        return Number(value);
    };
    const ttlExpirations = required(SETTING_VARIABLES.ttlExpirations);
    if (!(TTL_EXPIRATION_MODES as readonly string[]).includes(ttlExpirations)) {
        throw invalidSettingError(
            SETTING_VARIABLES.ttlExpirations,
            ttlExpirations,
            TTL_EXPIRATION_MODES.join(" or "),
        );
    }
    return {
        projectionTable: required(SETTING_VARIABLES.projectionTable),
        archiveBucket: required(SETTING_VARIABLES.archiveBucket),
        archivePrefix: required(SETTING_VARIABLES.archivePrefix),
        writeConcurrency: positiveInteger(SETTING_VARIABLES.writeConcurrency),
        tombstoneTtlSeconds: positiveInteger(SETTING_VARIABLES.tombstoneTtlSeconds),
        ttlExpirations: ttlExpirations as TtlExpirationMode,
        serviceName: required(SETTING_VARIABLES.serviceName),
        metricsNamespace: required(SETTING_VARIABLES.metricsNamespace),
    };
}
