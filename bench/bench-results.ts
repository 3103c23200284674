// Not "results.ts": next to results.json, require("./results") would load the JSON file instead.
import type { PRICES_USD } from "./cost";
import type { ServerJit } from "./options";
import type { ServerWarmup } from "./server-warmup";
import type { ContenderSummary } from "./summary";
import type { Skew } from "./workload";

/** A floor from the issue, and whether this run reached it. */
export type Floor = {
    readonly name: string;
    readonly value: number;
    readonly comparison: "≥" | "≤";
    readonly limit: number;
    readonly unit: string;
    readonly met: boolean;
};

/** One batch size × skew cell: the handler against the ceiling on the same records. */
export type VariationResult = {
    readonly skew: Skew;
    readonly batchSize: number;
    readonly changes: number;
    readonly distinctKeys: number;
    /** Projection writes per 1,000 changes after coalescing per key per batch. */
    readonly writesPer1000: number;
    readonly handler: ContenderSummary;
    readonly ceiling: ContenderSummary;
    readonly ceilingFraction: number;
};

/** Everything one bench run measured: what results.json holds. */
export type BenchResults = {
    readonly generatedAt: string;
    readonly durationSeconds: number;
    readonly machine: {
        readonly cpus: number;
        readonly cpuModel: string;
        readonly node: string;
        readonly platform: string;
        /** 1-minute load average before the run: above ~1, something else was running. */
        readonly loadAverageAtStart: number;
        /**
         * Share of the machine's CPU time that other processes used during the run (0–1; null
         * without /proc). Above a few percent, the figures are lower and noisier than they should be.
         */
        readonly otherCpuShare: number | null;
        /** Share of CPU time the hypervisor gave to other machines during the run (null without /proc). */
        readonly stealShare: number | null;
    };
    readonly settings: {
        readonly stack: string;
        readonly batchSize: number;
        readonly memoryMb: number;
        readonly writeConcurrency: number;
        readonly changes: number;
        readonly naiveChanges: number;
        readonly rounds: number;
        readonly variationChanges: number;
        readonly variationRounds: number;
        readonly serverJit: ServerJit;
        readonly warmupMinSeconds: number;
        readonly warmupMaxSeconds: number;
        /** Whether s3rver kept its objects in memory (tmpfs) rather than on disk. */
        readonly s3InMemory: boolean;
        readonly initRuns: number;
    };
    readonly workload: {
        readonly changes: number;
        readonly keys: number;
        readonly skew: Skew;
        readonly zipfExponent: number;
        readonly seed: number;
        readonly distinctKeys: number;
        readonly inserts: number;
        readonly modifies: number;
        readonly removes: number;
        readonly maxItemBytes: number;
        readonly writesPer1000: number;
        readonly recordSeconds: number;
    };
    /** The servers' warm-up before anything was timed: each slice's rates, and whether they levelled off. */
    readonly serverWarmup: ServerWarmup;
    readonly handler: ContenderSummary;
    readonly naive: ContenderSummary;
    readonly ceiling: ContenderSummary;
    /** handler.recordsPerSecond / naive.recordsPerSecond */
    readonly speedup: number;
    /** handler.recordsPerSecond / ceiling.recordsPerSecond */
    readonly ceilingFraction: number;
    readonly codeZipBytes: number;
    readonly initMsMedian: number;
    readonly initMsRuns: readonly number[];
    readonly variations: readonly VariationResult[];
    readonly floors: readonly Floor[];
    readonly prices: typeof PRICES_USD;
};

/** 500 KB read strictly, as 500,000 bytes. */
export const CODE_ZIP_LIMIT_BYTES = 500_000;

/** The floors, evaluated on a run's figures. */
export function evaluateFloors(
    results: Pick<
        BenchResults,
        "speedup" | "ceilingFraction" | "codeZipBytes" | "initMsMedian" | "handler" | "variations"
    >,
): Floor[] {
    const floor = (
        name: string,
        value: number,
        comparison: Floor["comparison"],
        limit: number,
        unit: string,
    ): Floor => ({
        name,
        value,
        comparison,
        limit,
        unit,
        met: comparison === "≥" ? value >= limit : value <= limit,
    });
    // Over every handler run of the bench: the comparison and each variation.
    const excess = Math.max(
        results.handler.apiCallsPerBatch.maxOverDistinctKeysPlusOne,
        ...results.variations.map(
            (variation) => variation.handler.apiCallsPerBatch.maxOverDistinctKeysPlusOne,
        ),
    );
    return [
        floor("speedup over the naive handler", results.speedup, "≥", 10, "×"),
        floor("fraction of the ceiling", results.ceilingFraction, "≥", 0.7, ""),
        floor("API calls per batch − (distinct keys + 1), worst batch", excess, "≤", 0, "calls"),
        floor("zipped code archive", results.codeZipBytes, "≤", CODE_ZIP_LIMIT_BYTES, "bytes"),
        floor("cold init, median", results.initMsMedian, "≤", 150, "ms"),
    ];
}
