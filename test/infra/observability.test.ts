import { strict as assert } from "node:assert";
import { BATCH_METRICS, INVOCATION_METRICS, SETTING_VARIABLES } from "../../handler/contract";
import { stackSettings } from "../helpers/stack-settings";
import { findResource, runProgram, type ProgramRun } from "../../local/program";

const FUNCTION = "aws:lambda/function:Function";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";

type Widget = {
    type: string;
    properties: { title: string; region: string; metrics: (string | Record<string, string>)[][] };
};

/** The alarm's inputs, less its description (checked separately for what it names). */
function alarm(run: ProgramRun, id: string): Record<string, unknown> {
    const { alarmDescription, ...inputs } = findResource(run, ALARM, `changefeed-${id}-alarm`).inputs;
    assert.ok(String(alarmDescription).length > 40, `${id} explains itself to whoever it wakes`);
    return inputs;
}

for (const stack of ["dev", "prod"]) {
    describe(`observability of the ${stack} stack (Pulumi mocks)`, () => {
        let run: ProgramRun;
        let functionName: unknown;
        let mappingUuid: unknown;
        /** Where every alarm notifies: the topic's ARN as the mock engine reports it. */
        let topicArn: unknown;
        const setting = stackSettings(stack);

        before(async () => {
            run = await runProgram(stack);
            functionName = findResource(run, FUNCTION, "changefeed-handler").state.name;
            mappingUuid = findResource(run, MAPPING, "changefeed-mapping").state.uuid;
            // The mock engine gives SNS topics no ARN yet; the program passes whatever it reports.
            topicArn = findResource(run, TOPIC, "changefeed-alarms").state.arn ?? null;
        });

        const notifying = () => ({
            alarmActions: [topicArn],
            okActions: [topicArn],
            treatMissingData: "notBreaching",
        });

        it("alarms when the iterator age stays above the stack's threshold for 3 minutes", () => {
            assert.deepEqual(alarm(run, "iterator-age"), {
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

        it("alarms on the function's Throttles at the stack's threshold over 5 minutes", () => {
            assert.deepEqual(alarm(run, "throttles"), {
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

        it("alarms on the invocations the handler itself counts as failed unexpectedly, at the stack's threshold over 5 minutes", () => {
            // Lambda's own Errors metric also counts the failures the handler raises on purpose so that
            // the mapping bisects a batch, which would page for every poison record.
            const handlerEnvironment = (
                findResource(run, FUNCTION, "changefeed-handler").inputs as {
                    environment: { variables: Record<string, string> };
                }
            ).environment.variables;

            assert.deepEqual(alarm(run, "errors"), {
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

        it("tells whoever the errors alarm wakes what it counts and what it leaves to the other alarms", () => {
            const description = String(
                findResource(run, ALARM, "changefeed-errors-alarm").inputs.alarmDescription,
            );

            assert.match(description, /did not raise on purpose/);
            assert.match(description, /first or every record failed/);
            assert.match(description, /failure destination, which has its own alarm/);
            assert.match(description, /timeouts, out-of-memory or init failures/);
        });

        it("alarms on any record that reaches the failure destination, from the mapping's event counts", () => {
            assert.deepEqual(alarm(run, "failure-destination"), {
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
            assert.deepEqual(findResource(run, MAPPING, "changefeed-mapping").inputs.metricsConfig, {
                metrics: ["EventCount"],
            });
        });

        it("alarms when a failed batch cannot be delivered to the failure destination", () => {
            assert.deepEqual(alarm(run, "failure-delivery"), {
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
            assert.deepEqual(
                run.resources.filter((resource) => resource.type === SUBSCRIPTION),
                [],
            );
        });

        it("draws the alarms' metrics and the handler's own on one dashboard, in the stack's region", () => {
            const dashboard = findResource(run, DASHBOARD, "changefeed-dashboard").inputs;
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
            assert.ok(widgets.every((widget) => widget.properties.region === run.config["aws:region"]));
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
        const run = await runProgram("prod", { "ddb-changefeed:alarmEmail": "oncall@example.com" });

        const subscription = findResource(run, SUBSCRIPTION, "changefeed-alarm-email").inputs;
        assert.equal(subscription.protocol, "email");
        assert.equal(subscription.endpoint, "oncall@example.com");
        assert.equal(subscription.topic, findResource(run, TOPIC, "changefeed-alarms").state.arn);
    });

    it("takes every threshold from config", async () => {
        const run = await runProgram("dev", {
            "ddb-changefeed:iteratorAgeAlarmSeconds": "120",
            "ddb-changefeed:errorsAlarmThreshold": "5",
            "ddb-changefeed:throttlesAlarmThreshold": "7",
        });

        assert.equal(alarm(run, "iterator-age").threshold, 120_000);
        assert.equal(alarm(run, "errors").threshold, 5);
        assert.equal(alarm(run, "throttles").threshold, 7);
    });
});
