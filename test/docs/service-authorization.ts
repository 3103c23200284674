/**
 * What the AWS Service Authorization Reference documents for each IAM action that
 * docs/bootstrap.md grants: the resource types the action can be scoped to and the condition keys
 * it supports (its own and its resource types'; the global `aws:*` keys apply to every action and
 * are left out). Taken from the reference's pages and the machine-readable copy each page links to
 * (`json`), as published in August 2026; the `states` entries and the Lambda, DynamoDB and S3
 * actions that the operator policies grant (GetFunctionConfiguration, Scan, PutItem,
 * ExportTableToPointInTime, DescribeExport, ListBucket, GetObject, PutObject, AbortMultipartUpload)
 * as published on 23 September 2026, when `s3:PutObject` had two keys more than in August
 * (`s3:object-lock-event-hold` and `s3:object-lock-event-hold-duration-days`).
 *
 * A `${Name}` in a condition key or ARN format stands for any text, as in the reference, and so
 * does the `<key>` that the reference writes in S3's object tag keys (`s3:ExistingObjectTag/<key>`).
 * Entries list every documented key except two families a deploy role never needs and that would
 * only lengthen the table: KMS's `kms:RecipientAttestation:*` keys (Nitro Enclaves) and the other
 * identity providers' keys of `sts:AssumeRoleWithWebIdentity`. A key missing here can only make the
 * test fail, never pass.
 */

/** Resource types and condition keys of one action. */
export type ActionReference = {
    /** Resource types the action can be scoped to; none means only `"Resource": "*"` grants it. */
    readonly resourceTypes: readonly string[];
    readonly conditionKeys: readonly string[];
};

/** One service's page of the reference, as far as docs/bootstrap.md uses it. */
export type ServiceReference = {
    readonly page: string;
    readonly json: string;
    /** ARN formats of the resource types the actions below name. */
    readonly resourceTypes: Readonly<Record<string, readonly string[]>>;
    readonly actions: Readonly<Record<string, ActionReference>>;
    /** The actions a wildcard grants, for the wildcards docs/bootstrap.md puts under a condition. */
    readonly wildcards?: Readonly<Record<string, readonly string[]>>;
};

/** Where the IAM User Guide documents the keys an OIDC identity provider's token adds (`<provider>:aud`, `:sub`). */
export const OIDC_FEDERATION_KEYS_PAGE =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif";

/** By service prefix. */
export const SERVICE_AUTHORIZATION: Readonly<Record<string, ServiceReference>> = {
    cloudwatch: {
        page: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_cloudwatch.html",
        json: "https://servicereference.us-east-1.amazonaws.com/v1/cloudwatch/cloudwatch.json",
        resourceTypes: {
            alarm: ["arn:${Partition}:cloudwatch:${Region}:${Account}:alarm:${AlarmName}"],
            "alarm-mute-rule": [
                "arn:${Partition}:cloudwatch:${Region}:${Account}:alarm-mute-rule:${AlarmMuteRuleName}",
            ],
            dashboard: ["arn:${Partition}:cloudwatch::${Account}:dashboard/${DashboardName}"],
            dataset: ["arn:${Partition}:cloudwatch:${Region}:${Account}:dataset/${DatasetId}"],
            "insight-rule": [
                "arn:${Partition}:cloudwatch:${Region}:${Account}:insight-rule/${InsightRuleName}",
            ],
            "metric-stream": [
                "arn:${Partition}:cloudwatch:${Region}:${Account}:metric-stream/${MetricStreamName}",
            ],
            service: [
                "arn:${Partition}:cloudwatch:${Region}:${Account}:service/${ServiceName}-${UniqueAttributesHex}",
            ],
            slo: ["arn:${Partition}:cloudwatch:${Region}:${Account}:slo/${SloName}"],
        },
        actions: {
            DeleteAlarms: { resourceTypes: ["alarm"], conditionKeys: [] },
            DeleteDashboards: { resourceTypes: ["dashboard"], conditionKeys: [] },
            DescribeAlarms: { resourceTypes: ["alarm"], conditionKeys: [] },
            GetDashboard: { resourceTypes: ["dashboard"], conditionKeys: [] },
            ListTagsForResource: {
                resourceTypes: [
                    "alarm",
                    "alarm-mute-rule",
                    "dashboard",
                    "dataset",
                    "insight-rule",
                    "metric-stream",
                    "service",
                    "slo",
                ],
                conditionKeys: [],
            },
            PutDashboard: { resourceTypes: ["dashboard"], conditionKeys: [] },
            PutMetricAlarm: {
                resourceTypes: ["alarm", "dataset"],
                conditionKeys: ["cloudwatch:AlarmActions"],
            },
            TagResource: {
                resourceTypes: [
                    "alarm",
                    "alarm-mute-rule",
                    "dashboard",
                    "dataset",
                    "insight-rule",
                    "metric-stream",
                    "service",
                    "slo",
                ],
                conditionKeys: [],
            },
            UntagResource: {
                resourceTypes: [
                    "alarm",
                    "alarm-mute-rule",
                    "dashboard",
                    "dataset",
                    "insight-rule",
                    "metric-stream",
                    "service",
                    "slo",
                ],
                conditionKeys: [],
            },
        },
    },
    dynamodb: {
        page: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_dynamodb.html",
        json: "https://servicereference.us-east-1.amazonaws.com/v1/dynamodb/dynamodb.json",
        resourceTypes: {
            export: [
                "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/export/${ExportName}",
            ],
            index: ["arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/index/${IndexName}"],
            stream: [
                "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/stream/${StreamLabel}",
            ],
            table: ["arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}"],
        },
        actions: {
            DescribeContinuousBackups: { resourceTypes: ["table"], conditionKeys: [] },
            DescribeExport: { resourceTypes: ["export"], conditionKeys: [] },
            DescribeTable: { resourceTypes: ["table"], conditionKeys: [] },
            DescribeTimeToLive: { resourceTypes: ["table"], conditionKeys: [] },
            ExportTableToPointInTime: { resourceTypes: ["table"], conditionKeys: [] },
            ListTagsOfResource: { resourceTypes: ["stream", "table"], conditionKeys: [] },
            PutItem: {
                resourceTypes: ["table"],
                conditionKeys: [
                    "dynamodb:Attributes",
                    "dynamodb:EnclosingOperation",
                    "dynamodb:LeadingKeys",
                    "dynamodb:ReturnConsumedCapacity",
                    "dynamodb:ReturnValues",
                ],
            },
            Scan: {
                resourceTypes: ["index", "table"],
                conditionKeys: [
                    "dynamodb:Attributes",
                    "dynamodb:ReturnConsumedCapacity",
                    "dynamodb:ReturnValues",
                    "dynamodb:Select",
                ],
            },
        },
    },
    iam: {
        page: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_iam.html",
        json: "https://servicereference.us-east-1.amazonaws.com/v1/iam/iam.json",
        resourceTypes: {
            role: ["arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"],
        },
        actions: {
            CreateRole: {
                resourceTypes: ["role"],
                conditionKeys: [
                    "iam:PermissionsBoundary",
                    "iam:ResourceTag/${TagKey}",
                    "iam:RoleTemplateARN",
                ],
            },
            DeleteRole: {
                resourceTypes: ["role"],
                conditionKeys: ["iam:PermissionsBoundary", "iam:ResourceTag/${TagKey}"],
            },
            DeleteRolePolicy: {
                resourceTypes: ["role"],
                conditionKeys: ["iam:PermissionsBoundary", "iam:ResourceTag/${TagKey}"],
            },
            GetRole: {
                resourceTypes: ["role"],
                conditionKeys: [
                    "iam:PermissionsBoundary",
                    "iam:ResourceTag/${TagKey}",
                    "iam:RoleTemplateARN",
                ],
            },
            GetRolePolicy: { resourceTypes: ["role"], conditionKeys: ["iam:ResourceTag/${TagKey}"] },
            ListAttachedRolePolicies: {
                resourceTypes: ["role"],
                conditionKeys: ["iam:ResourceTag/${TagKey}"],
            },
            ListInstanceProfilesForRole: {
                resourceTypes: ["role"],
                conditionKeys: ["iam:ResourceTag/${TagKey}"],
            },
            ListRolePolicies: { resourceTypes: ["role"], conditionKeys: ["iam:ResourceTag/${TagKey}"] },
            PassRole: {
                resourceTypes: ["role"],
                conditionKeys: [
                    "iam:AssociatedResourceArn",
                    "iam:PassedToService",
                    "iam:ResourceTag/${TagKey}",
                ],
            },
            PutRolePolicy: {
                resourceTypes: ["role"],
                conditionKeys: [
                    "iam:PermissionsBoundary",
                    "iam:ResourceTag/${TagKey}",
                    "iam:RoleTemplateARN",
                ],
            },
            TagRole: {
                resourceTypes: ["role"],
                conditionKeys: ["iam:ResourceTag/${TagKey}", "iam:RoleTemplateARN"],
            },
            UntagRole: { resourceTypes: ["role"], conditionKeys: ["iam:ResourceTag/${TagKey}"] },
            UpdateAssumeRolePolicy: {
                resourceTypes: ["role"],
                conditionKeys: ["iam:PermissionsBoundary", "iam:ResourceTag/${TagKey}"],
            },
        },
    },
    kms: {
        page: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_kms.html",
        json: "https://servicereference.us-east-1.amazonaws.com/v1/kms/kms.json",
        wildcards: {
            "kms:GenerateDataKey*": [
                "GenerateDataKey",
                "GenerateDataKeyPair",
                "GenerateDataKeyPairWithoutPlaintext",
                "GenerateDataKeyWithoutPlaintext",
            ],
            "kms:ReEncrypt*": ["ReEncryptFrom", "ReEncryptTo"],
        },
        resourceTypes: {
            key: ["arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"],
        },
        actions: {
            CreateGrant: {
                resourceTypes: ["key"],
                conditionKeys: [
                    "kms:CallerAccount",
                    "kms:EncryptionContext:${EncryptionContextKey}",
                    "kms:EncryptionContextKeys",
                    "kms:GrantConstraintSourceArn",
                    "kms:GrantConstraintType",
                    "kms:GrantIsForAWSResource",
                    "kms:GrantOperations",
                    "kms:GranteePrincipal",
                    "kms:GranteeServicePrincipal",
                    "kms:KeyOrigin",
                    "kms:KeySpec",
                    "kms:KeyUsage",
                    "kms:MultiRegion",
                    "kms:MultiRegionKeyType",
                    "kms:ResourceAliases",
                    "kms:RetiringPrincipal",
                    "kms:RetiringServicePrincipal",
                    "kms:ViaService",
                ],
            },
            Decrypt: {
                resourceTypes: ["key"],
                conditionKeys: [
                    "kms:CallerAccount",
                    "kms:EncryptionAlgorithm",
                    "kms:EncryptionContext:${EncryptionContextKey}",
                    "kms:EncryptionContextKeys",
                    "kms:KeyOrigin",
                    "kms:KeySpec",
                    "kms:KeyUsage",
                    "kms:MultiRegion",
                    "kms:MultiRegionKeyType",
                    "kms:RequestAlias",
                    "kms:ResourceAliases",
                    "kms:ViaService",
                ],
            },
            DescribeKey: {
                resourceTypes: ["key"],
                conditionKeys: [
                    "kms:CallerAccount",
                    "kms:KeyOrigin",
                    "kms:KeySpec",
                    "kms:KeyUsage",
                    "kms:MultiRegion",
                    "kms:MultiRegionKeyType",
                    "kms:RequestAlias",
                    "kms:ResourceAliases",
                    "kms:ViaService",
                ],
            },
            Encrypt: {
                resourceTypes: ["key"],
                conditionKeys: [
                    "kms:CallerAccount",
                    "kms:EncryptionAlgorithm",
                    "kms:EncryptionContext:${EncryptionContextKey}",
                    "kms:EncryptionContextKeys",
                    "kms:KeyOrigin",
                    "kms:KeySpec",
                    "kms:KeyUsage",
                    "kms:MultiRegion",
                    "kms:MultiRegionKeyType",
                    "kms:RequestAlias",
                    "kms:ResourceAliases",
                    "kms:ViaService",
                ],
            },
            GenerateDataKey: {
                resourceTypes: ["key"],
                conditionKeys: [
                    "kms:CallerAccount",
                    "kms:EncryptionAlgorithm",
                    "kms:EncryptionContext:${EncryptionContextKey}",
                    "kms:EncryptionContextKeys",
                    "kms:KeyOrigin",
                    "kms:KeySpec",
                    "kms:KeyUsage",
                    "kms:MultiRegion",
                    "kms:MultiRegionKeyType",
                    "kms:RequestAlias",
                    "kms:ResourceAliases",
                    "kms:ViaService",
                ],
            },
            GenerateDataKeyPair: {
                resourceTypes: ["key"],
                conditionKeys: [
                    "kms:CallerAccount",
                    "kms:DataKeyPairSpec",
                    "kms:EncryptionAlgorithm",
                    "kms:EncryptionContext:${EncryptionContextKey}",
                    "kms:EncryptionContextKeys",
                    "kms:KeyOrigin",
                    "kms:KeySpec",
                    "kms:KeyUsage",
                    "kms:MultiRegion",
                    "kms:MultiRegionKeyType",
                    "kms:RequestAlias",
                    "kms:ResourceAliases",
                    "kms:ViaService",
                ],
            },
            GenerateDataKeyPairWithoutPlaintext: {
                resourceTypes: ["key"],
                conditionKeys: [
                    "kms:CallerAccount",
                    "kms:DataKeyPairSpec",
                    "kms:EncryptionAlgorithm",
                    "kms:EncryptionContext:${EncryptionContextKey}",
                    "kms:EncryptionContextKeys",
                    "kms:KeyOrigin",
                    "kms:KeySpec",
                    "kms:KeyUsage",
                    "kms:MultiRegion",
                    "kms:MultiRegionKeyType",
                    "kms:RequestAlias",
                    "kms:ResourceAliases",
                    "kms:ViaService",
                ],
            },
            GenerateDataKeyWithoutPlaintext: {
                resourceTypes: ["key"],
                conditionKeys: [
                    "kms:CallerAccount",
                    "kms:EncryptionAlgorithm",
                    "kms:EncryptionContext:${EncryptionContextKey}",
                    "kms:EncryptionContextKeys",
                    "kms:KeyOrigin",
                    "kms:KeySpec",
                    "kms:KeyUsage",
                    "kms:MultiRegion",
                    "kms:MultiRegionKeyType",
                    "kms:RequestAlias",
                    "kms:ResourceAliases",
                    "kms:ViaService",
                ],
            },
            ReEncryptFrom: {
                resourceTypes: ["key"],
                conditionKeys: [
                    "kms:CallerAccount",
                    "kms:EncryptionAlgorithm",
                    "kms:EncryptionContext:${EncryptionContextKey}",
                    "kms:EncryptionContextKeys",
                    "kms:KeyOrigin",
                    "kms:KeySpec",
                    "kms:KeyUsage",
                    "kms:MultiRegion",
                    "kms:MultiRegionKeyType",
                    "kms:ReEncryptOnSameKey",
                    "kms:RequestAlias",
                    "kms:ResourceAliases",
                    "kms:ViaService",
                ],
            },
            ReEncryptTo: {
                resourceTypes: ["key"],
                conditionKeys: [
                    "kms:CallerAccount",
                    "kms:EncryptionAlgorithm",
                    "kms:EncryptionContext:${EncryptionContextKey}",
                    "kms:EncryptionContextKeys",
                    "kms:KeyOrigin",
                    "kms:KeySpec",
                    "kms:KeyUsage",
                    "kms:MultiRegion",
                    "kms:MultiRegionKeyType",
                    "kms:ReEncryptOnSameKey",
                    "kms:RequestAlias",
                    "kms:ResourceAliases",
                    "kms:ViaService",
                ],
            },
        },
    },
    lambda: {
        page: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_lambda.html",
        json: "https://servicereference.us-east-1.amazonaws.com/v1/lambda/lambda.json",
        resourceTypes: {
            capacityProvider: [
                "arn:${Partition}:lambda:${Region}:${Account}:capacity-provider:${CapacityProviderName}",
            ],
            "code signing config": [
                "arn:${Partition}:lambda:${Region}:${Account}:code-signing-config:${CodeSigningConfigId}",
            ],
            eventSourceMapping: ["arn:${Partition}:lambda:${Region}:${Account}:event-source-mapping:${UUID}"],
            function: ["arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}"],
            microvmImage: ["arn:${Partition}:lambda:${Region}:${Account}:microvm-image:${MicrovmImageName}"],
            networkConnector: [
                "arn:${Partition}:lambda:${Region}:${Account}:network-connector:${NetworkConnectorId}",
            ],
        },
        actions: {
            CreateEventSourceMapping: { resourceTypes: [], conditionKeys: ["lambda:FunctionArn"] },
            DeleteEventSourceMapping: {
                resourceTypes: ["eventSourceMapping"],
                conditionKeys: ["lambda:FunctionArn"],
            },
            GetEventSourceMapping: {
                resourceTypes: ["eventSourceMapping"],
                conditionKeys: ["lambda:FunctionArn"],
            },
            GetFunctionConfiguration: { resourceTypes: ["function"], conditionKeys: [] },
            ListEventSourceMappings: { resourceTypes: [], conditionKeys: [] },
            ListTags: {
                resourceTypes: [
                    "capacityProvider",
                    "code signing config",
                    "eventSourceMapping",
                    "function",
                    "microvmImage",
                    "networkConnector",
                ],
                conditionKeys: [],
            },
            TagResource: {
                resourceTypes: [
                    "capacityProvider",
                    "code signing config",
                    "eventSourceMapping",
                    "function",
                    "microvmImage",
                    "networkConnector",
                ],
                conditionKeys: [],
            },
            UpdateEventSourceMapping: {
                resourceTypes: ["eventSourceMapping"],
                conditionKeys: ["lambda:FunctionArn"],
            },
        },
    },
    logs: {
        page: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_logs.html",
        json: "https://servicereference.us-east-1.amazonaws.com/v1/logs/logs.json",
        resourceTypes: {
            "anomaly-detector": ["arn:${Partition}:logs:${Region}:${Account}:anomaly-detector:${DetectorId}"],
            delivery: ["arn:${Partition}:logs:${Region}:${Account}:delivery:${DeliveryName}"],
            "delivery-destination": [
                "arn:${Partition}:logs:${Region}:${Account}:delivery-destination:${DeliveryDestinationName}",
            ],
            "delivery-source": [
                "arn:${Partition}:logs:${Region}:${Account}:delivery-source:${DeliverySourceName}",
            ],
            destination: ["arn:${Partition}:logs:${Region}:${Account}:destination:${DestinationName}"],
            "log-group": ["arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}"],
            "lookup-table": ["arn:${Partition}:logs:${Region}:${Account}:lookup-table:${LookupTableName}"],
        },
        actions: {
            DescribeLogGroups: { resourceTypes: [], conditionKeys: [] },
            ListTagsForResource: {
                resourceTypes: [
                    "anomaly-detector",
                    "delivery",
                    "delivery-destination",
                    "delivery-source",
                    "destination",
                    "log-group",
                    "lookup-table",
                ],
                conditionKeys: [],
            },
        },
    },
    s3: {
        page: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_s3.html",
        json: "https://servicereference.us-east-1.amazonaws.com/v1/s3/s3.json",
        resourceTypes: {
            accesspoint: ["arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}"],
            accesspointobject: [
                "arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}/object/${ObjectName}",
            ],
            bucket: ["arn:${Partition}:s3:::${BucketName}"],
            object: ["arn:${Partition}:s3:::${BucketName}/${ObjectName}"],
        },
        actions: {
            AbortMultipartUpload: {
                resourceTypes: ["accesspointobject", "object"],
                conditionKeys: [
                    "s3:AccessGrantsInstanceArn",
                    "s3:AccessPointNetworkOrigin",
                    "s3:AccessPointTag/${TagKey}",
                    "s3:BucketTag/${TagKey}",
                    "s3:DataAccessPointAccount",
                    "s3:DataAccessPointArn",
                    "s3:ResourceAccount",
                    "s3:TlsVersion",
                    "s3:authType",
                    "s3:signatureAge",
                    "s3:signatureversion",
                    "s3:x-amz-content-sha256",
                ],
            },
            PutObjectAcl: {
                resourceTypes: ["accesspointobject", "object"],
                conditionKeys: [
                    "s3:AccessGrantsInstanceArn",
                    "s3:AccessPointNetworkOrigin",
                    "s3:AccessPointTag/${TagKey}",
                    "s3:BucketTag/${TagKey}",
                    "s3:DataAccessPointAccount",
                    "s3:DataAccessPointArn",
                    "s3:ExistingObjectTag/<key>",
                    "s3:ResourceAccount",
                    "s3:TlsVersion",
                    "s3:authType",
                    "s3:signatureAge",
                    "s3:signatureversion",
                    "s3:x-amz-acl",
                    "s3:x-amz-content-sha256",
                    "s3:x-amz-grant-full-control",
                    "s3:x-amz-grant-read",
                    "s3:x-amz-grant-read-acp",
                    "s3:x-amz-grant-write",
                    "s3:x-amz-grant-write-acp",
                    "s3:x-amz-storage-class",
                ],
            },
            DeleteObject: {
                resourceTypes: ["accesspointobject", "object"],
                conditionKeys: [
                    "s3:AccessGrantsInstanceArn",
                    "s3:AccessPointNetworkOrigin",
                    "s3:AccessPointTag/${TagKey}",
                    "s3:BucketTag/${TagKey}",
                    "s3:DataAccessPointAccount",
                    "s3:DataAccessPointArn",
                    "s3:ResourceAccount",
                    "s3:TlsVersion",
                    "s3:authType",
                    "s3:if-match",
                    "s3:signatureAge",
                    "s3:signatureversion",
                    "s3:x-amz-content-sha256",
                ],
            },
            DeleteObjectVersion: {
                resourceTypes: ["accesspointobject", "object"],
                conditionKeys: [
                    "s3:AccessGrantsInstanceArn",
                    "s3:AccessPointNetworkOrigin",
                    "s3:AccessPointTag/${TagKey}",
                    "s3:BucketTag/${TagKey}",
                    "s3:DataAccessPointAccount",
                    "s3:DataAccessPointArn",
                    "s3:ResourceAccount",
                    "s3:TlsVersion",
                    "s3:authType",
                    "s3:signatureAge",
                    "s3:signatureversion",
                    "s3:versionid",
                    "s3:x-amz-content-sha256",
                ],
            },
            GetEncryptionConfiguration: {
                resourceTypes: ["bucket"],
                conditionKeys: [
                    "s3:BucketTag/${TagKey}",
                    "s3:ResourceAccount",
                    "s3:TlsVersion",
                    "s3:authType",
                    "s3:signatureAge",
                    "s3:signatureversion",
                    "s3:x-amz-content-sha256",
                ],
            },
            GetLifecycleConfiguration: {
                resourceTypes: ["bucket"],
                conditionKeys: [
                    "s3:BucketTag/${TagKey}",
                    "s3:ResourceAccount",
                    "s3:TlsVersion",
                    "s3:authType",
                    "s3:signatureAge",
                    "s3:signatureversion",
                    "s3:x-amz-content-sha256",
                ],
            },
            GetObject: {
                resourceTypes: ["accesspointobject", "object"],
                conditionKeys: [
                    "s3:AccessGrantsInstanceArn",
                    "s3:AccessPointNetworkOrigin",
                    "s3:AccessPointTag/${TagKey}",
                    "s3:BucketTag/${TagKey}",
                    "s3:DataAccessPointAccount",
                    "s3:DataAccessPointArn",
                    "s3:ExistingObjectTag/<key>",
                    "s3:ResourceAccount",
                    "s3:TlsVersion",
                    "s3:authType",
                    "s3:signatureAge",
                    "s3:signatureversion",
                    "s3:x-amz-content-sha256",
                ],
            },
            ListBucket: {
                resourceTypes: ["accesspoint", "bucket"],
                conditionKeys: [
                    "s3:AccessGrantsInstanceArn",
                    "s3:AccessPointNetworkOrigin",
                    "s3:AccessPointTag/${TagKey}",
                    "s3:BucketTag/${TagKey}",
                    "s3:DataAccessPointAccount",
                    "s3:DataAccessPointArn",
                    "s3:ResourceAccount",
                    "s3:TlsVersion",
                    "s3:authType",
                    "s3:delimiter",
                    "s3:max-keys",
                    "s3:prefix",
                    "s3:signatureAge",
                    "s3:signatureversion",
                    "s3:x-amz-content-sha256",
                ],
            },
            ListBucketVersions: {
                resourceTypes: ["accesspoint", "bucket"],
                conditionKeys: [
                    "s3:AccessGrantsInstanceArn",
                    "s3:AccessPointNetworkOrigin",
                    "s3:AccessPointTag/${TagKey}",
                    "s3:BucketTag/${TagKey}",
                    "s3:DataAccessPointAccount",
                    "s3:DataAccessPointArn",
                    "s3:ResourceAccount",
                    "s3:TlsVersion",
                    "s3:authType",
                    "s3:delimiter",
                    "s3:max-keys",
                    "s3:prefix",
                    "s3:signatureAge",
                    "s3:signatureversion",
                    "s3:x-amz-content-sha256",
                ],
            },
            PutObject: {
                resourceTypes: ["accesspointobject", "object"],
                conditionKeys: [
                    "s3:AccessGrantsInstanceArn",
                    "s3:AccessPointNetworkOrigin",
                    "s3:AccessPointTag/${TagKey}",
                    "s3:BucketTag/${TagKey}",
                    "s3:DataAccessPointAccount",
                    "s3:DataAccessPointArn",
                    "s3:ObjectCreationOperation",
                    "s3:RequestObjectTag/<key>",
                    "s3:RequestObjectTagKeys",
                    "s3:ResourceAccount",
                    "s3:TlsVersion",
                    "s3:authType",
                    "s3:if-match",
                    "s3:if-none-match",
                    "s3:object-lock-event-hold",
                    "s3:object-lock-event-hold-duration-days",
                    "s3:object-lock-legal-hold",
                    "s3:object-lock-mode",
                    "s3:object-lock-remaining-retention-days",
                    "s3:object-lock-retain-until-date",
                    "s3:signatureAge",
                    "s3:signatureversion",
                    "s3:x-amz-acl",
                    "s3:x-amz-content-sha256",
                    "s3:x-amz-copy-source",
                    "s3:x-amz-grant-full-control",
                    "s3:x-amz-grant-read",
                    "s3:x-amz-grant-read-acp",
                    "s3:x-amz-grant-write",
                    "s3:x-amz-grant-write-acp",
                    "s3:x-amz-metadata-directive",
                    "s3:x-amz-object-annotation-directive",
                    "s3:x-amz-server-side-encryption",
                    "s3:x-amz-server-side-encryption-aws-kms-key-id",
                    "s3:x-amz-server-side-encryption-customer-algorithm",
                    "s3:x-amz-storage-class",
                    "s3:x-amz-website-redirect-location",
                ],
            },
        },
    },
    sns: {
        page: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_sns.html",
        json: "https://servicereference.us-east-1.amazonaws.com/v1/sns/sns.json",
        resourceTypes: {
            topic: ["arn:${Partition}:sns:${Region}:${Account}:${TopicName}"],
        },
        actions: {
            GetSubscriptionAttributes: { resourceTypes: ["topic"], conditionKeys: [] },
            GetTopicAttributes: { resourceTypes: ["topic"], conditionKeys: [] },
            ListTagsForResource: { resourceTypes: ["topic"], conditionKeys: [] },
        },
    },
    states: {
        page: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_stepfunctions.html",
        json: "https://servicereference.us-east-1.amazonaws.com/v1/states/states.json",
        resourceTypes: {
            activity: ["arn:${Partition}:states:${Region}:${Account}:activity:${ActivityName}"],
            execution: [
                "arn:${Partition}:states:${Region}:${Account}:execution:${StateMachineName}:${ExecutionId}",
            ],
            express: [
                "arn:${Partition}:states:${Region}:${Account}:express:${StateMachineName}:${ExecutionId}:${ExpressId}",
            ],
            maprun: [
                "arn:${Partition}:states:${Region}:${Account}:mapRun:${StateMachineName}/${MapRunLabel}:${MapRunId}",
            ],
            statemachine: ["arn:${Partition}:states:${Region}:${Account}:stateMachine:${StateMachineName}"],
        },
        actions: {
            CreateStateMachine: { resourceTypes: ["statemachine"], conditionKeys: [] },
            DeleteStateMachine: { resourceTypes: ["statemachine"], conditionKeys: [] },
            DescribeExecution: { resourceTypes: ["execution", "express"], conditionKeys: [] },
            DescribeMapRun: { resourceTypes: ["maprun"], conditionKeys: [] },
            DescribeStateMachine: {
                resourceTypes: ["statemachine"],
                conditionKeys: ["states:StateMachineQualifier"],
            },
            ListExecutions: {
                resourceTypes: ["maprun", "statemachine"],
                conditionKeys: ["states:StateMachineQualifier"],
            },
            ListMapRuns: { resourceTypes: ["execution"], conditionKeys: [] },
            ListTagsForResource: { resourceTypes: ["activity", "statemachine"], conditionKeys: [] },
            RedriveExecution: { resourceTypes: ["execution"], conditionKeys: [] },
            StartExecution: {
                resourceTypes: ["statemachine"],
                conditionKeys: ["states:StateMachineQualifier"],
            },
            TagResource: { resourceTypes: ["activity", "statemachine"], conditionKeys: [] },
            UntagResource: { resourceTypes: ["activity", "statemachine"], conditionKeys: [] },
            UpdateStateMachine: { resourceTypes: ["statemachine"], conditionKeys: [] },
        },
    },
    sts: {
        page: "https://docs.aws.amazon.com/service-authorization/latest/reference/list_sts.html",
        json: "https://servicereference.us-east-1.amazonaws.com/v1/sts/sts.json",
        resourceTypes: {
            role: ["arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}"],
        },
        actions: {
            AssumeRoleWithWebIdentity: {
                resourceTypes: ["role"],
                // The keys an OIDC provider's token adds (aud, sub), documented in the IAM User Guide
                // rather than in this reference: see OIDC_FEDERATION_KEYS_PAGE.
                conditionKeys: [
                    "${OidcProvider}:aud",
                    "${OidcProvider}:sub",
                    "sts:RoleAuthorizedByIdp",
                    "sts:RoleSessionName",
                    "sts:SourceIdentity",
                    "sts:TransitiveTagKeys",
                    "token.actions.githubusercontent.com:actor",
                    "token.actions.githubusercontent.com:actor_id",
                    "token.actions.githubusercontent.com:enterprise_id",
                    "token.actions.githubusercontent.com:environment",
                    "token.actions.githubusercontent.com:job_workflow_ref",
                    "token.actions.githubusercontent.com:ref",
                    "token.actions.githubusercontent.com:repository",
                    "token.actions.githubusercontent.com:repository_id",
                    "token.actions.githubusercontent.com:repository_owner_id",
                    "token.actions.githubusercontent.com:workflow",
                ],
            },
        },
    },
};
