import { PARTITION_WRITES_PER_SECOND, type Comparison } from "../measure/figures";
import type { BenchResults } from "../measure/measure";

type Figures = Readonly<Record<string, string>>;
export const CONTENDERS = ["handler", "naive", "ceiling"] as const;

/** 12345.6 → "12,346" */
export const integer = (value: number) => Math.round(value).toLocaleString("en-US");
/** A figure with a fixed number of decimals and thousands separators. */
export const decimal = (value: number, digits: number) =>
    value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** US dollars, with enough decimals to show sub-cent amounts. */
export const usd = (value: number) => `$${decimal(value, value < 0.1 ? 4 : 2)}`;

/** A markdown table with a column per subject and a row per figure; Prettier aligns it. */
function table<T>(corner: string, subjects: readonly (readonly [string, T])[], figures: (s: T) => Figures) {
    const columns = subjects.map(([name, subject]) => [name, figures(subject)] as const);
    const rows = Object.keys(columns[0]?.[1] ?? {}).map((row) => [row, ...columns.map(([, f]) => f[row])]);
    const header = [corner, ...columns.map(([name]) => name)];
    const rule = ["---", ...columns.map(() => "---:")];
    return [header, rule, ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}

/** Per stack at modeled latency: does one shard keep up with its partition, and at what cost. */
export const headlineTable = (results: BenchResults) =>
    table("at modeled cloud latency", Object.entries(results.modeled), headline);

function headline({ settings: s, handler: h, ...c }: Comparison): Figures {
    return {
        "batch size / window / parallelization": `${s.batchSize} / ${s.batchingWindowSeconds} s / ${s.parallelizationFactor}`,
        "write concurrency / memory": `${s.writeConcurrency} / ${integer(s.memoryMb)} MB`,
        "**records/s per shard**": `**${integer(h.recordsPerSecond)}**`,
        "**headroom** over 1,000 writes/s": `**${decimal(c.headroom, 2)}×**`,
        "speedup over the naive handler": `${decimal(c.speedup, 0)}×`,
        "fraction of the ceiling": decimal(c.ceilingFraction, 2),
        "API calls per 1,000 changes": decimal(h.apiCallsPer1000, 0),
        "batch duration p50 / p99": `${integer(h.p50BatchMs)} / ${integer(h.p99BatchMs)} ms`,
        "billed ms per 1,000 changes": integer(c.billedMsPer1000),
        "**cost per million changes**": `**${usd(c.costPerMillionUsd)}**`,
    };
}

/** Per stack, its contenders at modeled latency and at loopback (results.json adds each round and operation). */
export function sideBySide(results: BenchResults): string[] {
    return Object.keys(results.modeled).map((stack) => {
        const columns = (["modeled", "loopback"] as const).flatMap((mode) =>
            CONTENDERS.map((who) => [`${who}, ${mode}`, [results[mode][stack] as Comparison, who]] as const),
        );
        return `## Side by side: ${stack}\n\n${table(" ", columns, contender)}`;
    });
}

function contender([c, who]: readonly [Comparison, (typeof CONTENDERS)[number]]): Figures {
    const { costBreakdownPerMillionUsd: cost, apiCallsPerBatch: perBatch, ...s } = c[who];
    return {
        "changes replayed": integer(s.records),
        "batches (invocations)": integer(s.batches),
        "records/s": integer(s.recordsPerSecond),
        "× the naive handler": `${decimal(s.recordsPerSecond / c.naive.recordsPerSecond, 1)}×`,
        "fraction of the ceiling": decimal(s.recordsPerSecond / c.ceiling.recordsPerSecond, 2),
        "API calls per 1,000 changes": decimal(s.apiCallsPer1000, 1),
        "API calls per batch, mean / max": `${decimal(perBatch.mean, 1)} / ${integer(perBatch.max)}`,
        "worst batch − (distinct keys + 1)": integer(perBatch.maxOverDistinctKeysPlusOne),
        "batch duration p50 / p99, ms": `${integer(s.p50BatchMs)} / ${integer(s.p99BatchMs)}`,
        "function CPU per batch, ms": decimal(s.cpuMsPerBatch, 1),
        "billed ms per 1,000 changes": integer(s.billedMsPer1000),
        "write units per 1,000 changes": decimal(s.writeUnitsPer1000, 1),
        "archive bytes per change": decimal(s.archiveBytesPerChange, 1),
        "cost per 1M changes": usd(s.costPerMillionUsd),
        "↳ Lambda requests / compute": `${usd(cost.lambdaRequests)} / ${usd(cost.lambdaCompute)}`,
        "↳ DynamoDB writes / S3 PUTs": `${usd(cost.dynamodbWrites)} / ${usd(cost.s3Puts)}`,
    };
}

/** The first stack's handler with its one route and with three, at modeled latency. */
export const routeTable = ({ routes, oneRoute, threeRoutes }: NonNullable<BenchResults["routes"]>) =>
    table("routes", [["1 (default)", oneRoute] as const, [`${routes.length}`, threeRoutes] as const], routed);

function routed(f: NonNullable<BenchResults["routes"]>["oneRoute"]): Figures {
    return {
        "records/s": integer(f.recordsPerSecond),
        headroom: decimal(f.recordsPerSecond / PARTITION_WRITES_PER_SECOND, 2),
        "PutItem / 1,000": decimal(f.apiCallsPer1000ByOperation["DynamoDB.PutItem"] ?? 0, 1),
        "PutObject / 1,000": decimal(f.apiCallsPer1000ByOperation["S3.PutObject"] ?? 0, 1),
        "batch p50 / p99": `${integer(f.p50BatchMs)} / ${integer(f.p99BatchMs)} ms`,
    };
}

/** A Mermaid `xychart-beta` (GitHub renders it): records/s per shard at modeled latency, the partition's limit as a line. */
export function renderChart(results: BenchResults): string {
    const stacks = Object.entries(results.modeled);
    const order = ["naive", "handler", "ceiling"] as const;
    const names = stacks.flatMap(([stack]) => order.map((who) => `"${stack} ${who}"`));
    const values = stacks.flatMap(([, c]) => order.map((who) => Math.round(c[who].recordsPerSecond)));
    const top = Math.ceil((Math.max(PARTITION_WRITES_PER_SECOND, ...values) * 1.1) / 1000) * 1000;
    return `\`\`\`mermaid
xychart-beta
    title "Records/s per shard at modeled cloud latency (line: the partition's 1,000 writes/s)"
    x-axis [${names.join(", ")}]
    y-axis "records/s" 0 --> ${top}
    bar [${values.join(", ")}]
    line [${values.map(() => PARTITION_WRITES_PER_SECOND).join(", ")}]
\`\`\``;
}
