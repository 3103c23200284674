/**
 * What `pulumi up`, `pulumi preview --refresh` and `pulumi destroy` call on AWS for each resource
 * type the program declares: the provider's create, read, update and delete functions, as
 * terraform-provider-aws (which `@pulumi/aws` 7 wraps, its v6 line) writes them in
 * `internal/service/<service>/<resource>.go`. Each entry cites that file; its calls are IAM
 * actions (an API call's action where they differ: S3's DeleteBucketLifecycle is
 * `s3:PutLifecycleConfiguration`, HeadBucket is `s3:ListBucket`).
 */
import type { DeclaredResource } from "../../local/program";

export type Phase = "create" | "read" | "update" | "delete";

/** One call, on the ARN it acts on (from the declared resource), with its request's condition keys. */
export type ProviderCall = {
    readonly phase: Phase;
    readonly action: string;
    readonly arn: string;
    readonly context?: Readonly<Record<string, string>>;
};

export type ResourceCalls = {
    /** The provider file whose create, read, update and delete functions make the calls. */
    readonly source: string;
    readonly calls: (resource: DeclaredResource, scope: CallScope) => ProviderCall[];
};

export type CallScope = { readonly region: string; readonly account: string };

const PROVIDER = "https://github.com/hashicorp/terraform-provider-aws/blob/main";

const state = (resource: DeclaredResource, field: string): string => String(resource.state[field]);

function calls(
    arn: string,
    byPhase: Partial<Record<Phase, readonly string[]>>,
    context?: Readonly<Record<string, string>>,
): ProviderCall[] {
    return Object.entries(byPhase).flatMap(([phase, actions]) =>
        (actions ?? []).map((action) => ({
            phase: phase as Phase,
            action,
            arn,
            ...(context ? { context } : {}),
        })),
    );
}

/** Every Get* a bucket's read makes (the provider reads each setting it manages). */
const BUCKET_READS = [
    "s3:ListBucket",
    "s3:GetBucketPolicy",
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketWebsite",
    "s3:GetBucketVersioning",
    "s3:GetAccelerateConfiguration",
    "s3:GetBucketRequestPayment",
    "s3:GetBucketLogging",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketTagging",
];

const bucketArn = (resource: DeclaredResource): string =>
    `arn:aws:s3:::${String(resource.inputs.bucket ?? resource.state.bucket)}`;

function bucketSetting(file: string, get: string, put: string, remove = put): ResourceCalls {
    return {
        source: `${PROVIDER}/internal/service/s3/${file}`,
        calls: (resource) =>
            calls(bucketArn(resource), { create: [put], read: [get], update: [put], delete: [remove] }),
    };
}

/** By Pulumi resource type. */
export const PROVIDER_CALLS: Readonly<Record<string, ResourceCalls>> = {
    "aws:dynamodb/table:Table": {
        source: `${PROVIDER}/internal/service/dynamodb/table.go`,
        calls: (resource) =>
            calls(state(resource, "arn"), {
                create: [
                    "dynamodb:CreateTable",
                    "dynamodb:UpdateTimeToLive",
                    "dynamodb:UpdateContinuousBackups",
                    "dynamodb:TagResource",
                ],
                read: [
                    "dynamodb:DescribeTable",
                    "dynamodb:DescribeContinuousBackups",
                    "dynamodb:DescribeTimeToLive",
                    "dynamodb:ListTagsOfResource",
                ],
                update: [
                    "dynamodb:UpdateTable",
                    "dynamodb:UpdateTimeToLive",
                    "dynamodb:UpdateContinuousBackups",
                ],
                delete: ["dynamodb:DeleteTable", "dynamodb:DescribeTable"],
            }),
    },
    "aws:s3/bucket:Bucket": {
        source: `${PROVIDER}/internal/service/s3/bucket.go`,
        calls: (resource) =>
            calls(bucketArn(resource), {
                create: ["s3:CreateBucket", "s3:PutBucketTagging"],
                read: BUCKET_READS,
                update: ["s3:PutBucketTagging"],
                // forceDestroy lists every object version first; deleting them is EmptyBucketsOnDestroy's.
                delete: ["s3:ListBucketVersions", "s3:DeleteBucket"],
            }),
    },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketSetting(
        "bucket_ownership_controls.go",
        "s3:GetBucketOwnershipControls",
        "s3:PutBucketOwnershipControls",
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketSetting(
        "bucket_public_access_block.go",
        "s3:GetBucketPublicAccessBlock",
        "s3:PutBucketPublicAccessBlock",
    ),
    "aws:s3/bucketVersioning:BucketVersioning": bucketSetting(
        "bucket_versioning.go",
        "s3:GetBucketVersioning",
        "s3:PutBucketVersioning",
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketSetting(
        "bucket_server_side_encryption_configuration.go",
        "s3:GetEncryptionConfiguration",
        "s3:PutEncryptionConfiguration",
    ),
    "aws:s3/bucketPolicy:BucketPolicy": bucketSetting(
        "bucket_policy.go",
        "s3:GetBucketPolicy",
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketSetting(
        "bucket_lifecycle_configuration.go",
        "s3:GetLifecycleConfiguration",
        "s3:PutLifecycleConfiguration",
    ),
    "aws:iam/role:Role": {
        source: `${PROVIDER}/internal/service/iam/role.go`,
        calls: (resource) =>
            calls(state(resource, "arn"), {
                create: ["iam:CreateRole", "iam:TagRole"],
                read: ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"],
                update: ["iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole"],
                delete: [
                    "iam:ListInstanceProfilesForRole",
                    "iam:ListRolePolicies",
                    "iam:DeleteRolePolicy",
                    "iam:ListAttachedRolePolicies",
                    "iam:DeleteRole",
                ],
            }),
    },
    "aws:iam/rolePolicy:RolePolicy": {
        source: `${PROVIDER}/internal/service/iam/role_policy.go`,
        calls: (resource, scope) =>
            calls(`arn:aws:iam::${scope.account}:role/${String(resource.inputs.role)}`, {
                create: ["iam:PutRolePolicy"],
                read: ["iam:GetRolePolicy"],
                update: ["iam:PutRolePolicy"],
                delete: ["iam:DeleteRolePolicy"],
            }),
    },
    "aws:cloudwatch/logGroup:LogGroup": {
        source: `${PROVIDER}/internal/service/logs/group.go`,
        calls: (resource, scope) => [
            ...calls(state(resource, "arn"), {
                create: ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
                read: ["logs:ListTagsForResource"],
                update: ["logs:PutRetentionPolicy", "logs:TagResource"],
                delete: ["logs:DeleteLogGroup"],
            }),
            ...calls(`arn:aws:logs:${scope.region}:${scope.account}:log-group:*`, {
                read: ["logs:DescribeLogGroups"],
            }),
        ],
    },
    "aws:lambda/function:Function": {
        source: `${PROVIDER}/internal/service/lambda/function.go`,
        calls: (resource) => [
            ...calls(state(resource, "arn"), {
                create: ["lambda:CreateFunction", "lambda:TagResource"],
                read: [
                    "lambda:GetFunction",
                    "lambda:GetFunctionCodeSigningConfig",
                    "lambda:ListVersionsByFunction",
                    "lambda:ListTags",
                ],
                update: [
                    "lambda:UpdateFunctionCode",
                    "lambda:UpdateFunctionConfiguration",
                    "lambda:GetFunctionConfiguration",
                ],
                delete: ["lambda:DeleteFunction"],
            }),
            ...calls(
                String(resource.inputs.role),
                { create: ["iam:PassRole"], update: ["iam:PassRole"] },
                { "iam:PassedToService": "lambda.amazonaws.com" },
            ),
        ],
    },
    "aws:lambda/eventSourceMapping:EventSourceMapping": {
        source: `${PROVIDER}/internal/service/lambda/event_source_mapping.go`,
        calls: (resource, scope) => [
            ...calls(
                "*",
                {
                    create: ["lambda:CreateEventSourceMapping"],
                    update: ["lambda:UpdateEventSourceMapping"],
                    delete: ["lambda:DeleteEventSourceMapping"],
                },
                { "lambda:FunctionArn": String(resource.inputs.functionName) },
            ),
            ...calls(
                `arn:aws:lambda:${scope.region}:${scope.account}:event-source-mapping:${state(resource, "uuid")}`,
                {
                    read: ["lambda:GetEventSourceMapping", "lambda:ListTags"],
                },
            ),
        ],
    },
    "aws:sns/topic:Topic": {
        source: `${PROVIDER}/internal/service/sns/topic.go`,
        calls: (resource) =>
            calls(state(resource, "arn"), {
                create: ["sns:CreateTopic", "sns:SetTopicAttributes", "sns:TagResource"],
                read: ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
                update: ["sns:SetTopicAttributes"],
                delete: ["sns:DeleteTopic"],
            }),
    },
    "aws:sns/topicSubscription:TopicSubscription": {
        source: `${PROVIDER}/internal/service/sns/topic_subscription.go`,
        calls: (resource) =>
            calls(`${String(resource.inputs.topic)}:00000000-0000-0000-0000-000000000000`, {
                create: ["sns:Subscribe"],
                read: ["sns:GetSubscriptionAttributes"],
                update: ["sns:SetSubscriptionAttributes"],
                delete: ["sns:Unsubscribe"],
            }),
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        source: `${PROVIDER}/internal/service/cloudwatch/metric_alarm.go`,
        calls: (resource) =>
            calls(state(resource, "arn"), {
                create: ["cloudwatch:PutMetricAlarm", "cloudwatch:TagResource"],
                read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
                update: ["cloudwatch:PutMetricAlarm"],
                delete: ["cloudwatch:DeleteAlarms"],
            }),
    },
    "aws:cloudwatch/dashboard:Dashboard": {
        source: `${PROVIDER}/internal/service/cloudwatch/dashboard.go`,
        calls: (resource, scope) =>
            calls(
                `arn:aws:cloudwatch::${scope.account}:dashboard/${String(resource.state.dashboardName ?? resource.state.name)}`,
                {
                    create: ["cloudwatch:PutDashboard"],
                    read: ["cloudwatch:GetDashboard"],
                    update: ["cloudwatch:PutDashboard"],
                    delete: ["cloudwatch:DeleteDashboards"],
                },
            ),
    },
    "aws:sfn/stateMachine:StateMachine": {
        source: `${PROVIDER}/internal/service/sfn/state_machine.go`,
        calls: (resource, scope) => [
            // Validated before it is created or its definition updated (hashicorp/terraform-provider-aws#39472).
            ...calls(`arn:aws:states:${scope.region}:${scope.account}:stateMachine:*`, {
                create: ["states:ValidateStateMachineDefinition"],
                update: ["states:ValidateStateMachineDefinition"],
            }),
            ...calls(state(resource, "arn"), {
                create: ["states:CreateStateMachine", "states:ListStateMachineVersions"],
                read: [
                    "states:DescribeStateMachine",
                    "states:ListStateMachineVersions",
                    "states:ListTagsForResource",
                ],
                update: ["states:UpdateStateMachine", "states:TagResource", "states:UntagResource"],
                delete: ["states:DeleteStateMachine", "states:DescribeStateMachine"],
            }),
            ...calls(
                String(resource.inputs.roleArn),
                { create: ["iam:PassRole"], update: ["iam:PassRole"] },
                { "iam:PassedToService": "states.amazonaws.com" },
            ),
        ],
    },
};

/** The data source an adopting stack reads its table with (`aws.dynamodb.getTable`), at preview and up. */
export const GET_TABLE_CALLS = {
    source: `${PROVIDER}/internal/service/dynamodb/table_data_source.go`,
    actions: [
        "dynamodb:DescribeTable",
        "dynamodb:DescribeContinuousBackups",
        "dynamodb:DescribeTimeToLive",
        "dynamodb:ListTagsOfResource",
    ],
} as const;
