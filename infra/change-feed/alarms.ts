import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ChangeFeedConfig } from "../config";
import { alarmDefinitions, dashboardBody, type AlarmThresholds, type MonitoredTargets } from "../monitoring";

/** Where alarms go, and the alarms. */
export type FeedAlarms = {
    readonly topic: aws.sns.Topic;
    readonly subscription: aws.sns.TopicSubscription | undefined;
    readonly alarms: readonly aws.cloudwatch.MetricAlarm[];
};

/**
 * Alarms go to one topic (encrypted with the given key, if any: CloudWatch cannot publish to a
 * topic under the AWS-managed SNS key), and to the on-call's email when one is named. They watch
 * falling behind, unexpectedly failing or throttled invocations, and records leaving the feed.
 */
export function feedAlarms(
    name: string,
    settings: ChangeFeedConfig,
    feed: MonitoredTargets<pulumi.Output<string>>,
    opts: pulumi.CustomResourceOptions,
): FeedAlarms {
    const { kmsKeyArn } = settings;
    const topic = new aws.sns.Topic(`${name}-alarms`, kmsKeyArn ? { kmsMasterKeyId: kmsKeyArn } : {}, opts);
    const subscription = settings.alarmEmail
        ? new aws.sns.TopicSubscription(
              `${name}-alarm-email`,
              { topic: topic.arn, protocol: "email", endpoint: settings.alarmEmail },
              opts,
          )
        : undefined;
    const alarms = alarmDefinitions(alarmThresholds(settings), feed).map(
        (alarm) =>
            new aws.cloudwatch.MetricAlarm(
                `${name}-${alarm.id}-alarm`,
                {
                    alarmDescription: alarm.description,
                    namespace: alarm.namespace,
                    metricName: alarm.metricName,
                    dimensions: alarm.dimensions,
                    statistic: alarm.statistic,
                    period: alarm.period,
                    evaluationPeriods: alarm.evaluationPeriods,
                    datapointsToAlarm: alarm.datapointsToAlarm,
                    threshold: alarm.threshold,
                    comparisonOperator: alarm.comparisonOperator,
                    treatMissingData: "notBreaching",
                    alarmActions: [topic.arn],
                    okActions: [topic.arn],
                },
                opts,
            ),
    );
    return { topic, subscription, alarms };
}

/** One dashboard with the alarms' metrics and the handler's own. */
export function feedDashboard(
    name: string,
    settings: ChangeFeedConfig,
    feed: MonitoredTargets<pulumi.Output<string>>,
    opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.Dashboard {
    const { routes } = settings;
    return new aws.cloudwatch.Dashboard(
        `${name}-dashboard`,
        {
            dashboardName: feed.serviceName,
            dashboardBody: pulumi
                .all([feed.functionName, feed.mappingUuid])
                .apply(([functionName, mappingUuid]) =>
                    dashboardBody({
                        functionName,
                        mappingUuid,
                        region: settings.region,
                        serviceName: feed.serviceName,
                        thresholds: alarmThresholds(settings),
                        ...(routes ? { routes: routes.map((route) => route.name) } : {}),
                    }),
                ),
        },
        opts,
    );
}

function alarmThresholds(settings: ChangeFeedConfig): AlarmThresholds {
    return {
        iteratorAgeSeconds: settings.iteratorAgeAlarmSeconds,
        errors: settings.errorsAlarmThreshold,
        throttles: settings.throttlesAlarmThreshold,
    };
}
