import { checkArchive } from "./rules/archive";
import { Check, type ConfigContext, type SettingValues } from "./rules/check";
import { ConfigError } from "./config-error";
import { checkAcrossKeys } from "./rules/cross-key";
import { checkAlarmEmail, checkKmsKey, checkRegion } from "./rules/encryption-alarm";
import { checkRouting } from "./rules/routes";
import { checkScalars } from "./rules/scalar";
import { checkKnownKeys, checkSourceTable } from "./rules/source-table";
import type { ChangeFeedConfig } from "./types";

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
