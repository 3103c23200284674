import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { unpackCodeZip, zipCodeArchive } from "../../local/lambda/code-archive";
import { stackSettings } from "../helpers/stack-settings";
import { findResource, PROJECT_ROOT, runProgram, type ProgramRun } from "../../local/program";

const TABLE = "aws:dynamodb/table:Table";
const BUCKET = "aws:s3/bucket:Bucket";
const FUNCTION = "aws:lambda/function:Function";
const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const SECURE_BUCKET = "ddb-changefeed:storage:SecureBucket";
const CHANGE_FEED = "ddb-changefeed:index:ChangeFeed";
const TOPIC = "aws:sns/topic:Topic";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const DASHBOARD = "aws:cloudwatch/dashboard:Dashboard";
const EXPORT_BACKFILL = "ddb-changefeed:backfill:ExportBackfill";
const STATE_MACHINE = "aws:sfn/stateMachine:StateMachine";

/** Each SecureBucket's guardrails, by type and logical-name suffix. */
const BUCKET_GUARDRAILS = [
    ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "public-access"],
    ["aws:s3/bucketOwnershipControls:BucketOwnershipControls", "ownership"],
    ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "encryption"],
    ["aws:s3/bucketPolicy:BucketPolicy", "tls-only"],
    ["aws:s3/bucketVersioning:BucketVersioning", "versioning"],
    ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lifecycle"],
] as const;

type Statement = { Sid: string; Effect: string; Action: string[] | string; Resource: string };

/** The dependencies of the handler's code; everything else in package.json is tooling. */
const PACKAGED_DEPENDENCIES = [
    "@aws-lambda-powertools/batch",
    "@aws-lambda-powertools/commons",
    "@aws-lambda-powertools/logger",
    "@aws-lambda-powertools/metrics",
    "@aws-sdk/util-dynamodb",
    "@aws/lambda-invoke-store",
    "@standard-schema/spec",
    "tslib",
];
// The benchmark's floor for the zipped code archive.
const ZIP_CEILING_BYTES = 450_000;

/** The package.json nearest above a file: its `type` decides whether Node loads the file as CommonJS. */
function packageScopeOf(file: string): string {
    for (let directory = path.dirname(file); ; directory = path.dirname(directory)) {
        const manifest = path.join(directory, "package.json");
        if (fs.existsSync(manifest)) return manifest;
        if (path.dirname(directory) === directory) throw new Error(`No package.json above ${file}.`);
    }
}

/** Runs `use` on a code archive unpacked into a new directory, which is removed afterwards. */
function inUnpacked<T>(zip: Buffer, use: (directory: string) => T): T {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "code-archive-"));
    try {
        unpackCodeZip(zip, directory);
        return use(directory);
    } finally {
        fs.rmSync(directory, { recursive: true, force: true });
    }
}

for (const stack of ["dev", "prod"]) {
    describe(`the program on the ${stack} stack (Pulumi mocks)`, function () {
        let run: ProgramRun;
        const setting = stackSettings(stack);

        before(async () => {
            run = await runProgram(stack);
        });

        it("declares exactly the change feed's resources", () => {
            assert.deepEqual(
                run.resources.map((resource) => `${resource.type} ${resource.name}`).sort(),
                [
                    `${CHANGE_FEED} changefeed`,
                    ...["changefeed-archive", "changefeed-failures", "changefeed-backfill-exports"].flatMap(
                        (bucket) => [
                            `${SECURE_BUCKET} ${bucket}`,
                            `${BUCKET} ${bucket}`,
                            ...BUCKET_GUARDRAILS.map(([type, suffix]) => `${type} ${bucket}-${suffix}`),
                        ],
                    ),
                    `${LOG_GROUP} changefeed-handler-logs`,
                    `${TABLE} changefeed-projection`,
                    `${TABLE} changefeed-source`,
                    `${FUNCTION} changefeed-handler`,
                    `${ROLE_POLICY} changefeed-handler-policy`,
                    `${ROLE} changefeed-handler-role`,
                    `${MAPPING} changefeed-mapping`,
                    `${TOPIC} changefeed-alarms`,
                    ...["iterator-age", "errors", "throttles", "failure-destination", "failure-delivery"].map(
                        (alarm) => `${ALARM} changefeed-${alarm}-alarm`,
                    ),
                    `${DASHBOARD} changefeed-dashboard`,
                    // The backfill from point-in-time exports (the stacks keep pointInTimeRecovery on).
                    `${EXPORT_BACKFILL} changefeed-backfill`,
                    `${LOG_GROUP} changefeed-backfill-logs`,
                    `${ROLE} changefeed-backfill-function-role`,
                    `${ROLE_POLICY} changefeed-backfill-function-policy`,
                    `${FUNCTION} changefeed-backfill-function`,
                    `${ROLE} changefeed-backfill-state-machine-role`,
                    `${STATE_MACHINE} changefeed-backfill-state-machine`,
                    `${ROLE_POLICY} changefeed-backfill-state-machine-policy`,
                ].sort(),
            );
        });

        it("streams the source table's changes with both images, on demand", () => {
            const source = findResource(run, TABLE, "changefeed-source").inputs;
            assert.equal(source.billingMode, "PAY_PER_REQUEST");
            assert.equal(source.streamEnabled, true);
            assert.equal(source.streamViewType, "NEW_AND_OLD_IMAGES");
            assert.equal(source.hashKey, "id");
            assert.deepEqual(source.attributes, [{ name: "id", type: "S" }]);
        });

        it("gives the projection table the source's key schema and no stream", () => {
            const source = findResource(run, TABLE, "changefeed-source").inputs;
            const projection = findResource(run, TABLE, "changefeed-projection").inputs;
            assert.equal(projection.billingMode, "PAY_PER_REQUEST");
            assert.equal(projection.hashKey, source.hashKey);
            assert.equal(projection.rangeKey, source.rangeKey);
            assert.deepEqual(projection.attributes, source.attributes);
            assert.equal(projection.streamEnabled, undefined);
        });

        it("expires the projection's tombstones with TTL on the reserved attribute", () => {
            const projection = findResource(run, TABLE, "changefeed-projection").inputs;
            assert.deepEqual(projection.ttl, { attributeName: "_cdc_expires_at", enabled: true });
        });

        it("runs the handler on arm64 Node.js 22+ with the stack's memory, timeout and settings", () => {
            const fn = findResource(run, FUNCTION, "changefeed-handler");
            const role = findResource(run, ROLE, "changefeed-handler-role");
            const logGroup = findResource(run, LOG_GROUP, "changefeed-handler-logs");
            assert.match(String(fn.inputs.runtime), /^nodejs(2[2-9]|[3-9]\d)\.x$/);
            assert.deepEqual(fn.inputs.architectures, ["arm64"]);
            assert.equal(fn.inputs.memorySize, setting("memoryMb"));
            assert.equal(fn.inputs.timeout, setting("timeoutSeconds"));
            assert.equal(fn.inputs.handler, "__index.handler");
            assert.equal(fn.inputs.role, role.state.arn);
            assert.deepEqual(fn.inputs.environment, {
                variables: {
                    PROJECTION_TABLE: run.outputs.projectionTableName,
                    ARCHIVE_BUCKET: run.outputs.archiveBucketName,
                    ARCHIVE_PREFIX: setting("archivePrefix"),
                    WRITE_CONCURRENCY: String(setting("writeConcurrency")),
                    TOMBSTONE_TTL_SECONDS: String(Number(setting("tombstoneRetentionDays")) * 86_400),
                    TTL_EXPIRATIONS: setting("ttlExpirations"),
                    POWERTOOLS_SERVICE_NAME: `changefeed-${stack}`,
                    POWERTOOLS_METRICS_NAMESPACE: "DdbChangefeed",
                },
            });
            assert.deepEqual(fn.inputs.loggingConfig, { logFormat: "JSON", logGroup: logGroup.state.name });
            assert.equal(logGroup.inputs.retentionInDays, setting("logRetentionDays"));
        });

        it("configures the mapping for partial failures, bisecting, bounded retries and an S3 destination", () => {
            const mapping = findResource(run, MAPPING, "changefeed-mapping").inputs;
            const failures = findResource(run, BUCKET, "changefeed-failures");
            const source = findResource(run, TABLE, "changefeed-source");
            const fn = findResource(run, FUNCTION, "changefeed-handler");
            assert.deepEqual(mapping, {
                eventSourceArn: source.state.streamArn,
                functionName: fn.state.arn,
                startingPosition: setting("startingPosition"),
                batchSize: setting("batchSize"),
                maximumBatchingWindowInSeconds: setting("batchingWindowSeconds"),
                parallelizationFactor: setting("parallelizationFactor"),
                maximumRetryAttempts: setting("maxRetryAttempts"),
                maximumRecordAgeInSeconds: setting("maxRecordAgeSeconds"),
                bisectBatchOnFunctionError: true,
                functionResponseTypes: ["ReportBatchItemFailures"],
                destinationConfig: { onFailure: { destinationArn: failures.state.arn } },
                metricsConfig: { metrics: ["EventCount"] },
            });
            assert.ok(Number(mapping.maximumRetryAttempts) >= 0, "retries must be bounded, never -1");
            assert.ok(
                Number(mapping.maximumRecordAgeInSeconds) >= 60,
                "record age must be bounded, never -1",
            );
        });

        it("lets only Lambda assume the handler's role and attaches no managed policy", () => {
            const role = findResource(run, ROLE, "changefeed-handler-role").inputs;
            assert.deepEqual(JSON.parse(String(role.assumeRolePolicy)), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "lambda.amazonaws.com" },
                        Action: "sts:AssumeRole",
                    },
                ],
            });
            assert.equal(role.managedPolicyArns, undefined);
            const attachments = run.resources.filter((resource) => /PolicyAttachment/.test(resource.type));
            assert.deepEqual(attachments, []);
        });

        it("grants the handler's role least privilege, statement by statement", () => {
            const policy = findResource(run, ROLE_POLICY, "changefeed-handler-policy");
            const role = findResource(run, ROLE, "changefeed-handler-role");
            const arnOf = (type: string, name: string): string =>
                String(findResource(run, type, name).state.arn);
            const streamArn = String(findResource(run, TABLE, "changefeed-source").state.streamArn);
            const document = JSON.parse(String(policy.inputs.policy)) as { Statement: Statement[] };

            assert.equal(policy.inputs.role, role.state.id);
            assert.deepEqual(document.Statement, [
                {
                    Sid: "ReadSourceStream",
                    Effect: "Allow",
                    Action: [
                        "dynamodb:DescribeStream",
                        "dynamodb:GetRecords",
                        "dynamodb:GetShardIterator",
                        "dynamodb:ListStreams",
                    ],
                    Resource: streamArn,
                },
                {
                    Sid: "WriteProjection",
                    Effect: "Allow",
                    Action: ["dynamodb:PutItem"],
                    Resource: arnOf(TABLE, "changefeed-projection"),
                },
                {
                    Sid: "ArchiveBatches",
                    Effect: "Allow",
                    Action: ["s3:PutObject"],
                    Resource: `${arnOf(BUCKET, "changefeed-archive")}/${String(setting("archivePrefix"))}*`,
                },
                {
                    Sid: "SendFailedBatches",
                    Effect: "Allow",
                    Action: ["s3:PutObject"],
                    Resource: `${arnOf(BUCKET, "changefeed-failures")}/*`,
                },
                {
                    Sid: "ListFailureDestination",
                    Effect: "Allow",
                    Action: ["s3:ListBucket"],
                    Resource: arnOf(BUCKET, "changefeed-failures"),
                },
                {
                    Sid: "WriteLogs",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: `${arnOf(LOG_GROUP, "changefeed-handler-logs")}:*`,
                },
            ]);
            for (const statement of document.Statement) {
                for (const action of [statement.Action].flat()) {
                    assert.doesNotMatch(action, /\*/, `${statement.Sid} grants a wildcard action ${action}`);
                }
                assert.notEqual(statement.Resource, "*", `${statement.Sid} is not scoped to a resource`);
            }
        });

        it("packages the handler with its runtime dependencies only, under 450,000 bytes zipped", async function () {
            const fn = findResource(run, FUNCTION, "changefeed-handler");
            const archive = await zipCodeArchive(fn.inputs.code);
            const packages = new Set(
                archive.entries
                    .map((entry) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(entry)?.[1])
                    .filter((name): name is string => name !== undefined),
            );

            assert.ok(archive.entries.includes("__index.js"), "the serialized handler is missing");
            assert.deepEqual([...packages].sort(), [...PACKAGED_DEPENDENCIES].sort());
            for (const name of packages) {
                assert.doesNotMatch(name, /^@aws-sdk\/client-/, `${name} ships with the Lambda runtime`);
                assert.doesNotMatch(
                    name,
                    /^(@pulumi|typescript|ts-node|mocha|eslint|prettier|@types)/,
                    `${name} is a dev tool`,
                );
            }
            assert.ok(
                archive.zip.length < ZIP_CEILING_BYTES,
                `code archive is ${archive.zip.length} bytes zipped; the ceiling is ${ZIP_CEILING_BYTES}`,
            );
            this.test!.title += ` (${(archive.zip.length / 1024).toFixed(0)} KB)`;
        });

        it("leaves out of the archive every file the CommonJS handler never loads", async () => {
            const archive = await zipCodeArchive(
                findResource(run, FUNCTION, "changefeed-handler").inputs.code,
            );
            // Type declarations, source maps, docs, and the ESM builds of dual-format packages.
            const neverLoaded = [/\.d\.[cm]?ts$/, /\.map$/, /\.md$/i, /\/lib\/esm\/.*\.js$/];

            assert.deepEqual(
                archive.entries.filter((entry) => neverLoaded.some((pattern) => pattern.test(entry))),
                [],
            );
        });

        it("keeps each packaged dependency's package.json and CommonJS entry where Node resolves them", async () => {
            const archive = await zipCodeArchive(
                findResource(run, FUNCTION, "changefeed-handler").inputs.code,
            );
            inUnpacked(archive.zip, (unpacked) => {
                for (const name of PACKAGED_DEPENDENCIES) {
                    assert.ok(
                        archive.entries.includes(`node_modules/${name}/package.json`),
                        `${name}'s package.json is missing`,
                    );
                    const installed = require.resolve(name, { paths: [PROJECT_ROOT] });
                    const packaged = require.resolve(name, { paths: [unpacked] });
                    assert.equal(
                        path.relative(unpacked, packaged),
                        path.relative(PROJECT_ROOT, installed),
                        `${name}'s CommonJS entry`,
                    );
                    // The same package.json sets its module type, e.g. Powertools' lib/cjs/package.json.
                    assert.equal(
                        path.relative(unpacked, packageScopeOf(packaged)),
                        path.relative(PROJECT_ROOT, packageScopeOf(installed)),
                        `the package.json that scopes ${name}'s entry`,
                    );
                }
            });
        });

        it("runs the handler as its bundle, not as functions Pulumi serializes one by one", async () => {
            const archive = await zipCodeArchive(
                findResource(run, FUNCTION, "changefeed-handler").inputs.code,
            );
            const index = inUnpacked(archive.zip, (unpacked) =>
                fs.readFileSync(path.join(unpacked, "__index.js"), "utf8"),
            );
            // Pulumi puts each function it serializes in a `with` scope that it rebuilds on every
            // call: only the factory that loads the bundle may be one.
            assert.equal(index.match(/with\(\{/g)?.length, 1, "serialized functions");
            assert.match(index, /function processStreamBatch\(/, "the handler's bundle");
        });

        it("exports the names and ARNs an operator needs", () => {
            const source = findResource(run, TABLE, "changefeed-source").state;
            const projection = findResource(run, TABLE, "changefeed-projection").state;
            assert.deepEqual(run.outputs, {
                sourceTableName: source.name,
                sourceTableArn: source.arn,
                sourceStreamArn: source.streamArn,
                projectionTableName: projection.name,
                projectionTableArn: projection.arn,
                // Only with routes.
                projectionTableNames: undefined,
                archiveBucketName: findResource(run, BUCKET, "changefeed-archive").state.bucket,
                failureBucketName: findResource(run, BUCKET, "changefeed-failures").state.bucket,
                functionName: findResource(run, FUNCTION, "changefeed-handler").state.name,
                eventSourceMappingUuid: findResource(run, MAPPING, "changefeed-mapping").state.uuid,
                alarmTopicArn: findResource(run, TOPIC, "changefeed-alarms").state.arn,
                dashboardName: `changefeed-${stack}`,
                archiveAthenaDdl: run.outputs.archiveAthenaDdl,
                backfillBucketName: findResource(run, BUCKET, "changefeed-backfill-exports").state.bucket,
                backfillFunctionName: findResource(run, FUNCTION, "changefeed-backfill-function").state.name,
                backfillStateMachineArn: findResource(run, STATE_MACHINE, "changefeed-backfill-state-machine")
                    .state.arn,
            });
            const bucket = String(run.outputs.archiveBucketName);
            assert.match(
                String(run.outputs.archiveAthenaDdl),
                new RegExp(`LOCATION 's3://${bucket}/${String(setting("archivePrefix"))}'`),
            );
        });
    });
}

describe("stack differences (Pulumi mocks)", () => {
    it("gives production larger batches, more batches in flight, more retries and a longer record age than dev, and a full vCPU", async function () {
        this.timeout(180_000);
        const dev = findResource(await runProgram("dev"), MAPPING, "changefeed-mapping").inputs;
        const prodRun = await runProgram("prod");
        const prod = findResource(prodRun, MAPPING, "changefeed-mapping").inputs;
        const prodFunction = findResource(prodRun, FUNCTION, "changefeed-handler").inputs;

        assert.ok(Number(prod.batchSize) > Number(dev.batchSize));
        assert.ok(Number(prod.maximumRetryAttempts) > Number(dev.maximumRetryAttempts));
        assert.ok(Number(prod.maximumRecordAgeInSeconds) > Number(dev.maximumRecordAgeInSeconds));
        assert.ok(Number(prod.parallelizationFactor) > Number(dev.parallelizationFactor));
        assert.ok(Number(prodFunction.memorySize) >= 1769);
    });

    it("adds the sort key to both tables when one is configured", async () => {
        const run = await runProgram("dev", { "ddb-changefeed:sortKey": "version:N" });

        for (const name of ["changefeed-source", "changefeed-projection"]) {
            const table = findResource(run, TABLE, name).inputs;
            assert.equal(table.rangeKey, "version", name);
            assert.deepEqual(table.attributes, [
                { name: "id", type: "S" },
                { name: "version", type: "N" },
            ]);
        }
    });
});
