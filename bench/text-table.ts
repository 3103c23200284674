import type { Rows } from "./report-rows";

/**
 * Renders rows as a plain-text table for a terminal: columns padded to their widest cell, the
 * first column left-aligned and the others right-aligned (they hold figures), a rule under the
 * header.
 */
export function renderTextTable(rows: Rows): string {
    const widths: number[] = [];
    for (const row of rows)
        row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
    const render = (row: string[]) =>
        row
            .map((cell, index) =>
                index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0),
            )
            .join("   ")
            .trimEnd();
    const [header, ...body] = rows;
    if (!header) return "";
    const rule = widths.map((width) => "─".repeat(width)).join("───");
    return [render(header), rule, ...body.map(render)].join("\n");
}
