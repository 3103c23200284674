import { strict as assert } from "node:assert";
import { stackSettings } from "../helpers/stack-settings";
import { findResource, runProgram, type ProgramRun } from "../../local/program";
import { SecureBucket } from "../../infra/secure-bucket";

const TABLE = "aws:dynamodb/table:Table";
const BUCKET = "aws:s3/bucket:Bucket";
const FUNCTION = "aws:lambda/function:Function";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const TOPIC = "aws:sns/topic:Topic";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const PUBLIC_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const OWNERSHIP = "aws:s3/bucketOwnershipControls:BucketOwnershipControls";
const ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy";
const VERSIONING = "aws:s3/bucketVersioning:BucketVersioning";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";

const SECURE_BUCKET = "ddb-changefeed:storage:SecureBucket";
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

const BUCKETS = ["changefeed-archive", "changefeed-failures"];
const TABLES = ["changefeed-source", "changefeed-projection"];
const KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

type Statement = {
    Sid: string;
    Effect: string;
    Action: string[] | string;
    Resource: string;
    Condition?: unknown;
};

/** The lifecycle rule of a bucket, as S3 will apply it. */
function lifecycleOf(run: ProgramRun, bucket: string): Record<string, unknown> {
    const rules = findResource(run, LIFECYCLE, `${bucket}-lifecycle`).inputs.rules as Record<
        string,
        unknown
    >[];
    assert.equal(rules.length, 1);
    return rules[0]!;
}

for (const stack of ["dev", "prod"]) {
    describe(`security of the ${stack} stack (Pulumi mocks)`, () => {
        let run: ProgramRun;
        const setting = stackSettings(stack);

        before(async () => {
            run = await runProgram(stack);
        });

        for (const bucket of BUCKETS) {
            it(`blocks all public access to ${bucket} and disables its ACLs`, () => {
                const name = findResource(run, BUCKET, bucket).state.bucket;

                assert.deepEqual(findResource(run, PUBLIC_ACCESS_BLOCK, `${bucket}-public-access`).inputs, {
                    bucket: name,
                    blockPublicAcls: true,
                    blockPublicPolicy: true,
                    ignorePublicAcls: true,
                    restrictPublicBuckets: true,
                });
                assert.deepEqual(findResource(run, OWNERSHIP, `${bucket}-ownership`).inputs, {
                    bucket: name,
                    rule: { objectOwnership: "BucketOwnerEnforced" },
                });
            });

            it(`encrypts ${bucket} with S3-managed keys, the stack having no KMS key`, () => {
                assert.deepEqual(findResource(run, ENCRYPTION, `${bucket}-encryption`).inputs, {
                    bucket: findResource(run, BUCKET, bucket).state.bucket,
                    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
                });
            });

            it(`denies every request to ${bucket} made without TLS`, () => {
                const { arn, bucket: name } = findResource(run, BUCKET, bucket).state;
                const policy = findResource(run, BUCKET_POLICY, `${bucket}-tls-only`).inputs;

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

            it(`lets pulumi destroy delete ${bucket} with every object version only where the stack allows deletion`, () => {
                const deletionProtection = setting("deletionProtection") === true;
                const component = run.resources.filter((resource) =>
                    resource.urn.includes(`${SECURE_BUCKET}$`),
                );
                const ofThisBucket = component.filter(
                    (resource) => resource.name === bucket || resource.name.startsWith(`${bucket}-`),
                );

                assert.equal(findResource(run, BUCKET, bucket).inputs.forceDestroy, !deletionProtection);
                assert.deepEqual(
                    ofThisBucket.map((resource) => `${resource.type} ${resource.name}`).sort(),
                    [BUCKET, ...GUARDRAILS].map((type) => `${type} ${guardrailName(bucket, type)}`).sort(),
                );
                for (const resource of ofThisBucket) {
                    assert.deepEqual(
                        resource.options,
                        { protect: deletionProtection, retainOnDelete: false },
                        `${resource.type} ${resource.name}`,
                    );
                }
            });

            it(`versions ${bucket}`, () => {
                assert.deepEqual(
                    findResource(run, VERSIONING, `${bucket}-versioning`).inputs.versioningConfiguration,
                    {
                        status: "Enabled",
                    },
                );
            });
        }

        it("moves archive objects to Glacier Instant Retrieval and expires them as the stack says", () => {
            const expiration = Number(setting("archiveExpirationDays"));
            assert.deepEqual(lifecycleOf(run, "changefeed-archive"), {
                id: "retention",
                status: "Enabled",
                filter: {},
                transitions: [{ days: setting("archiveTransitionDays"), storageClass: "GLACIER_IR" }],
                ...(expiration > 0 ? { expiration: { days: expiration } } : {}),
                noncurrentVersionExpiration: { noncurrentDays: setting("noncurrentVersionExpirationDays") },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
            });
        });

        it("expires failed batches as the stack says, without moving them", () => {
            assert.deepEqual(lifecycleOf(run, "changefeed-failures"), {
                id: "retention",
                status: "Enabled",
                filter: {},
                expiration: { days: setting("failureExpirationDays") },
                noncurrentVersionExpiration: { noncurrentDays: setting("noncurrentVersionExpirationDays") },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
            });
        });

        for (const table of TABLES) {
            it(`encrypts ${table} with KMS, recovers it to any point in time and protects it as the stack says`, () => {
                const inputs = findResource(run, TABLE, table).inputs;

                assert.deepEqual(inputs.serverSideEncryption, { enabled: true });
                assert.deepEqual(inputs.pointInTimeRecovery, { enabled: setting("pointInTimeRecovery") });
                assert.equal(inputs.deletionProtectionEnabled, setting("deletionProtection"));
            });
        }

        it("keeps the function's logs for the stack's retention, with CloudWatch's own encryption", () => {
            const logGroup = findResource(run, LOG_GROUP, "changefeed-handler-logs").inputs;
            assert.equal(logGroup.retentionInDays, setting("logRetentionDays"));
            assert.equal(logGroup.kmsKeyId, undefined);
        });

        it("reserves no concurrency for the function unless the stack asks", () => {
            assert.equal(setting("reservedConcurrency"), -1);
            assert.equal(
                findResource(run, FUNCTION, "changefeed-handler").inputs.reservedConcurrentExecutions,
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
    let run: ProgramRun;

    before(async () => {
        run = await runProgram("prod", { "ddb-changefeed:kmsKeyArn": KEY_ARN });
    });

    for (const bucket of BUCKETS) {
        it(`encrypts ${bucket} with the key, through an S3 bucket key`, () => {
            assert.deepEqual(findResource(run, ENCRYPTION, `${bucket}-encryption`).inputs.rules, [
                {
                    applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN },
                    bucketKeyEnabled: true,
                },
            ]);
        });
    }

    for (const table of TABLES) {
        it(`encrypts ${table} with the key`, () => {
            assert.deepEqual(findResource(run, TABLE, table).inputs.serverSideEncryption, {
                enabled: true,
                kmsKeyArn: KEY_ARN,
            });
        });
    }

    it("encrypts the log group and the alarm topic with the key", () => {
        assert.equal(findResource(run, LOG_GROUP, "changefeed-handler-logs").inputs.kmsKeyId, KEY_ARN);
        assert.equal(findResource(run, TOPIC, "changefeed-alarms").inputs.kmsMasterKeyId, KEY_ARN);
    });

    it("lets the function use the key only through DynamoDB and S3 in the key's region, after its other statements", () => {
        const policy = findResource(run, ROLE_POLICY, "changefeed-handler-policy").inputs;
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
        const run = await runProgram("prod", { "ddb-changefeed:reservedConcurrency": "20" });

        assert.equal(
            findResource(run, FUNCTION, "changefeed-handler").inputs.reservedConcurrentExecutions,
            20,
        );
    });

    it("turns point-in-time recovery off for both tables when the stack says so", async () => {
        const run = await runProgram("dev", { "ddb-changefeed:pointInTimeRecovery": "false" });

        for (const table of TABLES) {
            assert.deepEqual(
                findResource(run, TABLE, table).inputs.pointInTimeRecovery,
                { enabled: false },
                table,
            );
        }
    });

    it("keeps archive objects in Standard, forever, when transition and expiration are 0", async () => {
        const run = await runProgram("dev", {
            "ddb-changefeed:archiveTransitionDays": "0",
            "ddb-changefeed:archiveExpirationDays": "0",
        });

        const rule = lifecycleOf(run, "changefeed-archive");
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
