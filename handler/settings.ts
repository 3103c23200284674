import { invalidSettingError, missingSettingError } from "./errors";
import {
    SETTING_VARIABLES,
    TTL_EXPIRATION_MODES,
    WRITE_CONCURRENCY_RANGE,
    type TtlExpirationMode,
} from "./contract";
import type { HandlerSettings } from "./types";

/**
 * Reads the handler's settings from an environment.
 *
 * @throws {MissingSettingError} naming the first variable that is unset or empty
 * @throws {InvalidSettingError} naming a variable whose value is out of range
 */
export function readSettings(env: Readonly<Record<string, string | undefined>>): HandlerSettings {
    // Every setting has its variable, checked by the compiler.
    SETTING_VARIABLES satisfies Record<keyof HandlerSettings, string>;
    const required = (variable: string): string => {
        const value = env[variable];
        if (!value) throw missingSettingError(variable);
        return value;
    };
    const positiveInteger = (variable: string, max = Number.MAX_SAFE_INTEGER, min = 1): number => {
        const value = required(variable);
        const allowed =
            max === Number.MAX_SAFE_INTEGER
                ? `a whole number of ${min} or more`
                : `a whole number from ${min} to ${max}`;
        if (!/^[1-9]\d*$/.test(value) || Number(value) < min || Number(value) > max)
            throw invalidSettingError(variable, value, allowed);
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
        writeConcurrency: positiveInteger(
            SETTING_VARIABLES.writeConcurrency,
            WRITE_CONCURRENCY_RANGE.max,
            WRITE_CONCURRENCY_RANGE.min,
        ),
        tombstoneTtlSeconds: positiveInteger(SETTING_VARIABLES.tombstoneTtlSeconds),
        ttlExpirations: ttlExpirations as TtlExpirationMode,
        serviceName: required(SETTING_VARIABLES.serviceName),
        metricsNamespace: required(SETTING_VARIABLES.metricsNamespace),
    };
}
