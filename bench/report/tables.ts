import type { Comparison, ContenderSummary } from "../measure/figures";
import type { BenchResults } from "../measure/measure";

export type Rows = string[][];

/** 12345.6 → "12,346" */
export const integer = (value: number) => Math.round(value).toLocaleString("en-US");
/** A figure with a fixed number of decimals and thousands separators. */
export const decimal = (value: number, digits: number) =>
    value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** US dollars, with enough decimals to show sub-cent amounts. */
export const usd = (value: number) => `$${decimal(value, value < 0.1 ? 4 : 2)}`;

/** Rows as a GitHub markdown table; Prettier aligns it when the file is written. */
export function markdownTable([header, ...body]: Rows): string {
    const line = (row: string[]) => `| ${row.map((cell) => cell.replace(/\|/g, "\\|") || " ").join(" | ")} |`;
    const rule = `| ${header?.map((_, index) => (index === 0 ? "---" : "---:")).join(" | ")} |`;
    return header ? [line(header), rule, ...body.map(line)].join("\n") : "";
}

/** The question per stack, at modeled latency: does the handler keep up with a partition, and at what cost. */
export function headlineRows(results: BenchResults): Rows {
    const stacks = Object.entries(results.modeled);
    const rows: [string, (comparison: Comparison) => string][] = [
        [
            "batch size / window / parallelization",
            ({ settings: s }) => `${s.batchSize} / ${s.batchingWindowSeconds} s / ${s.parallelizationFactor}`,
        ],
        [
            "write concurrency / memory",
            ({ settings: s }) => `${s.writeConcurrency} / ${integer(s.memoryMb)} MB`,
        ],
        ["**records/s per shard**", ({ handler }) => `**${integer(handler.recordsPerSecond)}**`],
        ["**headroom** over 1,000 writes/s", ({ headroom }) => `**${decimal(headroom, 2)}×**`],
        ["speedup over the naive handler", ({ speedup }) => `${decimal(speedup, 0)}×`],
        ["fraction of the ceiling", ({ ceilingFraction }) => decimal(ceilingFraction, 2)],
        ["API calls per 1,000 changes", ({ handler }) => decimal(handler.apiCallsPer1000, 0)],
        [
            "batch duration p50 / p99",
            ({ handler: h }) => `${integer(h.p50BatchMs)} / ${integer(h.p99BatchMs)} ms`,
        ],
        ["billed ms per 1,000 changes", ({ billedMsPer1000 }) => integer(billedMsPer1000)],
        ["**cost per million changes**", ({ costPerMillionUsd }) => `**${usd(costPerMillionUsd)}**`],
    ];
    return [
        ["at modeled cloud latency", ...stacks.map(([stack]) => stack)],
        ...rows.map(([name, cell]) => [name, ...stacks.map(([, comparison]) => cell(comparison))]),
    ];
}

/** Every figure of one stack: the three contenders at modeled latency, then at loopback. */
export function comparisonRows(modeled: Comparison | undefined, loopback: Comparison | undefined): Rows {
    const columns = Object.entries({ modeled, loopback }).flatMap(([mode, comparison]) =>
        comparison
            ? (["handler", "naive", "ceiling"] as const).map(
                  (contender) => [`${contender}, ${mode}`, comparison[contender], comparison] as const,
              )
            : [],
    );
    const operations = [
        ...new Set(columns.flatMap(([, s]) => Object.keys(s.apiCallsPer1000ByOperation))),
    ].sort();
    const cost = (part: keyof ContenderSummary["costBreakdownPerMillionUsd"]) => (s: ContenderSummary) =>
        usd(s.costBreakdownPerMillionUsd[part]);
    // Each row: its name, and its cell from a contender's summary `s` and its comparison `c`.
    type Row = [string, (s: ContenderSummary, c: Comparison) => string];
    const optional = (value: number | undefined) => (value === undefined ? "–" : decimal(value, 1));
    const rows: Row[] = [
        ["changes replayed", (s) => integer(s.records)],
        ["batches (invocations)", (s) => integer(s.batches)],
        ["records/s", (s) => integer(s.recordsPerSecond)],
        ["↳ each round", (s) => s.roundsRecordsPerSecond.map(integer).join(" / ")],
        ["× the naive handler", (s, c) => `${decimal(s.recordsPerSecond / c.naive.recordsPerSecond, 1)}×`],
        ["fraction of the ceiling", (s, c) => decimal(s.recordsPerSecond / c.ceiling.recordsPerSecond, 2)],
        ["API calls per 1,000 changes", (s) => decimal(s.apiCallsPer1000, 1)],
        ...operations.map((op): Row => [`↳ ${op}`, (s) => optional(s.apiCallsPer1000ByOperation[op])]),
        [
            "API calls per batch, mean / max",
            (s) => `${decimal(s.apiCallsPerBatch.mean, 1)} / ${integer(s.apiCallsPerBatch.max)}`,
        ],
        [
            "↳ worst batch − (distinct keys + 1)",
            (s) => integer(s.apiCallsPerBatch.maxOverDistinctKeysPlusOne),
        ],
        ["batch duration p50 / p99, ms", (s) => `${decimal(s.p50BatchMs, 0)} / ${decimal(s.p99BatchMs, 0)}`],
        ["function CPU per batch, ms", (s) => decimal(s.cpuMsPerBatch, 1)],
        ["billed ms per 1,000 changes", (s) => integer(s.billedMsPer1000)],
        ["write units per 1,000 changes", (s) => decimal(s.writeUnitsPer1000, 1)],
        ["archive bytes per change", (s) => decimal(s.archiveBytesPerChange, 1)],
        ["cost per 1M changes", (s) => usd(s.costPerMillionUsd)],
        ["↳ Lambda requests", cost("lambdaRequests")],
        ["↳ Lambda compute", cost("lambdaCompute")],
        ["↳ DynamoDB writes", cost("dynamodbWrites")],
        ["↳ S3 PUTs", cost("s3Puts")],
    ];
    return [
        ["", ...columns.map(([name]) => name)],
        ...rows.map(([name, cell]) => [name, ...columns.map(([, s, c]) => cell(s, c))]),
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
