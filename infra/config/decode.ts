import { UnreadableRoutes } from "../routes";
import type { SettingValues } from "./check";
import { CONFIG_KEYS, SETTINGS, type Setting, type SettingKey } from "./settings";

/** Reads one raw config value (as Pulumi stores it: a string), or undefined when unset. */
export type RawConfigReader = (key: string) => string | undefined;

/**
 * Stack config's strings as the values a ChangeFeed's args would give: integers and booleans as
 * such, lists as the JSON Pulumi stores them as. A string that is not of its setting's type stays
 * a string, for the validation to show it as it was written.
 */
export function decodeStackConfig(read: RawConfigReader): SettingValues {
    const values: Partial<Record<SettingKey, unknown>> = {};
    for (const key of CONFIG_KEYS) {
        const raw = read(key);
        if (raw !== undefined) values[key] = decodeValue(SETTINGS[key], raw);
    }
    return values;
}

function decodeValue(setting: Setting, raw: string): unknown {
    switch (setting.kind) {
        case "integer":
        case "integerChoice":
            return /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
        case "boolean": {
            const text = raw.trim();
            return text === "true" ? true : text === "false" ? false : text;
        }
        case "nameList":
            return (parseJson(raw) ?? { value: raw }).value;
        case "routes":
            if (raw.trim() === "") return undefined;
            return (parseJson(raw) ?? { value: new UnreadableRoutes(raw) }).value;
        default:
            return raw;
    }
}

/** The JSON value of `text`, or undefined when it is not JSON. */
function parseJson(text: string): { readonly value: unknown } | undefined {
    try {
        return { value: JSON.parse(text) as unknown };
    } catch {
        return undefined;
    }
}
