import * as path from "node:path";
import type { DynamoDBRecord } from "aws-lambda";
import type { Chaos } from "./chaos";
import { fileCheckpoints, memoryCheckpoints } from "./checkpoints";
import { sendToFailureDestination } from "./failure-destination";
import { localMappingConfig, type LocalMappingConfig } from "./settings";
import { FunctionPool } from "../lambda/function-pool";
import type { LocalFunction } from "../lambda/local-function";
import type { LocalStack } from "../stack";
import type { Repair } from "./stream-records";
import { LocalEventSourceMapping } from "./event-source-mapping";
import { matchesFilterCriteria } from "./filter";

/** The local stack's event source mapping, running. */
export type RunningMapping = {
    readonly poller: LocalEventSourceMapping;
    readonly mapping: LocalMappingConfig;
    /** The S3 bucket of the mapping's on-failure destination. */
    readonly failureBucket: string;
    /** Keys of the failure records written so far. */
    readonly failureObjects: readonly string[];
    /** The function's execution environments, as many as ran at once. */
    readonly functions: FunctionPool;
    stop(): Promise<void>;
};

export type MappingOptions = {
    /**
     * Another execution of the function to drive, one invocation at a time (default: the stack's
     * own, with more execution environments started as concurrent batches need them).
     */
    readonly handler?: LocalFunction;
    /** Persist checkpoints here (a kept local state); in memory otherwise. */
    readonly stateDirectory?: string;
    readonly onRepair?: (repair: Repair) => void;
    /** Lines the operator should see: records lost to the stream's retention, what chaos did. */
    readonly onNotice?: (notice: string) => void;
    /** Do what AWS is allowed to do and rarely does (`npm start -- --chaos`). */
    readonly chaos?: Chaos;
    readonly pollIntervalMs?: number;
};

/**
 * Starts the program's event source mapping on the local stack: polls the source table's real
 * stream and drives the packaged handler with the mapping's declared settings, writing discarded
 * batches to its S3 on-failure destination in AWS's format.
 *
 * @throws {Error} when the program declares no mapping, or its failure destination is not an S3 bucket
 */
export function startEventSourceMapping(stack: LocalStack, options: MappingOptions = {}): RunningMapping {
    const [resource] = stack.deployment.eventSourceMappings;
    if (!resource) throw new Error("The program declares no event source mapping.");
    const mapping = localMappingConfig(resource);
    const failureBucket = /^arn:aws:s3:::(.+)$/.exec(mapping.failureDestinationArn ?? "")?.[1];
    if (!failureBucket) {
        throw new Error(
            `The mapping's on-failure destination ${mapping.failureDestinationArn ?? "(none)"} is not an S3 bucket; ` +
                `the local stack emulates S3 destinations only.`,
        );
    }
    const [deployed] = stack.deployment.functions;
    const failureObjects: string[] = [];
    const functions = options.handler
        ? new FunctionPool(options.handler)
        : new FunctionPool(stack.handler, () => stack.createFunction());
    // On AWS the mapping reads the stream and writes the failure destination with the function's role.
    const asFunction = stack.clientsAs(stack.roleOf());
    const poller = new LocalEventSourceMapping({
        streams: asFunction.streams,
        streamArn: stack.sourceStreamArn,
        region: stack.region,
        settings: mapping.settings,
        startingPosition: mapping.startingPosition,
        batchingWindowSeconds: mapping.batchingWindowSeconds,
        parallelizationFactor: mapping.parallelizationFactor,
        checkpoints: options.stateDirectory
            ? fileCheckpoints(path.join(options.stateDirectory, "checkpoints.json"))
            : memoryCheckpoints(),
        invoke: (event, invokeOptions) => functions.invoke(event, invokeOptions),
        discard: async (batch, shardId) => {
            const key = await sendToFailureDestination(asFunction.s3, failureBucket, batch, {
                mappingUuid: String(resource.state.uuid),
                functionArn: String(deployed?.resource.state.arn),
                streamArn: stack.sourceStreamArn,
                shardId,
            });
            failureObjects.push(key);
        },
        ...(options.onRepair ? { onRepair: options.onRepair } : {}),
        ...(options.onNotice ? { onNotice: options.onNotice } : {}),
        ...(options.chaos
            ? {
                  schedule: options.chaos.schedule,
                  onDeliveryEvent: (event, shardId) => {
                      const notice = options.chaos?.observe(event, shardId);
                      if (notice) options.onNotice?.(notice);
                  },
              }
            : {}),
        // As Lambda does before batching: records no pattern matches are skipped and counted.
        ...(mapping.filterPatterns
            ? { filter: (record: DynamoDBRecord) => matchesFilterCriteria(record, mapping.filterPatterns) }
            : {}),
        ...(options.pollIntervalMs ? { pollIntervalMs: options.pollIntervalMs } : {}),
    });
    poller.start();
    return {
        poller,
        mapping,
        failureBucket,
        failureObjects,
        functions,
        stop: async () => {
            await poller.stop();
            await functions.stop();
            if (asFunction !== stack.clients) Object.values(asFunction).forEach((client) => client.destroy());
        },
    };
}
