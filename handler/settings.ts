import { missingSettingError } from "./errors";
import type { HandlerSettings } from "./types";

/** The environment variables the Pulumi program sets on the function. */
export const SETTING_VARIABLES = {
    projectionTable: "PROJECTION_TABLE",
    archiveBucket: "ARCHIVE_BUCKET",
    archivePrefix: "ARCHIVE_PREFIX",
} as const satisfies Record<keyof HandlerSettings, string>;

/**
 * Reads the handler's settings from an environment.
 *
 * @throws {MissingSettingError} naming the first variable that is unset or empty
 */
export function readSettings(env: Readonly<Record<string, string | undefined>>): HandlerSettings {
    const required = (variable: string): string => {
        const value = env[variable];
        if (!value) throw missingSettingError(variable);
        return value;
    };
    return {
        projectionTable: required(SETTING_VARIABLES.projectionTable),
        archiveBucket: required(SETTING_VARIABLES.archiveBucket),
        archivePrefix: required(SETTING_VARIABLES.archivePrefix),
    };
}
