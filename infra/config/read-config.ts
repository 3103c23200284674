import * as pulumi from "@pulumi/pulumi";
import type { ConfigContext } from "./rules/check";
import { decodeStackConfig, type RawConfigReader } from "./decode";
import { CONFIG_NAMESPACE } from "./settings";
import type { ChangeFeedConfig } from "./types";
import { validateSettings } from "./validate";

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
