import { strict as assert } from "node:assert";
import type * as pulumi from "@pulumi/pulumi";
import { ChangeFeed } from "../../infra/change-feed";
import { backfillStateMachineDefinition } from "../../infra/backfill-definition";
import { findResource, installMocks, runProgram, type ProgramRun } from "../../local/program";
import { existingTables, SINGLE_TABLE_DESIGN } from "../helpers/pulumi-mocks";
import { stackSettings } from "../helpers/stack-settings";

/** asl-validator, a maintained Amazon States Language validator (it fills defaults in, so pass a copy). */
const validateAsl = require("asl-validator") as (definition: unknown) => {
    isValid: boolean;
    errors: { "Error code": string; Message: string }[];
};
const asl = (definition: unknown) => {
    const { isValid, errors } = validateAsl(JSON.parse(JSON.stringify(definition)));
    return { isValid, errors };
};

const FUNCTION = "aws:lambda/function:Function";
const STATE_MACHINE = "aws:sfn/stateMachine:StateMachine";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const BUCKET = "aws:s3/bucket:Bucket";
const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

type Statement = { Sid: string; Effect: string; Action: string[]; Resource: string; Condition?: unknown };
const statements = (run: ProgramRun, name: string): Statement[] =>
    (JSON.parse(String(findResource(run, ROLE_POLICY, name).inputs.policy)) as { Statement: Statement[] })
        .Statement;

/** Whether an IAM resource pattern matches an ARN: `*` spans any characters, `/` and `:` included. */
const arnMatches = (pattern: string, arn: string): boolean =>
    new RegExp(
        `^${pattern
            .split("*")
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
    ).test(arn);

for (const stack of ["dev", "prod"]) {
    describe(`the backfill from point-in-time exports on the ${stack} stack (Pulumi mocks)`, function () {
        let run: ProgramRun;
        const setting = stackSettings(stack);

        before(async () => {
            run = await runProgram(stack);
        });

        it("declares a state machine whose definition asl-validator accepts, with the stack's concurrency and tolerance", () => {
            const definition = JSON.parse(
                String(
                    findResource(run, STATE_MACHINE, "changefeed-backfill-state-machine").inputs.definition,
                ),
            );
            const map = definition.States.ApplyDataFiles;

            assert.deepEqual(asl(definition), { isValid: true, errors: [] });
            assert.equal(map.MaxConcurrency, setting("backfillMaxConcurrency"));
            assert.equal(map.ToleratedFailurePercentage, setting("backfillToleratedFailurePercentage"));
            assert.deepEqual(map.ItemReader, {
                Resource: "arn:aws:states:::s3:getObject",
                ReaderConfig: { InputType: "JSONL" },
                Parameters: { Bucket: run.outputs.backfillBucketName, "Key.$": "$.manifestFilesKey" },
            });
            assert.deepEqual(map.ResultWriter, {
                Resource: "arn:aws:states:::s3:putObject",
                Parameters: { Bucket: run.outputs.backfillBucketName, Prefix: "results" },
            });
            assert.equal(
                map.ItemProcessor.States.ApplyDataFile.Parameters.FunctionName,
                findResource(run, FUNCTION, "changefeed-backfill-function").state.arn,
            );
        });

        it("lets the state machine describe and stop the Distributed Map's child executions, as AWS's Distributed Map policy does", () => {
            // Step Functions Developer Guide, "IAM policies for using Distributed Map states".
            const machine = findResource(run, STATE_MACHINE, "changefeed-backfill-state-machine").state;
            const child = `${String(machine.arn).replace(":stateMachine:", ":execution:")}/DataFiles:0b5c1e7a-5d2f-4f7e-9a39-2b1c0d4e6f80`;
            const allowed = (action: string) =>
                statements(run, "changefeed-backfill-state-machine-policy").some(
                    (statement) => statement.Action.includes(action) && arnMatches(statement.Resource, child),
                );

            assert.deepEqual(
                ["states:DescribeExecution", "states:StopExecution", "states:RedriveExecution"].map(allowed),
                [true, true, true],
            );
        });

        it("retries an invocation on every transient Lambda error AWS lists, and on throttling", () => {
            const definition = JSON.parse(
                String(
                    findResource(run, STATE_MACHINE, "changefeed-backfill-state-machine").inputs.definition,
                ),
            );
            const retry = definition.States.ApplyDataFiles.ItemProcessor.States.ApplyDataFile.Retry as {
                ErrorEquals: string[];
            }[];

            assert.deepEqual(
                retry.map((rule) => [...rule.ErrorEquals].sort()),
                [
                    [
                        "Lambda.AWSLambdaException",
                        "Lambda.ClientExecutionTimeoutException",
                        "Lambda.SdkClientException",
                        "Lambda.ServiceException",
                        "Lambda.TooManyRequestsException",
                    ],
                ],
            );
        });

        it("lets only Step Functions assume the state machine's role, which may run its own map and nothing else", () => {
            const machine = findResource(run, STATE_MACHINE, "changefeed-backfill-state-machine").state;
            const role = findResource(run, ROLE, "changefeed-backfill-state-machine-role");
            const bucket = `arn:aws:s3:::${String(run.outputs.backfillBucketName)}`;
            const executions = String(machine.arn).replace(":stateMachine:", ":execution:");

            assert.deepEqual(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement, [
                { Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" },
            ]);
            assert.equal(machine.roleArn, role.state.arn);
            assert.deepEqual(statements(run, "changefeed-backfill-state-machine-policy"), [
                {
                    Sid: "StartChildWorkflows",
                    Effect: "Allow",
                    Action: ["states:StartExecution"],
                    Resource: machine.arn,
                },
                {
                    Sid: "WatchChildWorkflows",
                    Effect: "Allow",
                    Action: ["states:DescribeExecution", "states:StopExecution"],
                    Resource: `${executions}/*`,
                },
                {
                    Sid: "RedriveChildWorkflows",
                    Effect: "Allow",
                    Action: ["states:RedriveExecution"],
                    Resource: `${executions}/DataFiles:*`,
                },
                {
                    Sid: "InvokeBackfillFunction",
                    Effect: "Allow",
                    Action: ["lambda:InvokeFunction"],
                    Resource: findResource(run, FUNCTION, "changefeed-backfill-function").state.arn,
                },
                {
                    Sid: "ReadManifest",
                    Effect: "Allow",
                    Action: ["s3:GetObject"],
                    Resource: `${bucket}/exports/*`,
                },
                {
                    Sid: "WriteResults",
                    Effect: "Allow",
                    Action: [
                        "s3:PutObject",
                        "s3:GetObject",
                        "s3:ListMultipartUploadParts",
                        "s3:AbortMultipartUpload",
                    ],
                    Resource: `${bucket}/results/*`,
                },
            ]);
        });

        it("runs the backfill function with the stream handler's settings and a least-privilege role of its own", () => {
            const handler = findResource(run, FUNCTION, "changefeed-handler").inputs;
            const backfill = findResource(run, FUNCTION, "changefeed-backfill-function").inputs;
            const handlerVariables = (handler.environment as { variables: Record<string, string> }).variables;
            const role = findResource(run, ROLE, "changefeed-backfill-function-role");
            const projection = findResource(run, "aws:dynamodb/table:Table", "changefeed-projection").state;
            const archive = findResource(run, BUCKET, "changefeed-archive").state;
            const logGroup = findResource(
                run,
                "aws:cloudwatch/logGroup:LogGroup",
                "changefeed-backfill-logs",
            ).state;

            assert.deepEqual((backfill.environment as { variables: Record<string, string> }).variables, {
                ...handlerVariables,
                POWERTOOLS_SERVICE_NAME: `${handlerVariables.POWERTOOLS_SERVICE_NAME}-backfill`,
                KEY_ATTRIBUTES: "id",
            });
            assert.deepEqual(
                [backfill.runtime, backfill.architectures, backfill.timeout, backfill.memorySize],
                ["nodejs24.x", ["arm64"], 900, setting("memoryMb")],
            );
            assert.equal(backfill.role, role.state.arn);
            assert.deepEqual(JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Principal, {
                Service: "lambda.amazonaws.com",
            });
            assert.deepEqual(statements(run, "changefeed-backfill-function-policy"), [
                {
                    Sid: "ReadExportDataFiles",
                    Effect: "Allow",
                    Action: ["s3:GetObject"],
                    Resource: `arn:aws:s3:::${String(run.outputs.backfillBucketName)}/exports/*`,
                },
                {
                    Sid: "WriteProjection",
                    Effect: "Allow",
                    Action: ["dynamodb:PutItem"],
                    Resource: projection.arn,
                },
                {
                    Sid: "ArchiveBatches",
                    Effect: "Allow",
                    Action: ["s3:PutObject"],
                    Resource: `${String(archive.arn)}/${String(setting("archivePrefix"))}*`,
                },
                {
                    Sid: "WriteLogs",
                    Effect: "Allow",
                    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    Resource: `${String(logGroup.arn)}:*`,
                },
            ]);
        });

        it("keeps exports and results in a secure bucket of their own that expires them", () => {
            const rules = findResource(run, LIFECYCLE, "changefeed-backfill-exports-lifecycle").inputs
                .rules as {
                expiration?: { days: number };
                transitions?: unknown;
            }[];
            assert.equal(rules[0]?.expiration?.days, setting("exportExpirationDays"));
            assert.equal(rules[0]?.transitions, undefined);
            for (const guardrail of ["public-access", "ownership", "encryption", "tls-only", "versioning"]) {
                assert.ok(
                    run.resources.some(
                        (resource) => resource.name === `changefeed-backfill-exports-${guardrail}`,
                    ),
                    guardrail,
                );
            }
        });

        it("exports the names npm run backfill -- --from-export needs", () => {
            assert.deepEqual(
                {
                    bucket: run.outputs.backfillBucketName,
                    fn: run.outputs.backfillFunctionName,
                    machine: run.outputs.backfillStateMachineArn,
                },
                {
                    bucket: findResource(run, BUCKET, "changefeed-backfill-exports").state.bucket,
                    fn: findResource(run, FUNCTION, "changefeed-backfill-function").state.name,
                    machine: findResource(run, STATE_MACHINE, "changefeed-backfill-state-machine").state.arn,
                },
            );
        });
    });
}

describe("the backfill from exports, by config (Pulumi mocks)", () => {
    for (const stack of ["dev", "prod"]) {
        it(`is not declared on the ${stack} stack when pointInTimeRecovery is off`, async () => {
            const run = await runProgram(stack, { "ddb-changefeed:pointInTimeRecovery": "false" });

            const backfill = run.resources.filter((resource) =>
                resource.name.startsWith("changefeed-backfill"),
            );

            assert.deepEqual(backfill, []);
            assert.ok(!run.resources.some((resource) => resource.type === STATE_MACHINE));
            assert.deepEqual(
                [
                    run.outputs.backfillBucketName,
                    run.outputs.backfillFunctionName,
                    run.outputs.backfillStateMachineArn,
                ],
                [undefined, undefined, undefined],
            );
        });
    }

    it("uses a customer-managed key only through S3 and DynamoDB, in the key's region", async () => {
        const run = await runProgram("dev", { "ddb-changefeed:kmsKeyArn": KEY_ARN });

        const keyStatements = (name: string) =>
            statements(run, name)
                .filter((statement) => statement.Resource === KEY_ARN)
                .map((statement) => [statement.Sid, statement.Action, statement.Condition]);

        const via = (service: string) => ({
            StringEquals: { "kms:ViaService": `${service}.us-east-1.amazonaws.com` },
        });
        assert.deepEqual(keyStatements("changefeed-backfill-function-policy"), [
            ["UseKeyThroughDynamoDB", ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], via("dynamodb")],
            ["UseKeyThroughS3", ["kms:Decrypt", "kms:GenerateDataKey"], via("s3")],
        ]);
        assert.deepEqual(keyStatements("changefeed-backfill-state-machine-policy"), [
            ["UseKeyThroughS3", ["kms:Decrypt", "kms:GenerateDataKey"], via("s3")],
        ]);
    });

    it("gives the backfill function an existing table's key attributes", async () => {
        const engine = installMocks(
            "dev",
            { "aws:region": "us-east-1" },
            {
                invoke: existingTables({
                    orders: SINGLE_TABLE_DESIGN,
                }),
            },
        );
        let feed: ChangeFeed | undefined;
        const outputs = await engine.settle({
            environment: (() => {
                feed = new ChangeFeed("orders-feed", { sourceTableName: "orders" });
                return feed.backfill?.function.environment as pulumi.Output<unknown>;
            })(),
        });

        assert.equal(
            (outputs.environment as { variables: Record<string, string> }).variables.KEY_ATTRIBUTES,
            "pk,sk",
        );
    });
});

describe("the backfill from exports on a routed feed (Pulumi mocks)", () => {
    it("writes through the stream handler's routes, with PutItem on exactly the route tables", async function () {
        this.timeout(120_000);
        const run = await runProgram(
            "adopt",
            {},
            {
                invoke: existingTables({
                    "orders-single-table": SINGLE_TABLE_DESIGN,
                }),
            },
        );
        const handler = findResource(run, FUNCTION, "changefeed-handler").inputs;
        const backfill = findResource(run, FUNCTION, "changefeed-backfill-function").inputs;
        const variables = (fn: Record<string, unknown>) =>
            (fn.environment as { variables: Record<string, string> }).variables;
        const routeTables = run.resources
            .filter((resource) => resource.type === "aws:dynamodb/table:Table")
            .map((table) => String(table.state.arn));

        assert.equal(variables(backfill).ROUTES, variables(handler).ROUTES);
        assert.equal(routeTables.length, 2, "the adopt stack's two routes, and no table of its own");
        const writes = statements(run, "changefeed-backfill-function-policy").find(
            (statement) => statement.Sid === "WriteProjection",
        );
        assert.deepEqual(writes?.Resource, routeTables);
    });
});

describe("the backfill state machine's definition", () => {
    const args = { functionArn: "arn:aws:lambda:us-east-1:123456789012:function:f", bucket: "b" };

    for (const [maxConcurrency, toleratedFailurePercentage] of [
        [1, 0],
        [1000, 100],
    ]) {
        it(`is valid Amazon States Language at MaxConcurrency ${maxConcurrency} and ${toleratedFailurePercentage}% tolerated`, () => {
            assert.deepEqual(
                asl(
                    backfillStateMachineDefinition({
                        ...args,
                        maxConcurrency: maxConcurrency!,
                        toleratedFailurePercentage: toleratedFailurePercentage!,
                    }),
                ),
                {
                    isValid: true,
                    errors: [],
                },
            );
        });
    }

    it("is checked for real: a transition to a missing state is refused", () => {
        const definition = backfillStateMachineDefinition({
            ...args,
            maxConcurrency: 1,
            toleratedFailurePercentage: 0,
        }) as {
            States: { ApplyDataFiles: { ItemProcessor: { States: { FileDone: { Default: string } } } } };
        };
        definition.States.ApplyDataFiles.ItemProcessor.States.FileDone.Default = "Nowhere";

        assert.equal(asl(definition).isValid, false);
        assert.match(
            JSON.stringify(asl(definition).errors),
            /Missing 'StartAt'\|'Next'\|'Default' target: Nowhere/,
        );
    });
});
