import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { METRICS_NAMESPACE, SETTING_VARIABLES } from "../../handler/contract";
import { bundledFunction, type BundledFunction } from "../bundled-function";
import type { ChangeFeedConfig } from "../config";
import { handlerPolicyDocument } from "../permissions";
import { routeFilterPatterns } from "../route-filter";
import { toRouteDefinition } from "../routes";
import type { SecureBucket } from "../secure-bucket";
import type { FeedProjections } from "./tables";

/** What the stream handler reads and writes. */
export type StreamHandlerTargets = {
    readonly sourceStreamArn: pulumi.Output<string>;
    /** The existing source table's KMS key, when it has one. */
    readonly sourceKmsKeyArn: pulumi.Output<string | undefined>;
    readonly projections: FeedProjections;
    readonly archiveBucket: SecureBucket;
    readonly failureBucket: SecureBucket;
    /** Names the handler in its logs and metrics. */
    readonly serviceName: string;
};

/**
 * The function that applies each batch of the stream (the code in handler/), allowed exactly what
 * it reads and writes.
 */
export function streamHandler(
    name: string,
    settings: ChangeFeedConfig,
    targets: StreamHandlerTargets,
    opts: pulumi.CustomResourceOptions,
): BundledFunction {
    const { kmsKeyArn } = settings;
    return bundledFunction(
        `${name}-handler`,
        {
            factory: "createStreamHandler",
            logGroup: { name: `${name}-handler-logs`, namePrefix: `/aws/lambda/${name}-handler-` },
            logRetentionDays: settings.logRetentionDays,
            ...(kmsKeyArn ? { kmsKeyArn } : {}),
            policy: (logGroupArn) =>
                pulumi
                    .all([
                        targets.sourceStreamArn,
                        targets.sourceKmsKeyArn,
                        pulumi.all(targets.projections.all.map((table) => table.arn)),
                        targets.archiveBucket.arn,
                        targets.failureBucket.arn,
                        logGroupArn,
                    ])
                    .apply(
                        ([
                            sourceStreamArn,
                            sourceTableKmsKeyArn,
                            projectionTableArns,
                            archiveBucketArn,
                            failureBucketArn,
                            logGroup,
                        ]) =>
                            JSON.stringify(
                                handlerPolicyDocument({
                                    sourceStreamArn,
                                    projectionTableArns,
                                    archiveBucketArn,
                                    archivePrefix: settings.archivePrefix,
                                    failureBucketArn,
                                    logGroupArn: logGroup,
                                    ...(kmsKeyArn ? { kmsKeyArn } : {}),
                                    ...(sourceTableKmsKeyArn ? { sourceTableKmsKeyArn } : {}),
                                }),
                            ),
                    ),
            memorySize: settings.memoryMb,
            timeout: settings.timeoutSeconds,
            ...(settings.reservedConcurrency !== undefined
                ? { reservedConcurrentExecutions: settings.reservedConcurrency }
                : {}),
            variables: handlerVariables(settings, targets),
        },
        opts,
    );
}

/** The handler's settings, as the environment variables handler/contract.ts names. */
function handlerVariables(
    settings: ChangeFeedConfig,
    targets: StreamHandlerTargets,
): Record<string, pulumi.Input<string>> {
    const { routes } = settings;
    const { table, tableNames } = targets.projections;
    return {
        // Without routes, the one projection; with routes, each route names its table.
        ...(table ? { [SETTING_VARIABLES.projectionTable]: table.name } : {}),
        ...(routes && tableNames
            ? {
                  [SETTING_VARIABLES.routes]: tableNames.apply((tables) =>
                      JSON.stringify(
                          routes.map((route) => ({ ...toRouteDefinition(route), table: tables[route.name] })),
                      ),
                  ),
              }
            : {}),
        ...(settings.archiveScope !== "all"
            ? { [SETTING_VARIABLES.archiveScope]: settings.archiveScope }
            : {}),
        ...(settings.archiveExcludeAttributes.length > 0
            ? {
                  [SETTING_VARIABLES.archiveExcludeAttributes]: JSON.stringify(
                      settings.archiveExcludeAttributes,
                  ),
              }
            : {}),
        [SETTING_VARIABLES.archiveBucket]: targets.archiveBucket.name,
        [SETTING_VARIABLES.archivePrefix]: settings.archivePrefix,
        [SETTING_VARIABLES.writeConcurrency]: String(settings.writeConcurrency),
        [SETTING_VARIABLES.tombstoneTtlSeconds]: String(settings.tombstoneRetentionDays * 86_400),
        [SETTING_VARIABLES.ttlExpirations]: settings.ttlExpirations,
        [SETTING_VARIABLES.serviceName]: targets.serviceName,
        [SETTING_VARIABLES.metricsNamespace]: METRICS_NAMESPACE,
    };
}

/**
 * The mapping from the stream to the handler: partial batch failures, bisect on error, bounded
 * retries and age, then the failure bucket. With routes and a routed archive, records no route
 * needs (by their new or old image) are dropped by the mapping and never invoke the function; the
 * filter updates in place.
 */
export function streamMapping(
    name: string,
    settings: ChangeFeedConfig,
    targets: {
        readonly sourceStreamArn: pulumi.Output<string>;
        readonly handler: BundledFunction;
        readonly failureBucket: SecureBucket;
    },
    opts: pulumi.CustomResourceOptions,
): aws.lambda.EventSourceMapping {
    const { routes } = settings;
    const filterPatterns =
        routes && settings.archiveScope === "routed"
            ? routeFilterPatterns(routes.map(toRouteDefinition))
            : undefined;
    return new aws.lambda.EventSourceMapping(
        `${name}-mapping`,
        {
            eventSourceArn: targets.sourceStreamArn,
            functionName: targets.handler.function.arn,
            startingPosition: settings.startingPosition,
            batchSize: settings.batchSize,
            maximumBatchingWindowInSeconds: settings.batchingWindowSeconds,
            parallelizationFactor: settings.parallelizationFactor,
            maximumRetryAttempts: settings.maxRetryAttempts,
            maximumRecordAgeInSeconds: settings.maxRecordAgeSeconds,
            bisectBatchOnFunctionError: true,
            functionResponseTypes: ["ReportBatchItemFailures"],
            destinationConfig: { onFailure: { destinationArn: targets.failureBucket.arn } },
            // Per-mapping event counts, among them the records sent to the failure destination.
            metricsConfig: { metrics: ["EventCount"] },
            ...(filterPatterns
                ? {
                      filterCriteria: {
                          filters: filterPatterns.map((pattern) => ({ pattern: JSON.stringify(pattern) })),
                      },
                  }
                : {}),
        },
        // The role must be able to read the stream before AWS accepts the mapping.
        { ...opts, dependsOn: [targets.handler.policy] },
    );
}
