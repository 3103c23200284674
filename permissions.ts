import type * as aws from "@pulumi/aws";

/** The ARNs and names the handler's role is scoped to. */
export type HandlerPermissionsArgs = {
    readonly sourceStreamArn: string;
    readonly projectionTableArn: string;
    readonly archiveBucketArn: string;
    readonly archivePrefix: string;
    readonly failureBucketArn: string;
    readonly logGroupArn: string;
};

/**
 * The DynamoDB calls the handler makes on the projection table (see handler/projection-writer.ts):
 * deletes are written as tombstones, so PutItem is all it needs.
 */
export const PROJECTION_WRITE_ACTIONS = ["dynamodb:PutItem"] as const;

/** What an event source mapping needs to read a DynamoDB stream. */
export const STREAM_READ_ACTIONS = [
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
] as const;

/**
 * The function's least-privilege policy: every statement names the one resource it is for, and
 * no action is a wildcard.
 */
export function handlerPolicyDocument(args: HandlerPermissionsArgs): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ReadSourceStream",
                Effect: "Allow",
                Action: [...STREAM_READ_ACTIONS],
                Resource: args.sourceStreamArn,
            },
            {
                Sid: "WriteProjection",
                Effect: "Allow",
                Action: [...PROJECTION_WRITE_ACTIONS],
                Resource: args.projectionTableArn,
            },
            {
                Sid: "ArchiveBatches",
                Effect: "Allow",
                Action: ["s3:PutObject"],
                Resource: `${args.archiveBucketArn}/${args.archivePrefix}*`,
            },
            // The mapping writes failed batches to S3 with the function's role; AWS asks for both.
            {
                Sid: "SendFailedBatches",
                Effect: "Allow",
                Action: ["s3:PutObject"],
                Resource: `${args.failureBucketArn}/*`,
            },
            {
                Sid: "ListFailureDestination",
                Effect: "Allow",
                Action: ["s3:ListBucket"],
                Resource: args.failureBucketArn,
            },
            {
                Sid: "WriteLogs",
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: `${args.logGroupArn}:*`,
            },
        ],
    };
}

/** Lets the Lambda service assume the function's role, and nothing else. */
export function lambdaAssumeRolePolicy(): aws.iam.PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Service: "lambda.amazonaws.com" },
                Action: "sts:AssumeRole",
            },
        ],
    };
}
