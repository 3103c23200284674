import { CONFIG_KEYS, SETTINGS, type KeyOfKind } from "../settings";
import { KEY_ATTRIBUTE_NAME_PATTERN, KEY_ATTRIBUTE_TYPES, isOneOf, type KeyAttribute } from "../values";
import { checkText, type Check } from "./check";

/** The source table as the settings describe it: an existing table by name, or the key schema of one to create. */
export type SourceTableSettings = {
    /** "" when the feed creates the table. */
    readonly sourceTableName: string;
    readonly partitionKey: KeyAttribute | undefined;
    readonly sortKey: KeyAttribute | undefined;
};

/** Reports every key that was set but is no setting, with how to remove it. */
export function checkKnownKeys(check: Check): void {
    for (const key of check.setKeys) {
        if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
            check.report(
                `${check.name(key)} is not a known key; known keys: ${CONFIG_KEYS.join(", ")}. ${check.removeHint(key)}`,
            );
        }
    }
}

/** The existing table's name, or the created table's partition and sort keys, never both. */
export function checkSourceTable(check: Check): SourceTableSettings {
    const sourceTableName = checkText(check, "sourceTableName");
    if (sourceTableName !== "") {
        // An existing table brings its own key schema; a second one in config could only disagree.
        for (const key of ["partitionKey", "sortKey"] as const) {
            if (check.setKeys.includes(key)) {
                check.report(
                    `${check.name(key)} is set together with ${check.name("sourceTableName")}; allowed: only one of ` +
                        `them: the existing table's key schema is used for the projection. ${check.removeHint(key)}`,
                );
            }
        }
    }
    const partitionKey = checkKeyAttribute(check, "partitionKey");
    const sortKey = checkKeyAttribute(check, "sortKey");
    if (partitionKey && sortKey && partitionKey.name === sortKey.name) {
        check.report(
            `${check.name("sortKey")} names "${sortKey.name}", the partition key's attribute; ` +
                `allowed: a different attribute name, or "" for no sort key.`,
        );
    }
    return { sourceTableName, partitionKey, sortKey };
}

/** A key attribute given as `name:type` or as a `KeyAttribute`; undefined for "" where optional. */
function checkKeyAttribute(check: Check, key: KeyOfKind<"keyAttribute">): KeyAttribute | undefined {
    const setting = SETTINGS[key];
    const given = check.values[key];
    const written = typeof given === "string" ? given.trim() : undefined;
    if (written === "" && setting.optional) return undefined;
    const { name, type } =
        written !== undefined ? splitKeyAttribute(written) : (given as Partial<KeyAttribute>);
    if (
        typeof name !== "string" ||
        !KEY_ATTRIBUTE_NAME_PATTERN.test(name) ||
        !isOneOf(KEY_ATTRIBUTE_TYPES, type)
    ) {
        const shown = written ?? `${String(name)}:${String(type)}`;
        check.refuse(key, `"${shown}"`, ` (e.g. pulumi config set ${key} ${setting.example})`);
        return undefined;
    }
    return { name, type };
}

/** `name:type` as written in stack config; no colon leaves the type undefined. */
function splitKeyAttribute(written: string): { name: string; type: string | undefined } {
    const colon = written.lastIndexOf(":");
    return colon < 0
        ? { name: written, type: undefined }
        : { name: written.slice(0, colon), type: written.slice(colon + 1) };
}
