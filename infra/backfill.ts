import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EXPORT_BACKFILL_VARIABLES, SETTING_VARIABLES } from "../handler/contract";
import { backfillStateMachineDefinition } from "./backfill-definition";
import {
    backfillFunctionPolicyDocument,
    backfillStateMachinePolicyDocument,
    statesAssumeRolePolicy,
} from "./backfill-permissions";
import { bundledFunction } from "./bundled-function";
import { SecureBucket } from "./secure-bucket";

/** The type token of the component. */
export const EXPORT_BACKFILL_TYPE = "ddb-changefeed:backfill:ExportBackfill";

/** Lambda's longest timeout: a data file that takes longer resumes in the next invocation. */
const BACKFILL_FUNCTION_TIMEOUT_SECONDS = 900;

/** What an ExportBackfill applies exports to, and how. */
export interface ExportBackfillArgs {
    /** The feed's projection table, or with routes every route's table. */
    readonly projectionTables: readonly aws.dynamodb.Table[];
    readonly archiveBucket: SecureBucket;
    readonly archivePrefix: string;
    /** The stream handler: the backfill function runs with its settings, so both write alike. */
    readonly handlerFunction: aws.lambda.Function;
    /** The source table's key attribute names, partition key first. */
    readonly keyAttributes: pulumi.Input<string[]>;
    readonly memoryMb: number;
    readonly logRetentionDays: number;
    readonly maxConcurrency: number;
    readonly toleratedFailurePercentage: number;
    readonly exportExpirationDays: number;
    readonly noncurrentVersionExpirationDays: number;
    /** As the feed's other buckets: protected, or destroyable with every object version. */
    readonly deletionProtection: boolean;
    readonly kmsKeyArn?: string;
}

/**
 * Backfill at any table size: a bucket that receives point-in-time exports of the source table
 * (and the backfill runs' results), a function that applies one data file of an export through
 * the stream handler's guarded writes, and a Step Functions state machine whose Distributed Map
 * runs that function for every data file of an export's manifest, in parallel. Each with a
 * least-privilege role of its own. `npm run backfill -- --from-export` starts the export and the
 * state machine.
 */
export class ExportBackfill extends pulumi.ComponentResource {
    /** Exports under `exports/`, the map's results under `results/`; both expire. */
    public readonly bucket: SecureBucket;
    public readonly logGroup: aws.cloudwatch.LogGroup;
    public readonly functionRole: aws.iam.Role;
    public readonly functionPolicy: aws.iam.RolePolicy;
    public readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
    public readonly stateMachineRole: aws.iam.Role;
    public readonly stateMachine: aws.sfn.StateMachine;
    public readonly stateMachinePolicy: aws.iam.RolePolicy;

    public constructor(name: string, args: ExportBackfillArgs, opts?: pulumi.ComponentResourceOptions) {
        super(EXPORT_BACKFILL_TYPE, name, {}, opts);
        const child = { parent: this };
        const { kmsKeyArn } = args;

        // Exports are full copies of the table: kept only as long as a failed run may need a redrive.
        this.bucket = new SecureBucket(
            `${name}-exports`,
            {
                ...(kmsKeyArn ? { kmsKeyArn } : {}),
                deletionProtection: args.deletionProtection,
                lifecycle: {
                    transitionDays: 0,
                    expirationDays: args.exportExpirationDays,
                    noncurrentVersionExpirationDays: args.noncurrentVersionExpirationDays,
                },
            },
            child,
        );

        // The stream handler's settings, so a backfilled item is written exactly as a streamed one;
        // its own service name, so its batches stay out of the stream's metrics and dashboard.
        const variables = pulumi
            .all([args.handlerFunction.environment, args.keyAttributes])
            .apply(([environment, keyAttributes]) => {
                const handlerVariables: Record<string, string> = { ...environment?.variables };
                return {
                    ...handlerVariables,
                    [SETTING_VARIABLES.serviceName]: `${handlerVariables[SETTING_VARIABLES.serviceName] ?? name}-backfill`,
                    [EXPORT_BACKFILL_VARIABLES.keyAttributes]: keyAttributes.join(","),
                };
            });
        const applier = bundledFunction(
            `${name}-function`,
            {
                factory: "createExportBackfillHandler",
                logGroup: { name: `${name}-logs`, namePrefix: `/aws/lambda/${name}-` },
                logRetentionDays: args.logRetentionDays,
                ...(kmsKeyArn ? { kmsKeyArn } : {}),
                policy: (logGroupArn) =>
                    pulumi
                        .all([
                            this.bucket.arn,
                            pulumi.all(args.projectionTables.map((table) => table.arn)),
                            args.archiveBucket.arn,
                            logGroupArn,
                        ])
                        .apply(([bucketArn, projectionTableArns, archiveBucketArn, logGroupArn]) =>
                            JSON.stringify(
                                backfillFunctionPolicyDocument({
                                    bucketArn,
                                    projectionTableArns,
                                    archiveBucketArn,
                                    archivePrefix: args.archivePrefix,
                                    logGroupArn,
                                    ...(kmsKeyArn ? { kmsKeyArn } : {}),
                                }),
                            ),
                        ),
                memorySize: args.memoryMb,
                timeout: BACKFILL_FUNCTION_TIMEOUT_SECONDS,
                variables,
            },
            child,
        );
        this.logGroup = applier.logGroup;
        this.functionRole = applier.role;
        this.functionPolicy = applier.policy;
        this.function = applier.function;

        this.stateMachineRole = new aws.iam.Role(
            `${name}-state-machine-role`,
            { assumeRolePolicy: JSON.stringify(statesAssumeRolePolicy()) },
            child,
        );
        this.stateMachine = new aws.sfn.StateMachine(
            `${name}-state-machine`,
            {
                type: "STANDARD",
                roleArn: this.stateMachineRole.arn,
                definition: pulumi.all([this.function.arn, this.bucket.name]).apply(([functionArn, bucket]) =>
                    JSON.stringify(
                        backfillStateMachineDefinition({
                            functionArn,
                            bucket,
                            maxConcurrency: args.maxConcurrency,
                            toleratedFailurePercentage: args.toleratedFailurePercentage,
                        }),
                    ),
                ),
            },
            child,
        );
        // After the state machine: its policy names the state machine itself (a Distributed Map
        // starts its child workflows as executions of its own state machine).
        this.stateMachinePolicy = new aws.iam.RolePolicy(
            `${name}-state-machine-policy`,
            {
                role: this.stateMachineRole.id,
                policy: pulumi
                    .all([this.stateMachine.arn, this.function.arn, this.bucket.arn])
                    .apply(([stateMachineArn, functionArn, bucketArn]) =>
                        JSON.stringify(
                            backfillStateMachinePolicyDocument({
                                stateMachineArn,
                                functionArn,
                                bucketArn,
                                ...(kmsKeyArn ? { kmsKeyArn } : {}),
                            }),
                        ),
                    ),
            },
            child,
        );

        this.registerOutputs({
            bucketName: this.bucket.name,
            functionName: this.function.name,
            stateMachineArn: this.stateMachine.arn,
        });
    }
}
