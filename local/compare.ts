import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/**
 * A number's exact decimal value as one canonical text, so `1E-130` and `0.000…1` compare equal
 * (DynamoDB Local answers with either, depending on how the number was written).
 */
export function canonicalNumber(text: string): string {
    const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
    if (!match) throw new Error(`not a DynamoDB number: ${text}`);
    const [, sign, whole = "", fraction = "", exponent = "0"] = match;
    // value = 0.<whole><fraction> × 10^(whole.length + exponent); each leading zero dropped
    // from the digits lowers that power by one, trailing zeros change nothing.
    const allDigits = whole + fraction;
    const digits = allDigits.replace(/^0+/, "");
    if (digits === "") return "0";
    const scale = whole.length + Number(exponent) - (allDigits.length - digits.length);
    const trimmed = digits.replace(/0+$/, "");
    return `${sign === "-" ? "-" : ""}0.${trimmed}e${scale}`;
}

/** An attribute value with numbers canonical and sets sorted, for comparing items exactly. */
export function canonicalValue(value: AttributeValue): unknown {
    if (value.N !== undefined) return { N: canonicalNumber(value.N) };
    if (value.NS !== undefined) return { NS: value.NS.map(canonicalNumber).sort() };
    if (value.SS !== undefined) return { SS: [...value.SS].sort() };
    if (value.B !== undefined) return { B: Buffer.from(value.B).toString("base64") };
    if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString("base64")).sort() };
    if (value.L !== undefined) return { L: value.L.map(canonicalValue) };
    if (value.M !== undefined) return { M: canonicalItem(value.M) };
    return value;
}

/** An item with its attributes in name order and every value canonical. */
export function canonicalItem(item: Record<string, AttributeValue>): Record<string, unknown> {
    return Object.fromEntries(
        Object.keys(item)
            .sort()
            .map((name) => [name, canonicalValue(item[name]!)]),
    );
}
