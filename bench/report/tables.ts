import type { BenchResults } from "../measure/measure";
import type { Comparison, ContenderSummary } from "../measure/figures";
import { decimal, integer, usd } from "./format";

export type Rows = string[][];

/** Rows as a GitHub markdown table; Prettier aligns it when the file is written. */
export function markdownTable(rows: Rows): string {
    const [header, ...body] = rows;
    if (!header) return "";
    const line = (row: string[]) => `| ${row.map((cell) => cell.replace(/\|/g, "\\|") || " ").join(" | ")} |`;
    return [
        line(header),
        `| ${header.map((_, index) => (index === 0 ? "---" : "---:")).join(" | ")} |`,
        ...body.map(line),
    ].join("\n");
}

/** The question per stack, at modeled latency: does the handler keep up with a partition, and at what cost. */
export function headlineRows(results: BenchResults): Rows {
    const stacks = Object.keys(results.modeled);
    const row = (name: string, cell: (comparison: Comparison) => string): string[] => [
        name,
        ...stacks.map((stack) => cell(results.modeled[stack] as Comparison)),
    ];
    return [
        ["at modeled cloud latency", ...stacks],
        row(
            "batch size / window / parallelization",
            ({ settings }) =>
                `${settings.batchSize} / ${settings.batchingWindowSeconds} s / ${settings.parallelizationFactor}`,
        ),
        row(
            "write concurrency / memory",
            ({ settings }) => `${settings.writeConcurrency} / ${integer(settings.memoryMb)} MB`,
        ),
        row("**records/s per shard**", ({ handler }) => `**${integer(handler.recordsPerSecond)}**`),
        row("**headroom** over 1,000 writes/s", (comparison) => `**${decimal(comparison.headroom, 2)}×**`),
        row("speedup over the naive handler", (comparison) => `${decimal(comparison.speedup, 0)}×`),
        row("fraction of the ceiling", (comparison) => decimal(comparison.ceilingFraction, 2)),
        row("API calls per 1,000 changes", ({ handler }) => decimal(handler.apiCallsPer1000, 0)),
        row(
            "batch duration p50 / p99",
            ({ handler }) => `${integer(handler.p50BatchMs)} / ${integer(handler.p99BatchMs)} ms`,
        ),
        row("billed ms per 1,000 changes", (comparison) => integer(comparison.billedMsPer1000)),
        row("**cost per million changes**", (comparison) => `**${usd(comparison.costPerMillionUsd)}**`),
    ];
}

/** Every figure of one stack: the three contenders at modeled latency, then at loopback. */
export function comparisonRows(modeled: Comparison | undefined, loopback: Comparison | undefined): Rows {
    const columns: [string, ContenderSummary, Comparison][] = [];
    for (const [mode, comparison] of [
        ["modeled", modeled],
        ["loopback", loopback],
    ] as const) {
        if (!comparison) continue;
        for (const contender of ["handler", "naive", "ceiling"] as const)
            columns.push([`${contender}, ${mode}`, comparison[contender], comparison]);
    }
    const row = (name: string, cell: (summary: ContenderSummary, comparison: Comparison) => string) => [
        name,
        ...columns.map(([, summary, comparison]) => cell(summary, comparison)),
    ];
    const operations = [
        ...new Set(columns.flatMap(([, summary]) => Object.keys(summary.apiCallsPer1000ByOperation))),
    ].sort();
    const cost =
        (part: keyof ContenderSummary["costBreakdownPerMillionUsd"]) => (summary: ContenderSummary) =>
            usd(summary.costBreakdownPerMillionUsd[part]);
    return [
        ["", ...columns.map(([name]) => name)],
        row("changes replayed", (summary) => integer(summary.records)),
        row("batches (invocations)", (summary) => integer(summary.batches)),
        row("records/s", (summary) => integer(summary.recordsPerSecond)),
        row("↳ each round", (summary) => summary.roundsRecordsPerSecond.map(integer).join(" / ")),
        row(
            "× the naive handler",
            (summary, comparison) =>
                `${decimal(summary.recordsPerSecond / comparison.naive.recordsPerSecond, 1)}×`,
        ),
        row("fraction of the ceiling", (summary, comparison) =>
            decimal(summary.recordsPerSecond / comparison.ceiling.recordsPerSecond, 2),
        ),
        row("API calls per 1,000 changes", (summary) => decimal(summary.apiCallsPer1000, 1)),
        ...operations.map((operation) =>
            row(`↳ ${operation}`, (summary) => {
                const value = summary.apiCallsPer1000ByOperation[operation];
                return value === undefined ? "–" : decimal(value, 1);
            }),
        ),
        row(
            "API calls per batch, mean / max",
            (summary) =>
                `${decimal(summary.apiCallsPerBatch.mean, 1)} / ${integer(summary.apiCallsPerBatch.max)}`,
        ),
        row("↳ worst batch − (distinct keys + 1)", (summary) =>
            integer(summary.apiCallsPerBatch.maxOverDistinctKeysPlusOne),
        ),
        row(
            "batch duration p50 / p99, ms",
            (summary) => `${decimal(summary.p50BatchMs, 0)} / ${decimal(summary.p99BatchMs, 0)}`,
        ),
        row("function CPU per batch, ms", (summary) => decimal(summary.cpuMsPerBatch, 1)),
        row("billed ms per 1,000 changes", (summary) => integer(summary.billedMsPer1000)),
        row("write units per 1,000 changes", (summary) => decimal(summary.writeUnitsPer1000, 1)),
        row("archive bytes per change", (summary) => decimal(summary.archiveBytesPerChange, 1)),
        row("cost per 1M changes", (summary) => usd(summary.costPerMillionUsd)),
        row("↳ Lambda requests", cost("lambdaRequests")),
        row("↳ Lambda compute", cost("lambdaCompute")),
        row("↳ DynamoDB writes", cost("dynamodbWrites")),
        row("↳ S3 PUTs", cost("s3Puts")),
    ];
}

/** The floors and what this run measured. */
export function floorRows(results: BenchResults): Rows {
    const figure = (value: number, unit: string) =>
        `${unit === " bytes" || unit === " calls" ? integer(value) : decimal(value, 2)}${unit}`;
    return [
        ["floor", "required", "measured", "met"],
        ...results.floors.map((floor) => [
            floor.name,
            `${floor.comparison} ${figure(floor.limit, floor.unit)}`,
            figure(floor.value, floor.unit),
            floor.met ? "yes" : "**no**",
        ]),
    ];
}

/** Every problem the checks found, per stack, mode and contender. */
export function problemLines(results: BenchResults): string[] {
    return (["modeled", "loopback"] as const).flatMap((mode) =>
        Object.entries(results[mode]).flatMap(([stack, comparison]) =>
            (["handler", "naive", "ceiling"] as const).flatMap((contender) =>
                comparison[contender].problems.map(
                    (problem) => `${stack}, ${mode}, ${contender}: ${problem}`,
                ),
            ),
        ),
    );
}
