import type * as aws from "@pulumi/aws";
import { BACKFILL_MAP_LABEL, EXPORTS_PREFIX, RESULTS_PREFIX } from "./backfill-definition";
import { kmsKeyRegion } from "./config";
import { DYNAMODB_KEY_ACTIONS, projectionWriteStatement } from "./permissions";

/** The ARNs and names the backfill function's role is scoped to. */
export type BackfillFunctionPermissionsArgs = {
    readonly bucketArn: string;
    /** The feed's projection table, or with routes every route's table. */
    readonly projectionTableArns: readonly string[];
    readonly archiveBucketArn: string;
    readonly archivePrefix: string;
    readonly logGroupArn: string;
    readonly kmsKeyArn?: string;
};

/** The ARNs the backfill state machine's role is scoped to. */
export type BackfillStateMachinePermissionsArgs = {
    readonly stateMachineArn: string;
    readonly functionArn: string;
    readonly bucketArn: string;
    readonly kmsKeyArn?: string;
};

/** What Step Functions needs to write a Distributed Map's results to S3 (a multipart upload for large ones). */
export const RESULT_WRITER_ACTIONS = [
    "s3:PutObject",
    "s3:GetObject",
    "s3:ListMultipartUploadParts",
    "s3:AbortMultipartUpload",
] as const;

/**
 * The backfill function's least-privilege policy: read the export's data files, write the
 * projection (guarded PutItem, as the stream handler) and the archive, and its own logs.
 */
export function backfillFunctionPolicyDocument(
    args: BackfillFunctionPermissionsArgs,
): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ReadExportDataFiles",
                Effect: "Allow",
                Action: ["s3:GetObject"],
                Resource: `${args.bucketArn}/${EXPORTS_PREFIX}*`,
            },
            projectionWriteStatement(args.projectionTableArns),
            {
                Sid: "ArchiveBatches",
                Effect: "Allow",
                Action: ["s3:PutObject"],
                Resource: `${args.archiveBucketArn}/${args.archivePrefix}*`,
            },
            {
                Sid: "WriteLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: `${args.logGroupArn}:*`,
            },
            ...(args.kmsKeyArn
                ? [
                      keyStatement("UseKeyThroughDynamoDB", args.kmsKeyArn, "dynamodb", [
                          ...DYNAMODB_KEY_ACTIONS,
                      ]),
                      keyStatement("UseKeyThroughS3", args.kmsKeyArn, "s3", [
                          "kms:Decrypt",
                          "kms:GenerateDataKey",
                      ]),
                  ]
                : []),
        ],
    };
}

/**
 * The backfill state machine's least-privilege policy, as a Distributed Map needs it: start,
 * watch and redrive its own child executions, invoke the backfill function, read the manifest and
 * write the map's results.
 */
export function backfillStateMachinePolicyDocument(
    args: BackfillStateMachinePermissionsArgs,
): aws.iam.PolicyDocument {
    const executions = args.stateMachineArn.replace(":stateMachine:", ":execution:");
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "StartChildWorkflows",
                Effect: "Allow",
                Action: ["states:StartExecution"],
                Resource: args.stateMachineArn,
            },
            {
                // A child's ARN is `execution:<state machine>/<map label>:<id>`, which
                // `execution:<state machine>:*` does not match: AWS's Distributed Map policy names `/*`.
                Sid: "WatchChildWorkflows",
                Effect: "Allow",
                Action: ["states:DescribeExecution", "states:StopExecution"],
                Resource: `${executions}/*`,
            },
            {
                Sid: "RedriveChildWorkflows",
                Effect: "Allow",
                Action: ["states:RedriveExecution"],
                Resource: `${executions}/${BACKFILL_MAP_LABEL}:*`,
            },
            {
                Sid: "InvokeBackfillFunction",
                Effect: "Allow",
                Action: ["lambda:InvokeFunction"],
                Resource: args.functionArn,
            },
            {
                Sid: "ReadManifest",
                Effect: "Allow",
                Action: ["s3:GetObject"],
                Resource: `${args.bucketArn}/${EXPORTS_PREFIX}*`,
            },
            {
                Sid: "WriteResults",
                Effect: "Allow",
                Action: [...RESULT_WRITER_ACTIONS],
                Resource: `${args.bucketArn}/${RESULTS_PREFIX}*`,
            },
            ...(args.kmsKeyArn
                ? [
                      keyStatement("UseKeyThroughS3", args.kmsKeyArn, "s3", [
                          "kms:Decrypt",
                          "kms:GenerateDataKey",
                      ]),
                  ]
                : []),
        ],
    };
}

/** Lets Step Functions assume the state machine's role, and nothing else. */
export function statesAssumeRolePolicy(): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
    };
}

/** Use of the stack's key through one service in the key's region only (`kms:ViaService`). */
function keyStatement(
    sid: string,
    kmsKeyArn: string,
    service: string,
    actions: string[],
): aws.iam.PolicyStatement {
    return {
        Sid: sid,
        Effect: "Allow",
        Action: actions,
        Resource: kmsKeyArn,
        Condition: {
            StringEquals: { "kms:ViaService": `${service}.${kmsKeyRegion(kmsKeyArn)}.amazonaws.com` },
        },
    };
}
