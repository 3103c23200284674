import {
    CONFIG_NAMESPACE,
    CONFIG_KEYS,
    SETTINGS,
    allowedValues,
    type Setting,
    type SettingKey,
} from "./settings";

/** The command that rewrites docs/configuration.md from this module (package.json's script). */
export const REFERENCE_COMMAND = "npm run docs:config";

/**
 * docs/configuration.md: every setting's key, type, default, allowed values and meaning, and the
 * shape of `routes`, rendered from the description in config/settings.ts (prettier then formats it).
 */
export function renderConfigurationReference(): string {
    const rows = CONFIG_KEYS.map((key) => [
        `\`${key}\``,
        typeName(SETTINGS[key]),
        defaultShown(SETTINGS[key]),
        allowedShown(key),
        SETTINGS[key].description,
    ]);
    const routes = SETTINGS.routes;
    return [
        "# Configuration",
        "",
        `<!-- Rendered from infra/config/settings.ts by \`${REFERENCE_COMMAND}\`: edit that file, not this one. -->`,
        "",
        `Every setting of a change feed is a stack config key in the \`${CONFIG_NAMESPACE}\` namespace ` +
            `(\`pulumi config set <key> <value>\`, or \`${CONFIG_NAMESPACE}:<key>\` in \`stacks/Pulumi.<stack>.yaml\`) ` +
            "and a property of the `ChangeFeed` component's args. Pulumi.yaml declares each key with its " +
            "default; a stack file sets only what differs. Every value is checked before anything is " +
            "declared, and every problem is reported at once.",
        "",
        table(["Key", "Type", "Default", "Allowed", "Meaning"], rows),
        "",
        "## `routes`",
        "",
        `${routes.description} Pulumi.yaml cannot type a list of objects, so it documents this shape in a comment. Each route has:`,
        "",
        table(
            ["Field", "Meaning"],
            routes.shape.map(({ field, meaning }) => [`\`${field}\``, meaning]),
        ),
        "",
        "For example, in a stack file:",
        "",
        "```yaml",
        routes.example,
        "```",
        "",
        "Why some values AWS accepts are refused, how routes are checked against the mapping's filter, " +
            "and what the dev and prod stacks choose and why: [choosing-settings.md](choosing-settings.md).",
        "",
    ].join("\n");
}

/** The type Pulumi.yaml declares (routes: what it would be, were it declarable). */
export function pulumiType(setting: Setting): "integer" | "boolean" | "string" | "array" | undefined {
    switch (setting.kind) {
        case "integer":
        case "integerChoice":
            return "integer";
        case "boolean":
            return "boolean";
        case "nameList":
            return "array";
        case "routes":
            return undefined;
        default:
            return "string";
    }
}

function typeName(setting: Setting): string {
    if (setting.kind === "nameList") return "list of strings";
    if (setting.kind === "routes") return "list of routes";
    return pulumiType(setting) ?? "";
}

function defaultShown(setting: Setting): string {
    return "default" in setting ? `\`${JSON.stringify(setting.default)}\`` : "none";
}

function allowedShown(key: SettingKey): string {
    const setting: Setting = SETTINGS[key];
    const why = setting.kind === "integer" && setting.refused ? ` (${setting.refused.why})` : "";
    return allowedValues(key) + why;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
    const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
    return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** A table cell: a pipe would end the cell, `<x>` would be an HTML tag, `_x_` would be in italics. */
function cell(text: string): string {
    return text
        .replace(/\|/g, "\\|")
        .replace(/</g, "\\<")
        .replace(/(^|[^`\w])_(\w+)_/g, "$1\\_$2\\_");
}

if (require.main === module) process.stdout.write(renderConfigurationReference());
