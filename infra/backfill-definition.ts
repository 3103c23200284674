import type { ExportOrigin } from "../handler/contract";

/** Where the backfill bucket keeps point-in-time exports and the Distributed Map's results. */
export const EXPORTS_PREFIX = "exports/";
export const RESULTS_PREFIX = "results/";

/** The Distributed Map state, and the label that names its child executions (`<state machine>/<label>:<id>`). */
export const BACKFILL_MAP_STATE = "ApplyDataFiles";
export const BACKFILL_MAP_LABEL = "DataFiles";

/** What an execution of the backfill state machine is started with (by `npm run backfill -- --from-export`). */
export type BackfillExecutionInput = {
    /** The export's `manifest-files.json` (or a manifest of some of its lines) in the backfill bucket. */
    readonly manifestFilesKey: string;
    readonly export: ExportOrigin;
};

export type BackfillDefinitionArgs = {
    readonly functionArn: string;
    /** The backfill bucket: exports under {@link EXPORTS_PREFIX}, results under {@link RESULTS_PREFIX}. */
    readonly bucket: string;
    readonly maxConcurrency: number;
    readonly toleratedFailurePercentage: number;
};

/**
 * The Lambda service errors worth retrying, never the function's own error: the transient set AWS
 * recommends for a Lambda task ("Handle transient Lambda service exceptions", Step Functions
 * Developer Guide), and throttling.
 */
export const TRANSIENT_LAMBDA_ERRORS = [
    "Lambda.ClientExecutionTimeoutException",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
];

/**
 * The backfill state machine (Amazon States Language, JSONPath): one Distributed Map reads the
 * export's `manifest-files.json` (JSON Lines, one data file per line) from S3 and runs a child
 * workflow per data file, at most `maxConcurrency` at once; each child invokes the backfill
 * function until it reports the file `done` (a large file takes several invocations, each
 * resuming where the last stopped). The run fails once more than `toleratedFailurePercentage`
 * of the files have failed; the results of every child (its input, output or error) go to S3,
 * where `npm run backfill` reads its summary. Pure.
 */
export function backfillStateMachineDefinition(args: BackfillDefinitionArgs): Record<string, unknown> {
    return {
        Comment:
            "Applies a DynamoDB point-in-time export to the change feed: one child workflow per data file of its manifest.",
        StartAt: BACKFILL_MAP_STATE,
        States: {
            [BACKFILL_MAP_STATE]: {
                Type: "Map",
                Label: BACKFILL_MAP_LABEL,
                ItemReader: {
                    Resource: "arn:aws:states:::s3:getObject",
                    ReaderConfig: { InputType: "JSONL" },
                    Parameters: { Bucket: args.bucket, "Key.$": "$.manifestFilesKey" },
                },
                ItemSelector: { bucket: args.bucket, "file.$": "$$.Map.Item.Value", "export.$": "$.export" },
                ItemProcessor: {
                    ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
                    StartAt: "ApplyDataFile",
                    States: {
                        ApplyDataFile: {
                            Type: "Task",
                            Resource: "arn:aws:states:::lambda:invoke",
                            Parameters: { FunctionName: args.functionArn, "Payload.$": "$" },
                            OutputPath: "$.Payload",
                            Retry: [
                                {
                                    ErrorEquals: TRANSIENT_LAMBDA_ERRORS,
                                    IntervalSeconds: 2,
                                    MaxAttempts: 6,
                                    BackoffRate: 2,
                                },
                            ],
                            Next: "FileDone",
                        },
                        FileDone: {
                            Type: "Choice",
                            Choices: [{ Variable: "$.done", BooleanEquals: false, Next: "ApplyDataFile" }],
                            Default: "FileApplied",
                        },
                        FileApplied: { Type: "Succeed" },
                    },
                },
                MaxConcurrency: args.maxConcurrency,
                ToleratedFailurePercentage: args.toleratedFailurePercentage,
                ResultWriter: {
                    Resource: "arn:aws:states:::s3:putObject",
                    Parameters: { Bucket: args.bucket, Prefix: RESULTS_PREFIX.replace(/\/$/, "") },
                },
                End: true,
            },
        },
    };
}
