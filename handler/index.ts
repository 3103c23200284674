import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from "aws-lambda";
import { createChangeFeedClients } from "./clients";
import { createBatchDependencies } from "./dependencies";
import { handleInvocation } from "./invocation";
import { readSettings } from "./settings";
import { createTelemetry } from "./telemetry";

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

/**
 * The Lambda's factory, handed to `aws.lambda.CallbackFunction` as `callbackFactory`: it runs once
 * per container, so clients, the batch processor and the Powertools logger and metrics are built
 * here and reused by every batch. (Module-level instances of those cannot be serialized into the
 * function's code.)
 *
 * Endpoints, region and credentials come from the standard AWS SDK environment, which is what
 * lets the same code run against DynamoDB Local and s3rver (`AWS_ENDPOINT_URL_DYNAMODB`,
 * `AWS_ENDPOINT_URL_S3`).
 *
 * @throws {MissingSettingError} at cold start when the function's environment lacks a setting
 * @example
 * new aws.lambda.CallbackFunction("changefeed-handler", { callbackFactory: createStreamHandler, ... });
 */
export function createStreamHandler(): StreamHandler {
    const settings = readSettings(process.env);
    const telemetry = createTelemetry(
        new Logger({ serviceName: settings.serviceName }),
        new Metrics({ namespace: settings.metricsNamespace, serviceName: settings.serviceName }),
    );
    const dependencies = createBatchDependencies(settings, createChangeFeedClients(), telemetry);
    return (event, context) => handleInvocation(event, dependencies, telemetry, context);
}
