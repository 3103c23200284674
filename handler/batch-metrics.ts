import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { BATCH_METRICS, ROUTE_METRICS, UNROUTED_RECORDS_METRIC } from "./contract";
import type { BatchOutcome } from "./batch-outcome";

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** One metric value to emit. */
export type MetricDatum = { readonly name: string; readonly unit: Unit; readonly value: number };

/** The metric values of one route in a batch, emitted with the route as a dimension. */
export type RouteMetrics = { readonly route: string; readonly metrics: readonly MetricDatum[] };

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
        ...(summary.unrouted === undefined
            ? []
            : [{ name: UNROUTED_RECORDS_METRIC, unit: MetricUnit.Count, value: summary.unrouted }]),
        ...(outcome.archiveBytes === undefined
            ? []
            : [{ name: BATCH_METRICS.archiveBytes, unit: MetricUnit.Bytes, value: outcome.archiveBytes }]),
        { name: BATCH_METRICS.batchDuration, unit: MetricUnit.Milliseconds, value: outcome.durationMs },
    ];
}

/** Each route's metric values of a batch, in route order; none for a feed without routes. Pure. */
export function routeMetrics(outcome: BatchOutcome): RouteMetrics[] {
    return Object.entries(outcome.summary.routes ?? {}).map(([route, counts]) => ({
        route,
        metrics: [
            { name: ROUTE_METRICS.applied, unit: MetricUnit.Count, value: counts.applied },
            { name: ROUTE_METRICS.stale, unit: MetricUnit.Count, value: counts.stale },
            { name: ROUTE_METRICS.tombstoned, unit: MetricUnit.Count, value: counts.tombstoned },
        ],
    }));
}
