/**
 * A change feed's settings: one description (settings.ts) that the stack reader, the validation
 * of a ChangeFeed's args, Pulumi.yaml's `config:` block and docs/configuration.md follow.
 */
export { ConfigError } from "./config-error";
export type { ConfigContext } from "./rules/check";
export type { RawConfigReader } from "./decode";
export { parseConfig, readConfig } from "./read-config";
export { resolveChangeFeedArgs } from "./resolve-args";
export {
    allowedValues,
    CONFIG_DEFAULTS,
    CONFIG_KEYS,
    CONFIG_NAMESPACE,
    INTEGER_RULES,
    SETTINGS,
    type ConfigKey,
    type IntegerRule,
    type Setting,
    type SettingKey,
} from "./settings";
export type { ChangeFeedArgs, ChangeFeedConfig } from "./types";
export {
    KEY_ATTRIBUTE_TYPES,
    kmsKeyRegion,
    LOG_RETENTION_DAYS,
    STARTING_POSITIONS,
    type KeyAttribute,
    type KeyAttributeType,
    type StartingPosition,
} from "./values";
