import type { Logger } from "@aws-lambda-powertools/logger";
import { MetricUnit, type Metrics } from "@aws-lambda-powertools/metrics";
import type { Context, DynamoDBRecord } from "aws-lambda";
import { batchMetrics, routeMetrics } from "./batch-metrics";
import { INVOCATION_METRICS, ROUTE_DIMENSION } from "./contract";
import { isDeliberateFailure } from "./errors";
import { batchLogKeys, batchSummaryFields, LOG_MESSAGES, recordFailureFields } from "./log";
import type { BatchOutcome } from "./batch-outcome";

/** What the batch orchestration reports as it goes; the only place logs and metrics are written. */
export type BatchTelemetry = {
    /** Tags every following log line with the batch's stream and sequence range. */
    batchStarted(records: readonly DynamoDBRecord[], context?: Context): void;
    /** One structured line per failed record. */
    recordFailed(record: DynamoDBRecord, error: unknown): void;
    /**
     * The batch's summary line and its metrics (with routes, one more metrics document per route,
     * with the route as a dimension); clears the batch's tags.
     */
    batchFinished(outcome: BatchOutcome): void;
};

/** What an invocation reports beyond its batch. */
export type InvocationTelemetry = {
    /** Counts a failed invocation in UnexpectedInvocationErrors, unless the handler failed it on purpose. */
    invocationFailed(error: unknown): void;
};

/**
 * A thin sink over Powertools: structured JSON log lines from `logger`, one EMF document of the
 * batch's metrics from `metrics` (and one more for an unexpected invocation error), all on
 * stdout, where CloudWatch Logs picks them up (EMF costs no API call). Build `logger` and
 * `metrics` in the handler's factory, once per container: they are named by the settings it reads.
 */
export function createTelemetry(logger: Logger, metrics: Metrics): BatchTelemetry & InvocationTelemetry {
    return {
        batchStarted: (records, context) => {
            if (context) logger.addContext(context);
            logger.appendKeys(batchLogKeys(records));
        },
        recordFailed: (record, error) =>
            logger.error(LOG_MESSAGES.recordFailed, recordFailureFields(record, error)),
        batchFinished: (outcome) => {
            logger.info(LOG_MESSAGES.batchProcessed, batchSummaryFields(outcome));
            for (const metric of batchMetrics(outcome))
                metrics.addMetric(metric.name, metric.unit, metric.value);
            metrics.publishStoredMetrics();
            // Publishing clears the added dimension, so each route's document carries only its own.
            for (const { route, metrics: values } of routeMetrics(outcome)) {
                metrics.addDimension(ROUTE_DIMENSION, route);
                for (const metric of values) metrics.addMetric(metric.name, metric.unit, metric.value);
                metrics.publishStoredMetrics();
            }
            logger.resetKeys();
        },
        invocationFailed: (error) => {
            if (isDeliberateFailure(error)) return;
            metrics.addMetric(INVOCATION_METRICS.unexpectedErrors, MetricUnit.Count, 1);
            metrics.publishStoredMetrics();
        },
    };
}
