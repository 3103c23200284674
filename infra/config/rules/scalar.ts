import { checkBoolean, checkChoice, checkInteger, checkIntegerChoice, type Check } from "./check";
import { CONFIG_KEYS, SETTINGS, type KeyOfKind, type Setting } from "../settings";

/** Every integer, boolean and one-of-a-list setting, each checked alone against its description. */
export type Scalars = { readonly [K in KeyOfKind<"integer" | "integerChoice">]: number } & {
    readonly [K in KeyOfKind<"boolean">]: boolean;
} & { readonly [K in KeyOfKind<"choice">]: (typeof SETTINGS)[K]["values"][number] };

/**
 * Checks every scalar setting in the description's order. An integer that is not one reads as
 * NaN, so the rules across keys compare it quietly; anything invalid is reported, and the values
 * are used only when nothing is.
 */
export function checkScalars(check: Check): Scalars {
    const scalars: Record<string, unknown> = {};
    for (const key of CONFIG_KEYS) {
        const setting: Setting = SETTINGS[key];
        if (setting.kind === "integer") scalars[key] = checkInteger(check, key as KeyOfKind<"integer">);
        if (setting.kind === "integerChoice") {
            scalars[key] = checkIntegerChoice(check, key as KeyOfKind<"integerChoice">);
        }
        if (setting.kind === "boolean") scalars[key] = checkBoolean(check, key as KeyOfKind<"boolean">);
        if (setting.kind === "choice") scalars[key] = checkChoice(check, key as KeyOfKind<"choice">);
    }
    return scalars as Scalars;
}
