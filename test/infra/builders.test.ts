import { strict as assert } from "node:assert";
import { athenaTableName, keySchema } from "../../infra/change-feed";
import { archiveTableDdl } from "../../infra/athena";
import { ConfigError, keyAttribute, resolveChangeFeedArgs } from "../../infra/config";
import { alarmDefinitions } from "../../infra/monitoring";
import { handlerPolicyDocument } from "../../infra/permissions";
import { lifecycleRules } from "../../infra/secure-bucket";
import { checkExistingSourceTable, type DescribedTable } from "../../infra/source-table";

// The program's pure builders, called directly: what each one decides, without Pulumi.

const ARNS = {
    sourceStreamArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000",
    projectionTableArns: ["arn:aws:dynamodb:us-east-1:123456789012:table/orders-projection"],
    archiveBucketArn: "arn:aws:s3:::orders-archive",
    failureBucketArn: "arn:aws:s3:::orders-failures",
    logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-handler-1",
};

describe("handlerPolicyDocument", () => {
    it("grants each action on the one resource it is for, and nothing with a wildcard action", () => {
        const document = handlerPolicyDocument({ ...ARNS, archivePrefix: "changes/" });

        assert.deepEqual(
            (document.Statement as { Sid: string; Action: string[]; Resource: string }[]).map(
                ({ Sid, Action, Resource }) => ({ Sid, Action, Resource }),
            ),
            [
                {
                    Sid: "ReadSourceStream",
                    Action: [
                        "dynamodb:DescribeStream",
                        "dynamodb:GetRecords",
                        "dynamodb:GetShardIterator",
                        "dynamodb:ListStreams",
                    ],
                    Resource: ARNS.sourceStreamArn,
                },
                {
                    Sid: "WriteProjection",
                    Action: ["dynamodb:PutItem"],
                    Resource: ARNS.projectionTableArns[0],
                },
                {
                    Sid: "ArchiveBatches",
                    Action: ["s3:PutObject"],
                    Resource: "arn:aws:s3:::orders-archive/changes/*",
                },
                {
                    Sid: "SendFailedBatches",
                    Action: ["s3:PutObject"],
                    Resource: "arn:aws:s3:::orders-failures/*",
                },
                { Sid: "ListFailureDestination", Action: ["s3:ListBucket"], Resource: ARNS.failureBucketArn },
                {
                    Sid: "WriteLogs",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: `${ARNS.logGroupArn}:*`,
                },
            ],
        );
    });

    it("lets a customer-managed key be used only through DynamoDB and S3 in the key's region", () => {
        const kmsKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/0f0e0d0c-0b0a-0908-0706-050403020100";
        const document = handlerPolicyDocument({ ...ARNS, archivePrefix: "changes/", kmsKeyArn });

        const keyStatements = (document.Statement as { Resource: string; Condition?: unknown }[]).filter(
            (statement) => statement.Resource === kmsKeyArn,
        );
        assert.deepEqual(
            keyStatements.map((statement) => statement.Condition),
            [
                { StringEquals: { "kms:ViaService": "dynamodb.eu-west-1.amazonaws.com" } },
                { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
            ],
        );
    });
});

describe("alarmDefinitions", () => {
    it("declares the five alarms at the given thresholds, on the given function and mapping", () => {
        const alarms = alarmDefinitions(
            { iteratorAgeSeconds: 120, errors: 3, throttles: 4 },
            { functionName: "orders-handler", mappingUuid: "uuid-1", serviceName: "orders-dev" },
        );

        assert.equal(alarms.find((alarm) => alarm.id === "iterator-age")?.threshold, 120_000);
        assert.equal(alarms.find((alarm) => alarm.id === "errors")?.threshold, 3);
        assert.deepEqual(
            alarms.map((alarm) => alarm.id),
            ["iterator-age", "errors", "throttles", "failure-destination", "failure-delivery"],
        );
        assert.equal(alarms.find((alarm) => alarm.id === "throttles")?.threshold, 4);
        for (const alarm of alarms) {
            const watched = Object.values(alarm.dimensions);
            assert.ok(
                watched.includes("orders-handler") ||
                    watched.includes("uuid-1") ||
                    alarm.namespace !== "AWS/Lambda",
                `${alarm.id} watches ${JSON.stringify(alarm.dimensions)}`,
            );
        }
    });
});

describe("lifecycleRules", () => {
    it("transitions and expires current objects, and expires old versions and abandoned uploads", () => {
        assert.deepEqual(
            lifecycleRules({ transitionDays: 30, expirationDays: 90, noncurrentVersionExpirationDays: 7 }),
            [
                {
                    id: "retention",
                    status: "Enabled",
                    filter: {},
                    transitions: [{ days: 30, storageClass: "GLACIER_IR" }],
                    expiration: { days: 90 },
                    noncurrentVersionExpiration: { noncurrentDays: 7 },
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                },
            ],
        );
    });

    it("leaves out a transition or an expiration of 0 days", () => {
        const [rule] = lifecycleRules({
            transitionDays: 0,
            expirationDays: 0,
            noncurrentVersionExpirationDays: 30,
        });

        assert.equal(rule?.transitions, undefined);
        assert.equal(rule?.expiration, undefined);
    });
});

describe("archiveTableDdl", () => {
    it("points the table at the archive prefix, partitioned by the archive keys' dt and hour", () => {
        const ddl = archiveTableDdl({
            bucket: "orders-archive",
            prefix: "changes/",
            tableName: "orders_archive",
        });

        assert.match(ddl, /^CREATE EXTERNAL TABLE IF NOT EXISTS orders_archive \(/);
        assert.match(ddl, /LOCATION 's3:\/\/orders-archive\/changes\/'/);
        assert.match(
            ddl,
            /'storage\.location\.template' = 's3:\/\/orders-archive\/changes\/dt=\$\{dt\}\/hour=\$\{hour\}\/'/,
        );
    });

    it("is named from the feed, in the characters Athena allows", () => {
        assert.equal(athenaTableName("changefeed"), "changefeed_archive");
        assert.equal(athenaTableName("orders-eu.v2"), "orders_eu_v2_archive");
    });
});

describe("keySchema", () => {
    it("declares the partition key, the sort key and both attributes", () => {
        assert.deepEqual(keySchema({ name: "pk", type: "S" }, { name: "sk", type: "N" }), {
            hashKey: "pk",
            rangeKey: "sk",
            attributes: [
                { name: "pk", type: "S" },
                { name: "sk", type: "N" },
            ],
        });
        assert.deepEqual(keySchema({ name: "id", type: "B" }, undefined), {
            hashKey: "id",
            attributes: [{ name: "id", type: "B" }],
        });
    });
});

describe("checkExistingSourceTable", () => {
    const table: DescribedTable = {
        name: "orders",
        arn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
        hashKey: "pk",
        rangeKey: "createdAt",
        attributes: [
            { name: "pk", type: "S" },
            { name: "createdAt", type: "N" },
            { name: "gsi1pk", type: "S" },
        ],
        streamEnabled: true,
        streamViewType: "NEW_AND_OLD_IMAGES",
        streamArn: ARNS.sourceStreamArn,
    };

    it("takes the table's key schema with each key's type", () => {
        assert.deepEqual(checkExistingSourceTable(table, "us-east-1"), {
            name: "orders",
            arn: table.arn,
            streamArn: ARNS.sourceStreamArn,
            partitionKey: { name: "pk", type: "S" },
            sortKey: { name: "createdAt", type: "N" },
        });
    });

    it("refuses a stream of old images only, with the commands that replace it", () => {
        assert.throws(
            () => checkExistingSourceTable({ ...table, streamViewType: "OLD_IMAGE" }, "eu-west-1"),
            {
                message:
                    /has a stream of view type OLD_IMAGE.*\n {2}aws dynamodb update-table --region eu-west-1 --table-name orders --stream-specification StreamEnabled=false\n {2}aws dynamodb update-table --region eu-west-1 --table-name orders --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES$/s,
            },
        );
    });
});

describe("resolveChangeFeedArgs", () => {
    it("applies the defaults of Pulumi.yaml to what is left out", () => {
        const settings = resolveChangeFeedArgs(
            "orders",
            { sourceTableName: "orders", batchSize: 250 },
            "us-east-1",
        );

        assert.equal(settings.batchSize, 250);
        assert.equal(settings.maxRetryAttempts, 5);
        assert.equal(settings.sourceTableName, "orders");
        assert.equal(settings.partitionKey, undefined);
    });

    it("reports every bad argument at once, each named in backticks", () => {
        assert.throws(
            () =>
                resolveChangeFeedArgs(
                    "orders",
                    { batchSize: 0, maxRetryAttempts: -1, sortKey: keyAttribute("id:S") },
                    "us-east-1",
                ),
            (error: unknown) => {
                assert.ok(error instanceof ConfigError);
                assert.match(error.message, /^Invalid ChangeFeed "orders" args:/);
                assert.deepEqual(
                    error.problems.map((problem) => /^`(\w+)`/.exec(problem)?.[1]),
                    ["sortKey", "batchSize", "maxRetryAttempts"],
                );
                return true;
            },
        );
    });

    it("needs a region, from the args or the provider", () => {
        assert.throws(() => resolveChangeFeedArgs("orders", {}, undefined), /aws:region is not set/);
        assert.equal(resolveChangeFeedArgs("orders", { region: "eu-west-1" }, undefined).region, "eu-west-1");
    });
});
