import {
    BATCH_METRICS,
    INVOCATION_METRICS,
    METRICS_NAMESPACE,
    ROUTE_DIMENSION,
    ROUTE_METRICS,
    UNROUTED_RECORDS_METRIC,
} from "../handler/contract";

const LAMBDA_NAMESPACE = "AWS/Lambda";

/** The alarm thresholds a stack sets (see config.ts). */
export type AlarmThresholds = {
    readonly iteratorAgeSeconds: number;
    readonly errors: number;
    readonly throttles: number;
};

/** What the alarms watch; `T` is `string` for the dashboard and a Pulumi input for alarms. */
export type MonitoredTargets<T> = {
    readonly functionName: T;
    readonly mappingUuid: T;
    /** The `service` dimension of the handler's own metrics. */
    readonly serviceName: string;
};

/** One CloudWatch alarm, as `aws.cloudwatch.MetricAlarm` takes it (less the actions). */
export type AlarmDefinition<T> = {
    /** Makes the logical name `<base>-<id>-alarm`. */
    readonly id: string;
    readonly description: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Record<string, T | string>;
    readonly statistic: "Maximum" | "Sum";
    readonly period: number;
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm: number;
    readonly threshold: number;
    readonly comparisonOperator: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold";
};

/** Alarm on the first occurrence: any datapoint of a one-minute sum. */
const ANY_IN_A_MINUTE = {
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
} as const;

/**
 * The change feed's alarms. Each says what it means for the data and where to look, since that
 * text is what arrives in the on-call's email. Pure.
 *
 * Missing data never alarms: an idle stream emits no IteratorAge, and the failure-destination
 * metrics only exist once something was sent.
 */
export function alarmDefinitions<T>(
    thresholds: AlarmThresholds,
    targets: MonitoredTargets<T>,
): AlarmDefinition<T>[] {
    const byFunction = { FunctionName: targets.functionName };
    return [
        {
            id: "iterator-age",
            description:
                `The change feed is falling behind: the newest record it processed was older than ` +
                `${thresholds.iteratorAgeSeconds} s for 3 minutes. Check Errors, Throttles and the function's ` +
                `duration; records older than maxRecordAgeSeconds go to the failure destination.`,
            namespace: LAMBDA_NAMESPACE,
            metricName: "IteratorAge",
            dimensions: byFunction,
            statistic: "Maximum",
            period: 60,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            threshold: thresholds.iteratorAgeSeconds * 1000,
            comparisonOperator: "GreaterThanThreshold",
        },
        {
            id: "errors",
            description:
                `The function failed ${thresholds.errors} or more invocations in 5 minutes with an error it did ` +
                `not raise on purpose: a batch's archive object could not be stored, the event was not a stream ` +
                `batch, or the code itself failed. The mapping retries (and bisects) those batches; see the ` +
                `function's error log lines. Not counted: failing records, which the handler logs and reports ` +
                `(it fails an invocation on purpose when a batch's first or every record failed, so the mapping ` +
                `bisects; a record that keeps failing reaches the failure destination, which has its own alarm), ` +
                `and timeouts, out-of-memory or init failures, which the handler cannot count: they show as ` +
                `Errors on the dashboard and as iterator age.`,
            namespace: METRICS_NAMESPACE,
            metricName: INVOCATION_METRICS.unexpectedErrors,
            dimensions: { service: targets.serviceName },
            statistic: "Sum",
            period: 300,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            threshold: thresholds.errors,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
        },
        {
            id: "throttles",
            description:
                `${thresholds.throttles} or more invocations were throttled in 5 minutes: the change feed ` +
                `waits while throttled. Raise reservedConcurrency or the account's concurrency limit.`,
            namespace: LAMBDA_NAMESPACE,
            metricName: "Throttles",
            dimensions: byFunction,
            statistic: "Sum",
            period: 300,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            threshold: thresholds.throttles,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
        },
        {
            id: "failure-destination",
            description:
                `Records reached the failure destination: retries or record age ran out (a poison record ends ` +
                `up there alone, the mapping having bisected its batch) and the projection misses those ` +
                `changes until they are redriven from the failure bucket.`,
            namespace: LAMBDA_NAMESPACE,
            metricName: "OnFailureDestinationDeliveredEventCount",
            dimensions: { EventSourceMappingUUID: targets.mappingUuid },
            ...ANY_IN_A_MINUTE,
        },
        {
            id: "failure-delivery",
            description:
                `Lambda could not write a failed batch to the failure destination: those records are lost ` +
                `unless the stream still holds them. Check the failure bucket and the function role's access to it.`,
            namespace: LAMBDA_NAMESPACE,
            metricName: "DestinationDeliveryFailures",
            dimensions: byFunction,
            ...ANY_IN_A_MINUTE,
        },
    ];
}

type MetricLine = (string | Record<string, string>)[];

type Widget = {
    readonly type: "metric";
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
    readonly properties: Record<string, unknown>;
};

/** Everything the dashboard shows, as plain strings. */
export type DashboardArgs = MonitoredTargets<string> & {
    readonly region: string;
    readonly thresholds: AlarmThresholds;
    /** With routes: their names, each drawn on its own line. */
    readonly routes?: readonly string[];
};

/**
 * The CloudWatch dashboard body: the alarms' metrics with their thresholds drawn in, and the
 * handler's own metrics per batch. Pure.
 */
export function dashboardBody(args: DashboardArgs): string {
    const fn = ["FunctionName", args.functionName];
    const service = ["service", args.serviceName];
    const lambda = (metric: string, label: string, dimensions = fn): MetricLine => [
        LAMBDA_NAMESPACE,
        metric,
        ...dimensions,
        { label },
    ];
    const own = (metric: string, label: string, options: Record<string, string> = {}): MetricLine => [
        METRICS_NAMESPACE,
        metric,
        ...service,
        { label, ...options },
    ];
    const widget = (
        index: number,
        title: string,
        stat: string,
        metrics: MetricLine[],
        extra: Record<string, unknown> = {},
    ): Widget => ({
        type: "metric",
        x: (index % 2) * 12,
        y: Math.floor(index / 2) * 6,
        width: 12,
        height: 6,
        properties: { title, region: args.region, view: "timeSeries", stat, period: 60, metrics, ...extra },
    });
    const threshold = (label: string, value: number) => ({ annotations: { horizontal: [{ label, value }] } });

    const widgets: Widget[] = [
        widget(
            0,
            "Iterator age (ms, max)",
            "Maximum",
            [lambda("IteratorAge", "IteratorAge")],
            threshold("alarm", args.thresholds.iteratorAgeSeconds * 1000),
        ),
        widget(1, "Invocations, errors and throttles", "Sum", [
            lambda("Invocations", "Invocations"),
            lambda("Errors", "Errors"),
            own(INVOCATION_METRICS.unexpectedErrors, "unexpected errors"),
            lambda("Throttles", "Throttles"),
        ]),
        widget(2, "Failure destination", "Sum", [
            lambda("OnFailureDestinationDeliveredEventCount", "records sent", [
                "EventSourceMappingUUID",
                args.mappingUuid,
            ]),
            lambda("DroppedEventCount", "records dropped", ["EventSourceMappingUUID", args.mappingUuid]),
            lambda("DestinationDeliveryFailures", "delivery failures"),
        ]),
        widget(3, "Records per minute", "Sum", [
            own(BATCH_METRICS.recordsProcessed, "processed"),
            own(BATCH_METRICS.recordsFailed, "failed"),
            own(BATCH_METRICS.recordsSuperseded, "superseded"),
            own(BATCH_METRICS.staleWritesSkipped, "stale writes skipped"),
        ]),
        widget(4, "Batch duration (ms)", "p99", [
            own(BATCH_METRICS.batchDuration, "p99"),
            own(BATCH_METRICS.batchDuration, "max", { stat: "Maximum" }),
            lambda("Duration", "function p99"),
        ]),
        widget(5, "Archive bytes per minute", "Sum", [own(BATCH_METRICS.archiveBytes, "archived (gzip)")]),
        ...(args.routes ? routeWidgets({ ...args, routes: args.routes }, 6, widget) : []),
    ];
    return JSON.stringify({ widgets });
}

/**
 * With routes: each route's writes (applied, stale, tombstoned), one line per route, and the
 * records no route needed: filtered out at the mapping, or (without a filter) unrouted by the handler.
 */
function routeWidgets(
    args: DashboardArgs & { readonly routes: readonly string[] },
    first: number,
    widget: (index: number, title: string, stat: string, metrics: MetricLine[]) => Widget,
): Widget[] {
    const byRoute = (metric: string, what: string): MetricLine[] =>
        args.routes.map((route) => [
            METRICS_NAMESPACE,
            metric,
            "service",
            args.serviceName,
            ROUTE_DIMENSION,
            route,
            { label: `${route} ${what}` },
        ]);
    return [
        widget(first, "Route writes applied per minute", "Sum", byRoute(ROUTE_METRICS.applied, "applied")),
        widget(first + 1, "Route tombstones and stale writes per minute", "Sum", [
            ...byRoute(ROUTE_METRICS.tombstoned, "tombstoned"),
            ...byRoute(ROUTE_METRICS.stale, "stale"),
        ]),
        widget(first + 2, "Records no route needs, per minute", "Sum", [
            [
                LAMBDA_NAMESPACE,
                "FilteredOutEventCount",
                "EventSourceMappingUUID",
                args.mappingUuid,
                { label: "filtered out by the mapping" },
            ],
            [
                METRICS_NAMESPACE,
                UNROUTED_RECORDS_METRIC,
                "service",
                args.serviceName,
                { label: "unrouted by the handler" },
            ],
        ]),
    ];
}
