import { strict as assert } from "node:assert";
import type * as pulumi from "@pulumi/pulumi";
import { BATCH_METRICS, INVOCATION_METRICS, SETTING_VARIABLES } from "../../handler/contract";
import { stackSettings } from "../helpers/stack-settings";
import type { DeclaredResource } from "../../local/program";
import { declaredOf, declareStackFeed, type DeclaredStackFeed } from "../helpers/pulumi-mocks";

const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";

type Widget = {
    type: string;
    properties: { title: string; region: string; metrics: (string | Record<string, string>)[][] };
};

/** The engine's record of a resource the feed holds. */
function declared(stackFeed: DeclaredStackFeed, resource: pulumi.Resource): Promise<DeclaredResource> {
    return declaredOf(stackFeed.engine, resource);
}

/**
 * The engine's record of the one alarm among the feed's alarms that watches a metric: what an
 * alarm watches is what tells it apart, as its logical name only repeats that.
 */
async function alarmRecordOn(stackFeed: DeclaredStackFeed, metricName: string): Promise<DeclaredResource> {
    const alarms = await Promise.all(stackFeed.feed.alarms.map((alarm) => declared(stackFeed, alarm)));
    const watching = alarms.filter((alarm) => alarm.inputs.metricName === metricName);
    assert.equal(watching.length, 1, `the feed declared ${watching.length} alarms on ${metricName}, not one`);
    return watching[0]!;
}

/** The inputs of the alarm on a metric, less its description (checked separately for what it names). */
async function alarmOn(stackFeed: DeclaredStackFeed, metricName: string): Promise<Record<string, unknown>> {
    const { alarmDescription, ...inputs } = (await alarmRecordOn(stackFeed, metricName)).inputs;
    assert.ok(
        String(alarmDescription).length > 40,
        `the alarm on ${metricName} explains itself to whoever it wakes`,
    );
    return inputs;
}

for (const stack of ["dev", "prod"]) {
    describe(`observability of the ${stack} stack (Pulumi mocks)`, () => {
        let stackFeed: DeclaredStackFeed;
        let functionName: unknown;
        let mappingUuid: unknown;
        /** Where every alarm notifies: the topic's ARN as the mock engine reports it. */
        let topicArn: unknown;
        const setting = stackSettings(stack);

        before(async () => {
            stackFeed = await declareStackFeed(stack);
            const { feed } = stackFeed;
            functionName = (await declared(stackFeed, feed.handlerFunction)).state.name;
            mappingUuid = (await declared(stackFeed, feed.eventSourceMapping)).state.uuid;
            // The mock engine gives SNS topics no ARN yet; the program passes whatever it reports.
            topicArn = (await declared(stackFeed, feed.alarmTopic)).state.arn ?? null;
        });

        const notifying = () => ({
            alarmActions: [topicArn],
            okActions: [topicArn],
            treatMissingData: "notBreaching",
        });

        it("alarms when the iterator age stays above the stack's threshold for 3 minutes", async () => {
            assert.deepEqual(await alarmOn(stackFeed, "IteratorAge"), {
                namespace: "AWS/Lambda",
                metricName: "IteratorAge",
                dimensions: { FunctionName: functionName },
                statistic: "Maximum",
                period: 60,
                evaluationPeriods: 3,
                datapointsToAlarm: 3,
                threshold: Number(setting("iteratorAgeAlarmSeconds")) * 1000,
                comparisonOperator: "GreaterThanThreshold",
                ...notifying(),
            });
        });

        it("alarms on the function's Throttles at the stack's threshold over 5 minutes", async () => {
            assert.deepEqual(await alarmOn(stackFeed, "Throttles"), {
                namespace: "AWS/Lambda",
                metricName: "Throttles",
                dimensions: { FunctionName: functionName },
                statistic: "Sum",
                period: 300,
                evaluationPeriods: 1,
                datapointsToAlarm: 1,
                threshold: setting("throttlesAlarmThreshold"),
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                ...notifying(),
            });
        });

        it("alarms on the invocations the handler itself counts as failed unexpectedly, at the stack's threshold over 5 minutes", async () => {
            // Lambda's own Errors metric also counts the failures the handler raises on purpose so that
            // the mapping bisects a batch, which would page for every poison record.
            const handlerEnvironment = (
                (await declared(stackFeed, stackFeed.feed.handlerFunction)).inputs as {
                    environment: { variables: Record<string, string> };
                }
            ).environment.variables;

            assert.deepEqual(await alarmOn(stackFeed, INVOCATION_METRICS.unexpectedErrors), {
                namespace: handlerEnvironment[SETTING_VARIABLES.metricsNamespace],
                metricName: INVOCATION_METRICS.unexpectedErrors,
                dimensions: { service: handlerEnvironment[SETTING_VARIABLES.serviceName] },
                statistic: "Sum",
                period: 300,
                evaluationPeriods: 1,
                datapointsToAlarm: 1,
                threshold: setting("errorsAlarmThreshold"),
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                ...notifying(),
            });
        });

        it("tells whoever the errors alarm wakes what it counts and what it leaves to the other alarms", async () => {
            const description = String(
                (await alarmRecordOn(stackFeed, INVOCATION_METRICS.unexpectedErrors)).inputs.alarmDescription,
            );

            assert.match(description, /did not raise on purpose/);
            assert.match(description, /first or every record failed/);
            assert.match(description, /failure destination, which has its own alarm/);
            assert.match(description, /timeouts, out-of-memory or init failures/);
        });

        it("alarms on any record that reaches the failure destination, from the mapping's event counts", async () => {
            assert.deepEqual(await alarmOn(stackFeed, "OnFailureDestinationDeliveredEventCount"), {
                namespace: "AWS/Lambda",
                metricName: "OnFailureDestinationDeliveredEventCount",
                dimensions: { EventSourceMappingUUID: mappingUuid },
                statistic: "Sum",
                period: 60,
                evaluationPeriods: 1,
                datapointsToAlarm: 1,
                threshold: 1,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                ...notifying(),
            });
            assert.deepEqual(
                (await declared(stackFeed, stackFeed.feed.eventSourceMapping)).inputs.metricsConfig,
                {
                    metrics: ["EventCount"],
                },
            );
        });

        it("alarms when a failed batch cannot be delivered to the failure destination", async () => {
            assert.deepEqual(await alarmOn(stackFeed, "DestinationDeliveryFailures"), {
                namespace: "AWS/Lambda",
                metricName: "DestinationDeliveryFailures",
                dimensions: { FunctionName: functionName },
                statistic: "Sum",
                period: 60,
                evaluationPeriods: 1,
                datapointsToAlarm: 1,
                threshold: 1,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                ...notifying(),
            });
        });

        it("subscribes no email to the alarm topic when the stack names none", () => {
            assert.equal(setting("alarmEmail"), "");
            assert.equal(stackFeed.feed.alarmSubscription, undefined);
            // Nor one the feed declared without holding it.
            assert.deepEqual(
                stackFeed.engine.resources.filter((resource) => resource.type === SUBSCRIPTION),
                [],
            );
        });

        it("draws the alarms' metrics and the handler's own on one dashboard, in the stack's region", async () => {
            const dashboard = (await declared(stackFeed, stackFeed.feed.dashboard)).inputs;
            const widgets = (JSON.parse(String(dashboard.dashboardBody)) as { widgets: Widget[] }).widgets;
            const lines = widgets.flatMap((widget) => widget.properties.metrics);
            const drawn = (namespace: string, metric: string, dimension: string, value: unknown) =>
                lines.some(
                    (line) =>
                        line[0] === namespace &&
                        line[1] === metric &&
                        line[2] === dimension &&
                        line[3] === value,
                );

            assert.equal(dashboard.dashboardName, `changefeed-${stack}`);
            assert.ok(widgets.every((widget) => widget.properties.region === stackFeed.config["aws:region"]));
            for (const metric of ["IteratorAge", "Errors", "Throttles", "DestinationDeliveryFailures"]) {
                assert.ok(drawn("AWS/Lambda", metric, "FunctionName", functionName), metric);
            }
            assert.ok(
                drawn(
                    "AWS/Lambda",
                    "OnFailureDestinationDeliveredEventCount",
                    "EventSourceMappingUUID",
                    mappingUuid,
                ),
            );
            for (const metric of [...Object.values(BATCH_METRICS), ...Object.values(INVOCATION_METRICS)]) {
                assert.ok(drawn("DdbChangefeed", metric, "service", `changefeed-${stack}`), metric);
            }
        });
    });
}

describe("alarm settings (Pulumi mocks)", () => {
    it("subscribes the stack's alarm email to the alarm topic", async () => {
        const stackFeed = await declareStackFeed("prod", {
            "ddb-changefeed:alarmEmail": "oncall@example.com",
        });
        const { alarmSubscription, alarmTopic } = stackFeed.feed;
        assert.ok(alarmSubscription, "the feed subscribed no email");

        const subscription = (await declared(stackFeed, alarmSubscription)).inputs;
        assert.equal(subscription.protocol, "email");
        assert.equal(subscription.endpoint, "oncall@example.com");
        assert.equal(subscription.topic, (await declared(stackFeed, alarmTopic)).state.arn);
    });

    it("takes every threshold from config", async () => {
        const stackFeed = await declareStackFeed("dev", {
            "ddb-changefeed:iteratorAgeAlarmSeconds": "120",
            "ddb-changefeed:errorsAlarmThreshold": "5",
            "ddb-changefeed:throttlesAlarmThreshold": "7",
        });

        assert.equal((await alarmOn(stackFeed, "IteratorAge")).threshold, 120_000);
        assert.equal((await alarmOn(stackFeed, INVOCATION_METRICS.unexpectedErrors)).threshold, 5);
        assert.equal((await alarmOn(stackFeed, "Throttles")).threshold, 7);
    });
});
