import { strict as assert } from "node:assert";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import { ListExecutionsCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { backfillStateMachineDefinition } from "../../infra/backfill-definition";
import { startLocalAwsEndpoint, type LocalAwsEndpoint } from "../../local/export/aws-endpoint";
import { LocalExportService } from "../../local/export/export-service";
import { LocalStateMachineRunner } from "../../local/export/state-machine-runner";
import { requestAuthorizer } from "../../local/iam/access-gate";
import { accessSummary, createAccessLog } from "../../local/iam/access-log";
import { evaluatePolicies } from "../../local/iam/evaluator";
import { credentialsOf, principalForRole } from "../../local/iam/principals";
import { explainOpsError } from "../../ops/errors";

const ACCOUNT = "000000000000";
const MACHINE = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:backfill`;
/** An operator who may list the state machine's executions, and nothing else. */
const operator = principalForRole(
    {
        name: "operator",
        sessionName: "ops",
        policies: [
            {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "states:ListExecutions", Resource: MACHINE }],
            },
        ],
    },
    ACCOUNT,
);

describe("the local Step Functions and export endpoint, behind the IAM gate", () => {
    const log = createAccessLog();
    let endpoint: LocalAwsEndpoint;
    const started: string[] = [];

    before(async () => {
        const runner = new LocalStateMachineRunner({
            stateMachineArn: MACHINE,
            definition: backfillStateMachineDefinition({
                functionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:apply`,
                bucket: "b",
                maxConcurrency: 1,
                toleratedFailurePercentage: 0,
            }),
            s3: {} as S3Client,
            invoke: async () => ({ ok: true, value: null, durationMs: 1 }),
        });
        runner.start = (input) => {
            started.push(JSON.stringify(input));
            throw new Error("an execution started");
        };
        endpoint = await startLocalAwsEndpoint({
            runner,
            exports: new LocalExportService({
                dynamodb: {} as DynamoDBClient,
                s3: {} as S3Client,
                pointInTimeRecovery: new Map(),
                itemsPerFile: 1,
            }),
            dynamodbEndpoint: "http://127.0.0.1:9",
            authorize: requestAuthorizer({
                scope: { region: "us-east-1", accountId: ACCOUNT },
                principals: [operator],
                resourcePolicies: new Map(),
                evaluate: evaluatePolicies,
                log,
            }),
        });
    });

    after(() => endpoint.stop());

    const client = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
        new SFNClient({ endpoint: endpoint.endpoint, region: "us-east-1", credentials });

    it("refuses StartExecution the caller's policy does not allow with Step Functions' AccessDeniedException, which ops explains", async () => {
        const sfn = client(credentialsOf(operator));

        const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: MACHINE }));
        const error = await sfn
            .send(new StartExecutionCommand({ stateMachineArn: MACHINE, input: "{}" }))
            .then(
                () => undefined,
                (failure: Error & { $metadata?: { httpStatusCode?: number } }) => failure,
            );
        sfn.destroy();

        assert.deepEqual(listed.executions, []);
        assert.deepEqual(
            {
                name: error?.name,
                status: error?.$metadata?.httpStatusCode,
                message: error?.message,
                started,
            },
            {
                name: "AccessDeniedException",
                status: 400,
                message:
                    `User: arn:aws:sts::${ACCOUNT}:assumed-role/operator/ops is not authorized to perform: ` +
                    `states:StartExecution on resource: ${MACHINE} because no identity-based policy allows the states:StartExecution action`,
                started: [],
            },
        );
        assert.match(
            explainOpsError(error, "backfillFromExport"),
            /^Missing permissions: User: .* states:StartExecution .*\nThe credentials running backfillFromExport need .*states:StartExecution/,
        );
        assert.deepEqual(accessSummary(log).slice(-1), ["  operator: 1 allowed, 1 denied"]);
    });

    it("refuses a key it does not know, as AWS refuses an invalid token", async () => {
        const sfn = client({ accessKeyId: "AKIAUNKNOWN", secretAccessKey: "x" });

        await assert.rejects(sfn.send(new ListExecutionsCommand({ stateMachineArn: MACHINE })), {
            name: "UnrecognizedClientException",
            message: "The security token included in the request is invalid.",
        });
        sfn.destroy();
    });
});
