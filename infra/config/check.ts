import {
    CONFIG_NAMESPACE,
    SETTINGS,
    allowedValues,
    type KeyOfKind,
    type Setting,
    type SettingKey,
} from "./settings";
import { isOneOf } from "./values";

/** Thrown when stack config (or a ChangeFeed's args) is invalid; lists every problem, each naming its key and the fix. */
export class ConfigError extends Error {
    public readonly problems: readonly string[];

    public constructor(problems: readonly string[], subject = `stack config for ${CONFIG_NAMESPACE}`) {
        super(`Invalid ${subject}:\n` + problems.map((problem) => `  - ${problem}`).join("\n"));
        this.name = "ConfigError";
        this.problems = problems;
    }
}

/** How problems name the values and what they are checked against besides their own settings. */
export type ConfigContext = {
    /** The stack's AWS region (`aws:region`): alarms and the dashboard name it, and a KMS key must live there. */
    readonly region?: string;
    /** What the values are, for the error's first line (default: the stack config). */
    readonly subject?: string;
    /** How a problem names a key (default: `ddb-changefeed:<key>`, as `pulumi config` shows it). */
    readonly nameKey?: (key: string) => string;
    /** How to remove an unknown key (default: the `pulumi config rm` command). */
    readonly removeHint?: (key: string) => string;
};

/** Setting values as given (stack config decoded, or a ChangeFeed's args), not yet checked. */
export type SettingValues = { readonly [K in SettingKey]?: unknown };

/** The values every rule reads: what was given, else the setting's default (routes has none). */
export type Candidate = { readonly [K in SettingKey]: unknown };

/** What the rules share: the values, the keys that were set, how to name a key, and the problems so far. */
export class Check {
    public readonly problems: string[] = [];
    public readonly values: Candidate;
    public readonly name: (key: string) => string;
    public readonly removeHint: (key: string) => string;

    public constructor(
        given: SettingValues,
        public readonly setKeys: readonly string[],
        public readonly context: ConfigContext,
    ) {
        this.values = withDefaults(given);
        this.name = context.nameKey ?? ((key) => `${CONFIG_NAMESPACE}:${key}`);
        this.removeHint = context.removeHint ?? ((key) => `Remove it with: pulumi config rm ${key}`);
    }

    public report(problem: string | undefined): void {
        if (problem !== undefined) this.problems.push(problem);
    }

    /** "<key> is <shown>; allowed: <what the setting allows><why>." */
    public refuse(key: SettingKey, shown: string, why = ""): void {
        this.problems.push(`${this.name(key)} is ${shown}; allowed: ${allowedValues(key)}${why}.`);
    }
}

function withDefaults(given: SettingValues): Candidate {
    return Object.fromEntries(
        (Object.keys(SETTINGS) as SettingKey[]).map((key) => {
            const setting: Setting = SETTINGS[key];
            const fallback = "default" in setting ? setting.default : undefined;
            return [key, given[key] !== undefined ? given[key] : fallback];
        }),
    ) as Candidate;
}

/** An integer in its range; NaN (reported) when the value is not an integer, so comparisons fail quietly. */
export function checkInteger(check: Check, key: KeyOfKind<"integer">): number {
    const rule = SETTINGS[key];
    const value = check.values[key];
    if (typeof value !== "number" || !Number.isInteger(value)) {
        check.refuse(key, `"${String(value)}"`);
        return Number.NaN;
    }
    const refused = "refused" in rule ? rule.refused : undefined;
    const isRefused = refused?.value === value;
    if (value < rule.min || value > rule.max || isRefused) {
        check.refuse(key, String(value), isRefused ? ` (${refused?.why})` : "");
    }
    return value;
}

/** An integer from the setting's list. */
export function checkIntegerChoice(check: Check, key: KeyOfKind<"integerChoice">): number {
    const value = check.values[key];
    if (!isOneOf<number>(SETTINGS[key].values, value)) check.refuse(key, `"${String(value)}"`);
    return Number(value);
}

export function checkBoolean(check: Check, key: KeyOfKind<"boolean">): boolean {
    const value = check.values[key];
    if (typeof value !== "boolean") check.refuse(key, `"${String(value)}"`);
    return value === true;
}

/** One of the setting's values; undefined (reported) otherwise. */
export function checkChoice<K extends KeyOfKind<"choice">>(
    check: Check,
    key: K,
): (typeof SETTINGS)[K]["values"][number] | undefined {
    const setting: Setting = SETTINGS[key];
    const given = check.values[key];
    const value =
        setting.kind === "choice" && setting.trim && typeof given === "string" ? given.trim() : given;
    if (isOneOf<string>(SETTINGS[key].values, value)) return value as (typeof SETTINGS)[K]["values"][number];
    check.refuse(key, `"${String(value)}"`);
    return undefined;
}

/** A string matching the setting's pattern; "" for none where the setting is optional. */
export function checkText(check: Check, key: KeyOfKind<"text">): string {
    const setting = SETTINGS[key] as Extract<Setting, { kind: "text" }>;
    const given = String(check.values[key]);
    const value = setting.trim ? given.trim() : given;
    if (value === "" && setting.optional) return "";
    if (!setting.pattern.test(value) || value.length > (setting.maxLength ?? Infinity)) {
        check.refuse(key, `"${value}"`);
    }
    return value;
}
