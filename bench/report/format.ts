/** Number formats shared by the stdout table, the markdown and the chart. */

/** 12345.6 → "12,346" */
export function integer(value: number): string {
    return Math.round(value).toLocaleString("en-US");
}

/** A figure with a fixed number of decimals and thousands separators. */
export function decimal(value: number, digits: number): string {
    return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** US dollars, with enough decimals to show sub-cent amounts. */
export function usd(value: number): string {
    return `$${value.toLocaleString("en-US", { minimumFractionDigits: value < 0.1 ? 4 : 2, maximumFractionDigits: value < 0.1 ? 4 : 2 })}`;
}

/** Bytes with the KB (1,024 bytes) equivalent. */
export function bytesWithKb(value: number): string {
    return `${integer(value)} bytes (${decimal(value / 1024, 0)} KB)`;
}
