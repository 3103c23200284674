import type * as aws from "@pulumi/aws";
import { kmsKeyRegion } from "./config";

/** The ARNs and names the handler's role is scoped to. */
export type HandlerPermissionsArgs = {
    readonly sourceStreamArn: string;
    /** The projection tables: one, or one per route. */
    readonly projectionTableArns: readonly string[];
    readonly archiveBucketArn: string;
    readonly archivePrefix: string;
    readonly failureBucketArn: string;
    readonly logGroupArn: string;
    /** The customer-managed key that encrypts the tables and buckets, when the stack uses one. */
    readonly kmsKeyArn?: string;
    /** The KMS key of an existing source table, when it has one: reading its stream decrypts with it. */
    readonly sourceTableKmsKeyArn?: string;
};

/**
 * The DynamoDB calls the handler makes on the projection tables (see handler/projection-writer.ts):
 * deletes are written as tombstones, so PutItem is all it needs.
 */
export const PROJECTION_WRITE_ACTIONS = ["dynamodb:PutItem"] as const;

/**
 * The projection writes on exactly the given tables (one, or one per route), for every function
 * that applies changes: the stream handler and the export backfill.
 */
export function projectionWriteStatement(tableArns: readonly string[]): aws.iam.PolicyStatement {
    return {
        Sid: "WriteProjection",
        Effect: "Allow",
        Action: [...PROJECTION_WRITE_ACTIONS],
        Resource: tableArns.length === 1 ? (tableArns[0] as string) : [...tableArns],
    };
}

/** What an event source mapping needs to read a DynamoDB stream. */
export const STREAM_READ_ACTIONS = [
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
] as const;

/**
 * What DynamoDB needs of a customer-managed table key on the caller's behalf: Decrypt to read the
 * stream and the table key, Encrypt and GenerateDataKey to write the projection.
 */
export const DYNAMODB_KEY_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] as const;

/** What S3 needs of a customer-managed bucket key to store an object (single-part PutObject). */
export const S3_KEY_ACTIONS = ["kms:GenerateDataKey"] as const;

/**
 * The function's least-privilege policy: every statement names the one resource it is for, and
 * no action is a wildcard. With a customer-managed key, the key may only be used through DynamoDB
 * and S3 in the key's region, never directly.
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
            projectionWriteStatement(args.projectionTableArns),
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
            ...(args.sourceTableKmsKeyArn ? [sourceStreamKeyStatement(args.sourceTableKmsKeyArn)] : []),
            ...(args.kmsKeyArn ? keyStatements(args.kmsKeyArn) : []),
        ],
    };
}

/**
 * Decrypting an encrypted table's stream records, through DynamoDB only: what the AWS CDK's
 * `grantStreamRead` grants on a table's key (aws/aws-cdk#23400).
 */
function sourceStreamKeyStatement(kmsKeyArn: string): aws.iam.PolicyStatement {
    return {
        Sid: "DecryptSourceStream",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: kmsKeyArn,
        Condition: {
            StringEquals: { "kms:ViaService": `dynamodb.${kmsKeyRegion(kmsKeyArn)}.amazonaws.com` },
        },
    };
}

/** Use of the stack's key, each through the one service that needs it (`kms:ViaService`). */
function keyStatements(kmsKeyArn: string): aws.iam.PolicyStatement[] {
    const region = kmsKeyRegion(kmsKeyArn);
    const through = (service: string) => ({
        StringEquals: { "kms:ViaService": `${service}.${region}.amazonaws.com` },
    });
    return [
        {
            Sid: "UseKeyThroughDynamoDB",
            Effect: "Allow",
            Action: [...DYNAMODB_KEY_ACTIONS],
            Resource: kmsKeyArn,
            Condition: through("dynamodb"),
        },
        // The function's archive writes and the mapping's failed-batch writes both land in S3.
        {
            Sid: "UseKeyThroughS3",
            Effect: "Allow",
            Action: [...S3_KEY_ACTIONS],
            Resource: kmsKeyArn,
            Condition: through("s3"),
        },
    ];
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
