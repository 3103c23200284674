/**
 * A change feed's settings: one description (settings.ts) that the stack reader, the validation
 * of a ChangeFeed's args, Pulumi.yaml's `config:` block and docs/configuration.md follow.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ConfigContext, SettingValues } from "./check";
import { decodeStackConfig, type RawConfigReader } from "./decode";
import { validateSettings } from "./rules";
import { CONFIG_NAMESPACE } from "./settings";
import type { ChangeFeedArgs, ChangeFeedConfig } from "./values";

export { ConfigError } from "./check";
export type { ConfigContext } from "./check";
export type { RawConfigReader } from "./decode";
export {
    allowedValues,
    CONFIG_DEFAULTS,
    CONFIG_KEYS,
    CONFIG_NAMESPACE,
    INTEGER_RULES,
    SETTINGS,
    type IntegerRule,
    type Setting,
    type SettingKey,
} from "./settings";
export type { ChangeFeedArgs, ChangeFeedConfig } from "./values";
export {
    ArchiveScope,
    KEY_ATTRIBUTE_TYPES,
    keyAttribute,
    KeyAttributeType,
    kmsKeyRegion,
    LOG_RETENTION_DAYS,
    STARTING_POSITIONS,
    StartingPosition,
    TtlExpirationMode,
    type KeyAttribute,
} from "./values";

/**
 * Validates raw stack config and applies defaults: each string decoded once, then checked as a
 * ChangeFeed's args are.
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
    return validateSettings(decodeStackConfig(read), setKeys, context);
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
