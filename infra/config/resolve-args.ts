import type { SettingValues } from "./rules/check";
import type { ChangeFeedArgs, ChangeFeedConfig } from "./types";
import { validateSettings } from "./validate";

/**
 * Validates a ChangeFeed's arguments with the rules of stack config and applies the defaults.
 * The values are checked as they are typed; nothing is turned into text and parsed again, so a
 * value of `readConfig()` (already typed) passes through unchanged.
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
    const { region: given, ...values } = args;
    const setKeys = Object.entries(values)
        .filter(([, value]) => value !== undefined)
        .map(([key]) => key);
    const region = given ?? fallbackRegion;
    return validateSettings(values as SettingValues, setKeys, {
        ...(region ? { region } : {}),
        subject: `ChangeFeed "${name}" args`,
        nameKey: (key) => `\`${key}\``,
        removeHint: (key) => `Remove \`${key}\` from the args.`,
    });
}
