import type { DeclaredResource } from "../program";
import type { MappingSettings } from "./delivery";
import type { FilterPattern } from "./filter";

/** Everything the local mapping needs from the program's EventSourceMapping resource. */
export type LocalMappingConfig = {
    readonly settings: MappingSettings;
    readonly startingPosition: "TRIM_HORIZON" | "LATEST";
    readonly batchingWindowSeconds: number;
    readonly parallelizationFactor: number;
    readonly failureDestinationArn: string | undefined;
    /** The mapping's event-filter patterns, parsed; undefined when it filters nothing. */
    readonly filterPatterns?: readonly FilterPattern[];
};

type MappingInputs = {
    batchSize?: number;
    maximumBatchingWindowInSeconds?: number;
    maximumRetryAttempts?: number;
    maximumRecordAgeInSeconds?: number;
    bisectBatchOnFunctionError?: boolean;
    functionResponseTypes?: string[];
    startingPosition?: string;
    parallelizationFactor?: number;
    destinationConfig?: { onFailure?: { destinationArn?: string } };
    filterCriteria?: { filters?: { pattern?: string }[] };
};

/**
 * Reads the mapping's declared inputs, applying AWS's defaults where the program left one out
 * (batch size 100, no window, retries and record age -1, i.e. unbounded).
 */
export function localMappingConfig(mapping: DeclaredResource): LocalMappingConfig {
    const inputs = mapping.inputs as MappingInputs;
    const unbounded = Number.MAX_SAFE_INTEGER;
    const orUnbounded = (value: number | undefined) => (value === undefined || value < 0 ? unbounded : value);
    return {
        settings: {
            batchSize: inputs.batchSize ?? 100,
            maximumRetryAttempts: orUnbounded(inputs.maximumRetryAttempts),
            maximumRecordAgeInSeconds: orUnbounded(inputs.maximumRecordAgeInSeconds),
            bisectBatchOnFunctionError: inputs.bisectBatchOnFunctionError ?? false,
            reportBatchItemFailures: (inputs.functionResponseTypes ?? []).includes("ReportBatchItemFailures"),
        },
        startingPosition: inputs.startingPosition === "LATEST" ? "LATEST" : "TRIM_HORIZON",
        batchingWindowSeconds: inputs.maximumBatchingWindowInSeconds ?? 0,
        parallelizationFactor: inputs.parallelizationFactor ?? 1,
        failureDestinationArn: inputs.destinationConfig?.onFailure?.destinationArn,
        ...filterPatternsOf(inputs),
    };
}

/** The declared filter's patterns, parsed as Lambda parses them (each pattern is JSON text). */
function filterPatternsOf(inputs: MappingInputs): { filterPatterns?: readonly FilterPattern[] } {
    const patterns = (inputs.filterCriteria?.filters ?? [])
        .map((filter) => filter.pattern)
        .filter((pattern): pattern is string => pattern !== undefined && pattern !== "")
        .map((pattern) => JSON.parse(pattern) as FilterPattern);
    return patterns.length > 0 ? { filterPatterns: patterns } : {};
}
