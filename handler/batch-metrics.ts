import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { BatchOutcome } from "./types";

/** The CloudWatch namespace of the handler's own metrics; the `service` dimension tells stacks apart. */
export const METRICS_NAMESPACE = "DdbChangefeed";

/** The metrics the handler emits once per batch (in EMF, so they cost no API call). */
export const BATCH_METRICS = {
    /** Records that need no retry: applied, stale, superseded or only archived. */
    recordsProcessed: "RecordsProcessed",
    /** Records reported for retry (or that failed the whole batch). */
    recordsFailed: "RecordsFailed",
    /** Earlier changes of a key whose latest change in the batch was written instead. */
    recordsSuperseded: "RecordsSuperseded",
    /** Guarded writes that lost to a newer change already in the projection. */
    staleWritesSkipped: "StaleWritesSkipped",
    /** Compressed size of the batch's archive object, when it was stored. */
    archiveBytes: "ArchiveBytes",
    /** Wall-clock time from receiving the batch to its response. */
    batchDuration: "BatchDuration",
} as const;

/**
 * The metric the handler emits once per invocation that fails with an error it did not raise on
 * purpose (see `isDeliberateFailure`): what the Errors alarm counts.
 */
export const INVOCATION_METRICS = {
    /** Invocations that failed unexpectedly: an archive write, a wiring or a programming error. */
    unexpectedErrors: "UnexpectedInvocationErrors",
} as const;

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** One metric value to emit. */
export type MetricDatum = { readonly name: string; readonly unit: Unit; readonly value: number };

/** The metric values of a batch, in a fixed order. Pure. */
export function batchMetrics(outcome: BatchOutcome): MetricDatum[] {
    const { summary } = outcome;
    return [
        {
            name: BATCH_METRICS.recordsProcessed,
            unit: MetricUnit.Count,
            value: summary.records - summary.failed,
        },
        { name: BATCH_METRICS.recordsFailed, unit: MetricUnit.Count, value: summary.failed },
        { name: BATCH_METRICS.recordsSuperseded, unit: MetricUnit.Count, value: summary.superseded },
        { name: BATCH_METRICS.staleWritesSkipped, unit: MetricUnit.Count, value: summary.stale },
        ...(outcome.archiveBytes === undefined
            ? []
            : [{ name: BATCH_METRICS.archiveBytes, unit: MetricUnit.Bytes, value: outcome.archiveBytes }]),
        { name: BATCH_METRICS.batchDuration, unit: MetricUnit.Milliseconds, value: outcome.durationMs },
    ];
}
