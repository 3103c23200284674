import { decimal, integer, usd } from "./format";
import type { BenchResults } from "./bench-results";

/** Layout of the chart, in SVG user units. */
const WIDTH = 820;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 90;
const BAR_AREA = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 30;
const BAR_HEIGHT = 18;
const BAR_GAP = 6;
const COLORS = {
    handler: "#2563eb",
    naive: "#9ca3af",
    ceiling: "#10b981",
    lambda: "#f59e0b",
    dynamodb: "#6366f1",
    s3: "#ec4899",
    text: "#111827",
    muted: "#6b7280",
} as const;

type Bar = {
    readonly label: string;
    readonly segments: readonly { value: number; color: string }[];
    readonly text: string;
    /** Extra space after the bar, to group bars. */
    readonly gapAfter?: number;
};

/**
 * A hand-built SVG of the run: throughput and cost side by side for the three contenders, then
 * the handler against the ceiling for each batch size × skew variation. No chart library: the
 * figures are few and the file stays diffable.
 */
export function renderChart(results: BenchResults): string {
    const parts: string[] = [];
    let y = 28;
    parts.push(
        text(20, y, "ddb-changefeed: this handler vs a naive handler vs the servers' ceiling", 16, "bold"),
    );
    y += 20;
    parts.push(
        text(
            20,
            y,
            `${integer(results.workload.changes)} recorded changes, hot keys, batches of ${results.settings.batchSize}; ` +
                `DynamoDB Local + s3rver, ${results.machine.cpus} CPUs; ${results.generatedAt.slice(0, 10)}`,
            11,
            "normal",
            COLORS.muted,
        ),
    );
    y += 30;

    const contenders = [
        { label: "naive baseline", summary: results.naive, color: COLORS.naive },
        { label: "this handler", summary: results.handler, color: COLORS.handler },
        { label: "ceiling", summary: results.ceiling, color: COLORS.ceiling },
    ];
    y = panel(
        parts,
        y,
        "Records per second (higher is better)",
        contenders.map((c) => ({
            label: c.label,
            segments: [{ value: c.summary.recordsPerSecond, color: c.color }],
            text: integer(c.summary.recordsPerSecond),
        })),
    );
    parts.push(
        text(
            LABEL_WIDTH,
            y,
            `speedup ${decimal(results.speedup, 1)}× over naive · ${decimal(results.ceilingFraction, 2)} of the ceiling`,
            11,
            "normal",
            COLORS.muted,
        ),
    );
    y += 30;

    y = panel(
        parts,
        y,
        "Cost per million changes, USD (lower is better)",
        contenders.map((c) => {
            const cost = c.summary.costBreakdownPerMillionUsd;
            return {
                label: c.label,
                segments: [
                    { value: cost.lambdaRequests + cost.lambdaCompute, color: COLORS.lambda },
                    { value: cost.dynamodbWrites, color: COLORS.dynamodb },
                    { value: cost.s3Puts, color: COLORS.s3 },
                ],
                text: usd(cost.total),
            };
        }),
    );
    y = legend(parts, y, [
        ["Lambda", COLORS.lambda],
        ["DynamoDB writes", COLORS.dynamodb],
        ["S3 PUTs", COLORS.s3],
    ]);
    y += 24;

    if (results.variations.length > 0) {
        const bars: Bar[] = results.variations.flatMap((variation) => [
            {
                label: `${variation.skew}, batch ${integer(variation.batchSize)}`,
                segments: [{ value: variation.handler.recordsPerSecond, color: COLORS.handler }],
                text: integer(variation.handler.recordsPerSecond),
            },
            {
                label: "",
                segments: [{ value: variation.ceiling.recordsPerSecond, color: COLORS.ceiling }],
                text: integer(variation.ceiling.recordsPerSecond),
                gapAfter: 8,
            },
        ]);
        y = panel(
            parts,
            y,
            `Batch size and key skew: records per second (${integer(results.settings.variationChanges)} changes each)`,
            bars,
        );
        y = legend(parts, y, [
            ["this handler", COLORS.handler],
            ["ceiling", COLORS.ceiling],
        ]);
    }
    const height = y + 16;
    return [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
        `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
        ...parts,
        "</svg>",
        "",
    ].join("\n");
}

/** A titled group of horizontal bars on one linear scale; returns the next free y. */
function panel(parts: string[], top: number, title: string, bars: readonly Bar[]): number {
    parts.push(text(20, top, title, 13, "bold"));
    let y = top + 12;
    const maximum = Math.max(
        ...bars.map((bar) => bar.segments.reduce((sum, segment) => sum + segment.value, 0)),
        1e-9,
    );
    for (const bar of bars) {
        if (bar.label)
            parts.push(
                text(LABEL_WIDTH - 10, y + BAR_HEIGHT - 5, bar.label, 12, "normal", COLORS.text, "end"),
            );
        let x = LABEL_WIDTH;
        for (const segment of bar.segments) {
            const width = (segment.value / maximum) * BAR_AREA;
            parts.push(
                `<rect x="${x.toFixed(1)}" y="${y}" width="${Math.max(0, width).toFixed(1)}" height="${BAR_HEIGHT}" fill="${segment.color}"/>`,
            );
            x += width;
        }
        parts.push(text(x + 6, y + BAR_HEIGHT - 5, bar.text, 12, "normal"));
        y += BAR_HEIGHT + BAR_GAP + (bar.gapAfter ?? 0);
    }
    return y + 12;
}

function legend(parts: string[], top: number, entries: readonly [string, string][]): number {
    let x = LABEL_WIDTH;
    for (const [label, color] of entries) {
        parts.push(`<rect x="${x}" y="${top - 10}" width="12" height="12" fill="${color}"/>`);
        parts.push(text(x + 18, top, label, 11, "normal", COLORS.muted));
        x += 30 + label.length * 7;
    }
    return top + 10;
}

function text(
    x: number,
    y: number,
    content: string,
    size: number,
    weight: "normal" | "bold",
    color: string = COLORS.text,
    anchor: "start" | "end" = "start",
): string {
    return `<text x="${x.toFixed(1)}" y="${y}" font-size="${size}" font-weight="${weight}" fill="${color}" text-anchor="${anchor}">${escapeXml(content)}</text>`;
}

function escapeXml(value: string): string {
    return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
