import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { BATCH_METRICS } from "./contract";
import type { BatchOutcome } from "./batch-outcome";

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
