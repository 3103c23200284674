import { strict as assert } from "node:assert";
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { stackSettings } from "../helpers/stack-settings";
import type { DeclaredResource } from "../../local/program";
import { SecureBucket } from "../../infra/secure-bucket";
import { childrenOf, declaredOf, declareStackFeed, type DeclaredStackFeed } from "../helpers/pulumi-mocks";

const BUCKET = "aws:s3/bucket:Bucket";
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
const ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";

/** Each SecureBucket's guardrails, by type, with their logical-name suffixes. */
const GUARDRAIL_SUFFIXES: Record<string, string> = {
    [PUBLIC_ACCESS_BLOCK]: "public-access",
    [OWNERSHIP]: "ownership",
    [ENCRYPTION]: "encryption",
    [BUCKET_POLICY]: "tls-only",
    [VERSIONING]: "versioning",
    [LIFECYCLE]: "lifecycle",
};
const GUARDRAILS = Object.keys(GUARDRAIL_SUFFIXES);
const guardrailName = (bucket: string, type: string): string =>
    type === BUCKET ? bucket : `${bucket}-${GUARDRAIL_SUFFIXES[type]}`;

/** The feed's buckets: the field that holds each, and how a test's title names it. */
const BUCKETS = [
    { field: "archiveBucket", title: "the archive bucket" },
    { field: "failureBucket", title: "the failure bucket" },
] as const;
/** The tables the feed creates on these stacks, which name no existing source table. */
const TABLES = [
    { field: "sourceTable", title: "the source table" },
    { field: "projectionTable", title: "the projection table" },
] as const;
const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

type Statement = {
    Sid: string;
    Effect: string;
    Action: string[] | string;
    Resource: string;
    Condition?: unknown;
};

/** The engine's record of a resource the feed holds. */
function declared(stackFeed: DeclaredStackFeed, resource: pulumi.Resource): Promise<DeclaredResource> {
    return declaredOf(stackFeed.engine, resource);
}

/** The engine's record of a table the feed created (a field that is undefined when it attached to one). */
function declaredTable(
    stackFeed: DeclaredStackFeed,
    table: (typeof TABLES)[number],
): Promise<DeclaredResource> {
    const resource: aws.dynamodb.Table | undefined = stackFeed.feed[table.field];
    assert.ok(resource, `the feed created no ${table.field}`);
    return declared(stackFeed, resource);
}

/** The one guardrail of a type that a SecureBucket declared beside its bucket (guardrails are not its fields). */
async function guardrailOf(
    stackFeed: DeclaredStackFeed,
    bucket: SecureBucket,
    type: string,
): Promise<DeclaredResource> {
    const ofType = (await childrenOf(stackFeed.engine, stackFeed.registrations, bucket)).filter(
        (child) => child.type === type,
    );
    assert.equal(ofType.length, 1, `the SecureBucket declared ${ofType.length} ${type}, not one`);
    return ofType[0]!;
}

/** The lifecycle rule of a bucket, as S3 will apply it. */
async function lifecycleOf(
    stackFeed: DeclaredStackFeed,
    bucket: SecureBucket,
): Promise<Record<string, unknown>> {
    const rules = (await guardrailOf(stackFeed, bucket, LIFECYCLE)).inputs.rules as Record<string, unknown>[];
    assert.equal(rules.length, 1);
    return rules[0]!;
}

for (const stack of ["dev", "prod"]) {
    describe(`security of the ${stack} stack (Pulumi mocks)`, () => {
        let stackFeed: DeclaredStackFeed;
        const setting = stackSettings(stack);

        before(async () => {
            stackFeed = await declareStackFeed(stack);
        });

        for (const { field, title } of BUCKETS) {
            it(`blocks all public access to ${title} and disables its ACLs`, async () => {
                const bucket = stackFeed.feed[field];
                const name = (await declared(stackFeed, bucket.bucket)).state.bucket;

                assert.deepEqual((await guardrailOf(stackFeed, bucket, PUBLIC_ACCESS_BLOCK)).inputs, {
                    bucket: name,
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: true,
                });
                assert.deepEqual((await guardrailOf(stackFeed, bucket, OWNERSHIP)).inputs, {
                    bucket: name,
                    rule: { objectOwnership: "BucketOwnerEnforced" },
                });
            });

            it(`encrypts ${title} with S3-managed keys, the stack having no KMS key`, async () => {
                const bucket = stackFeed.feed[field];

                assert.deepEqual((await guardrailOf(stackFeed, bucket, ENCRYPTION)).inputs, {
                    bucket: (await declared(stackFeed, bucket.bucket)).state.bucket,
                    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
                });
            });

            it(`denies every request to ${title} made without TLS`, async () => {
                const bucket = stackFeed.feed[field];
                const { arn, bucket: name } = (await declared(stackFeed, bucket.bucket)).state;
                const policy = (await guardrailOf(stackFeed, bucket, BUCKET_POLICY)).inputs;

                assert.equal(policy.bucket, name);
                assert.deepEqual(JSON.parse(String(policy.policy)), {
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "DenyInsecureTransport",
                            Effect: "Deny",
                            Principal: "*",
                            Action: "s3:*",
                            Resource: [arn, `${String(arn)}/*`],
                            Condition: { Bool: { "aws:SecureTransport": "false" } },
                        },
                    ],
                });
            });

            it(`lets pulumi destroy delete ${title} with every object version only where the stack allows deletion`, async () => {
                const deletionProtection = setting("deletionProtection") === true;
                const bucket = stackFeed.feed[field];
                // The component's logical name, which its bucket carries and its guardrails extend.
                const bucketName = (await declared(stackFeed, bucket)).name;
                const ofThisBucket = await childrenOf(stackFeed.engine, stackFeed.registrations, bucket);

                assert.equal(
                    (await declared(stackFeed, bucket.bucket)).inputs.forceDestroy,
                    !deletionProtection,
                );
                assert.deepEqual(
                    ofThisBucket.map((resource) => `${resource.type} ${resource.name}`).sort(),
                    [BUCKET, ...GUARDRAILS]
                        .map((type) => `${type} ${guardrailName(bucketName, type)}`)
                        .sort(),
                );
                for (const resource of ofThisBucket) {
                    assert.deepEqual(
                        resource.options,
                        { protect: deletionProtection, retainOnDelete: false },
                        `${resource.type} ${resource.name}`,
                    );
                }
            });

            it(`versions ${title}`, async () => {
                assert.deepEqual(
                    (await guardrailOf(stackFeed, stackFeed.feed[field], VERSIONING)).inputs
                        .versioningConfiguration,
                    {
                        status: "Enabled",
                    },
                );
            });
        }

        it("moves archive objects to Glacier Instant Retrieval and expires them as the stack says", async () => {
            const expiration = Number(setting("archiveExpirationDays"));
            assert.deepEqual(await lifecycleOf(stackFeed, stackFeed.feed.archiveBucket), {
                id: "retention",
                status: "Enabled",
                filter: {},
                transitions: [{ days: setting("archiveTransitionDays"), storageClass: "GLACIER_IR" }],
                ...(expiration > 0 ? { expiration: { days: expiration } } : {}),
                noncurrentVersionExpiration: { noncurrentDays: setting("noncurrentVersionExpirationDays") },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
            });
        });

        it("expires failed batches as the stack says, without moving them", async () => {
            assert.deepEqual(await lifecycleOf(stackFeed, stackFeed.feed.failureBucket), {
                id: "retention",
                status: "Enabled",
                filter: {},
                expiration: { days: setting("failureExpirationDays") },
                noncurrentVersionExpiration: { noncurrentDays: setting("noncurrentVersionExpirationDays") },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
            });
        });

        for (const table of TABLES) {
            it(`encrypts ${table.title} with KMS, recovers it to any point in time and protects it as the stack says`, async () => {
                const inputs = (await declaredTable(stackFeed, table)).inputs;

                assert.deepEqual(inputs.serverSideEncryption, { enabled: true });
                assert.deepEqual(inputs.pointInTimeRecovery, { enabled: setting("pointInTimeRecovery") });
                assert.equal(inputs.deletionProtectionEnabled, setting("deletionProtection"));
            });
        }

        it("keeps the function's logs for the stack's retention, with CloudWatch's own encryption", async () => {
            const logGroup = (await declared(stackFeed, stackFeed.feed.logGroup)).inputs;
            assert.equal(logGroup.retentionInDays, setting("logRetentionDays"));
            assert.equal(logGroup.kmsKeyId, undefined);
        });

        it("reserves no concurrency for the function unless the stack asks", async () => {
            assert.equal(setting("reservedConcurrency"), -1);
            assert.equal(
                (await declared(stackFeed, stackFeed.feed.handlerFunction)).inputs
                    .reservedConcurrentExecutions,
                undefined,
            );
        });
    });
}

describe("production safety", () => {
    it("protects production's tables and buckets from deletion, and not dev's (each stack's follow its setting, above)", () => {
        assert.equal(stackSettings("prod")("deletionProtection"), true);
        assert.equal(stackSettings("dev")("deletionProtection"), false);
    });
});

describe("a stack with a customer-managed KMS key (Pulumi mocks)", () => {
    let stackFeed: DeclaredStackFeed;

    before(async () => {
        stackFeed = await declareStackFeed("prod", { "ddb-changefeed:kmsKeyArn": KEY_ARN });
    });

    for (const { field, title } of BUCKETS) {
        it(`encrypts ${title} with the key, through an S3 bucket key`, async () => {
            const encryption = await guardrailOf(stackFeed, stackFeed.feed[field], ENCRYPTION);
            assert.deepEqual(encryption.inputs.rules, [
                {
                    applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN },
                    bucketKeyEnabled: true,
                },
            ]);
        });
    }

    for (const table of TABLES) {
        it(`encrypts ${table.title} with the key`, async () => {
            assert.deepEqual((await declaredTable(stackFeed, table)).inputs.serverSideEncryption, {
                enabled: true,
                kmsKeyArn: KEY_ARN,
            });
        });
    }

    it("encrypts the log group and the alarm topic with the key", async () => {
        assert.equal((await declared(stackFeed, stackFeed.feed.logGroup)).inputs.kmsKeyId, KEY_ARN);
        assert.equal((await declared(stackFeed, stackFeed.feed.alarmTopic)).inputs.kmsMasterKeyId, KEY_ARN);
    });

    it("lets the function use the key only through DynamoDB and S3 in the key's region, after its other statements", async () => {
        const policy = (await declared(stackFeed, stackFeed.feed.handlerPolicy)).inputs;
        const statements = (JSON.parse(String(policy.policy)) as { Statement: Statement[] }).Statement;

        assert.deepEqual(
            statements.map((statement) => statement.Sid),
            [
                "ReadSourceStream",
                "WriteProjection",
                "ArchiveBatches",
                "SendFailedBatches",
                "ListFailureDestination",
                "WriteLogs",
                "UseKeyThroughDynamoDB",
                "UseKeyThroughS3",
            ],
        );
        assert.deepEqual(statements.slice(-2), [
            {
                Sid: "UseKeyThroughDynamoDB",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                Resource: KEY_ARN,
                Condition: { StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" } },
            },
            {
                Sid: "UseKeyThroughS3",
                Effect: "Allow",
                Action: ["kms:GenerateDataKey"],
                Resource: KEY_ARN,
                Condition: { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
            },
        ]);
    });
});

describe("stack-specific safety settings (Pulumi mocks)", () => {
    it("reserves the configured concurrency for the function", async () => {
        const stackFeed = await declareStackFeed("prod", { "ddb-changefeed:reservedConcurrency": "20" });

        assert.equal(
            (await declared(stackFeed, stackFeed.feed.handlerFunction)).inputs.reservedConcurrentExecutions,
            20,
        );
    });

    it("turns point-in-time recovery off for both tables when the stack says so", async () => {
        const stackFeed = await declareStackFeed("dev", { "ddb-changefeed:pointInTimeRecovery": "false" });

        for (const table of TABLES) {
            assert.deepEqual(
                (await declaredTable(stackFeed, table)).inputs.pointInTimeRecovery,
                { enabled: false },
                table.title,
            );
        }
    });

    it("keeps archive objects in Standard, forever, when transition and expiration are 0", async () => {
        const stackFeed = await declareStackFeed("dev", {
            "ddb-changefeed:archiveTransitionDays": "0",
            "ddb-changefeed:archiveExpirationDays": "0",
        });

        const rule = await lifecycleOf(stackFeed, stackFeed.feed.archiveBucket);
        assert.equal(rule.transitions, undefined);
        assert.equal(rule.expiration, undefined);
        assert.deepEqual(rule.noncurrentVersionExpiration, { noncurrentDays: 7 });
    });
});

describe("SecureBucket", () => {
    it("refuses a lifecycle whose expiration does not come after its transition, naming the arguments", () => {
        assert.throws(
            () =>
                new SecureBucket("bad", {
                    lifecycle: { transitionDays: 90, expirationDays: 30, noncurrentVersionExpirationDays: 1 },
                    deletionProtection: false,
                }),
            /SecureBucket bad: `lifecycle.expirationDays` \(30\) must be more than `lifecycle.transitionDays` \(90\), or 0\./,
        );
    });

    it("refuses a negative number of days", () => {
        assert.throws(
            () =>
                new SecureBucket("bad", {
                    lifecycle: { transitionDays: -1, expirationDays: 0, noncurrentVersionExpirationDays: 1 },
                    deletionProtection: false,
                }),
            /SecureBucket bad: `lifecycle.transitionDays` is -1; allowed: a whole number of days, 0 or more\./,
        );
    });
});
