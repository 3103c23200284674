import { bytesWithKb, decimal, integer, usd } from "./format";
import type { BenchResults, Floor } from "./bench-results";
import type { ContenderSummary } from "./summary";

/** A table as rows of cells, the first row its header; rendered as text or markdown. */
export type Rows = string[][];

type Contender = { readonly label: string; readonly summary: ContenderSummary };

/** The side-by-side comparison: handler, naive baseline and ceiling. */
export function comparisonRows(results: BenchResults): Rows {
    const contenders: Contender[] = [
        { label: "this handler", summary: results.handler },
        { label: "naive baseline", summary: results.naive },
        { label: "ceiling", summary: results.ceiling },
    ];
    const row = (label: string, cell: (contender: Contender) => string): string[] => [
        label,
        ...contenders.map(cell),
    ];
    const operations = [
        ...new Set(contenders.flatMap((c) => Object.keys(c.summary.apiCallsPer1000ByOperation))),
    ].sort();
    const cost = (part: keyof ContenderSummary["costBreakdownPerMillionUsd"]) => (c: Contender) =>
        usd(c.summary.costBreakdownPerMillionUsd[part]);
    return [
        ["", ...contenders.map((c) => c.label)],
        row("changes replayed", (c) => integer(c.summary.records)),
        row("batches (invocations)", (c) => integer(c.summary.batches)),
        row("records/s", (c) => integer(c.summary.recordsPerSecond)),
        row(
            "  speedup over naive",
            (c) => `${decimal(c.summary.recordsPerSecond / results.naive.recordsPerSecond, 1)}×`,
        ),
        row("  fraction of ceiling", (c) =>
            decimal(c.summary.recordsPerSecond / results.ceiling.recordsPerSecond, 2),
        ),
        row("API calls per 1,000 changes", (c) => decimal(c.summary.apiCallsPer1000, 1)),
        ...operations.map((operation) =>
            row(`  ${operation}`, (c) => {
                const value = c.summary.apiCallsPer1000ByOperation[operation];
                return value === undefined ? "–" : decimal(value, 1);
            }),
        ),
        row(
            "API calls per batch, mean / max",
            (c) =>
                `${decimal(c.summary.apiCallsPerBatch.mean, 1)} / ${integer(c.summary.apiCallsPerBatch.max)}`,
        ),
        row("  worst batch − (distinct keys + 1)", (c) =>
            integer(c.summary.apiCallsPerBatch.maxOverDistinctKeysPlusOne),
        ),
        row("archive objects", (c) => integer(c.summary.archiveObjects)),
        row("archive bytes", (c) => integer(c.summary.archiveBytes)),
        row("  per change", (c) => decimal(c.summary.archiveBytesPerChange, 1)),
        row("mean ms per batch (invocation)", (c) => decimal(c.summary.meanInvocationMs, 1)),
        row("cost per 1M changes", (c) => usd(c.summary.costPerMillionUsd)),
        row("  Lambda requests", cost("lambdaRequests")),
        row(`  Lambda compute (${results.settings.memoryMb} MB)`, cost("lambdaCompute")),
        row("  DynamoDB writes", cost("dynamodbWrites")),
        row("  S3 PUTs", cost("s3Puts")),
    ];
}

/** The packaged function itself: code size and cold init. */
export function packageRows(results: BenchResults): Rows {
    return [
        ["packaged function", ""],
        ["code archive, zipped", bytesWithKb(results.codeZipBytes)],
        [
            `cold init, median of ${results.initMsRuns.length}`,
            `${decimal(results.initMsMedian, 1)} ms (runs: ${results.initMsRuns.map((ms) => decimal(ms, 0)).join(", ")})`,
        ],
    ];
}

/** Batch size × skew: the handler against the ceiling on the same records. */
export function variationRows(results: BenchResults): Rows {
    return [
        [
            "skew",
            "batch",
            "changes",
            "writes per 1k",
            "handler rec/s",
            "ceiling rec/s",
            "of ceiling",
            "calls per 1k",
            "handler $ per 1M",
            "ceiling $ per 1M",
        ],
        ...results.variations.map((variation) => [
            variation.skew,
            integer(variation.batchSize),
            integer(variation.changes),
            decimal(variation.writesPer1000, 0),
            integer(variation.handler.recordsPerSecond),
            integer(variation.ceiling.recordsPerSecond),
            decimal(variation.ceilingFraction, 2),
            decimal(variation.handler.apiCallsPer1000, 0),
            usd(variation.handler.costPerMillionUsd),
            usd(variation.ceiling.costPerMillionUsd),
        ]),
    ];
}

/** Each floor of the issue, met or not. */
export function floorRows(results: BenchResults): Rows {
    return [
        ["floor", "required", "measured", "met"],
        ...results.floors.map((floor) => [
            floor.name,
            `${floor.comparison} ${formatFloorValue(floor, floor.limit)}`,
            formatFloorValue(floor, floor.value),
            floor.met ? "yes" : "NO",
        ]),
    ];
}

function formatFloorValue(floor: Floor, value: number): string {
    switch (floor.unit) {
        case "×":
            return `${decimal(value, 1)}×`;
        case "bytes":
            return `${integer(value)} bytes`;
        case "ms":
            return `${decimal(value, 1)} ms`;
        case "calls":
            return `${integer(value)} calls`;
        default:
            return decimal(value, 2);
    }
}

/** Every problem a contender's checks found, labelled; empty when all counts add up. */
export function problemLines(results: BenchResults): string[] {
    const labelled: [string, ContenderSummary][] = [
        ["handler", results.handler],
        ["naive", results.naive],
        ["ceiling", results.ceiling],
        ...results.variations.flatMap((v): [string, ContenderSummary][] => [
            [`handler (${v.skew}, batch ${v.batchSize})`, v.handler],
            [`ceiling (${v.skew}, batch ${v.batchSize})`, v.ceiling],
        ]),
    ];
    return labelled.flatMap(([label, summary]) => summary.problems.map((problem) => `${label}: ${problem}`));
}
