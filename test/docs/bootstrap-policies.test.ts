import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../local/program";
import { policyBlocks, statementProblems, type Statement } from "./iam-statements";
import { OIDC_FEDERATION_KEYS_PAGE, referencePages, serviceExists } from "./service-authorization";

const BOOTSTRAP = path.join(PROJECT_ROOT, "docs", "bootstrap.md");

describe("docs/bootstrap.md's IAM policies, against the Service Authorization Reference", () => {
    const blocks = policyBlocks(fs.readFileSync(BOOTSTRAP, "utf8"));

    it("are found: trust, deploy, preview and key policies", async () => {
        const actions = new Set(
            blocks.flatMap((block) => block.statements.flatMap((s) => [s.Action].flat())),
        );

        for (const action of [
            "sts:AssumeRoleWithWebIdentity",
            "iam:PassRole",
            "lambda:CreateEventSourceMapping",
            "kms:CreateGrant",
            "dynamodb:DescribeTable",
        ]) {
            assert.ok(actions.has(action), `no block grants ${action}`);
        }
    });

    it("grant only actions that exist, on resources of their types, under condition keys they have", async () => {
        const problems: string[] = [];
        for (const block of blocks) {
            for (const [index, statement] of block.statements.entries()) {
                for (const problem of await statementProblems(statement)) {
                    problems.push(
                        `line ${block.line}, ${statement.Sid ?? `statement ${index + 1}`}: ${problem}`,
                    );
                }
            }
        }

        assert.deepEqual(problems, []);
    });
});

describe("the statement check", () => {
    const key = "<kmsKeyArn>";

    it("finds a condition key on an action that does not have it (it would never be allowed)", async () => {
        const statement: Statement = {
            Effect: "Allow",
            Action: ["kms:DescribeKey", "kms:CreateGrant"],
            Resource: key,
            Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
        };

        assert.deepEqual(await statementProblems(statement), [
            `kms:DescribeKey has no condition key kms:GrantIsForAWSResource, so the statement never allows it (see ${referencePages("kms").page})`,
        ]);
    });

    it("checks every action a wildcard grants under a condition", async () => {
        const statement: Statement = {
            Effect: "Allow",
            Action: "kms:GenerateDataKey*",
            Resource: key,
            Condition: { StringEquals: { "kms:DataKeyPairSpec": "RSA_2048" } },
        };

        assert.deepEqual(
            (await statementProblems(statement)).map((problem) => problem.split(" has no")[0]),
            ["kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"],
        );
    });

    it('finds an action without a resource type granted on an ARN rather than "*"', async () => {
        const statement: Statement = {
            Effect: "Allow",
            Action: ["lambda:ListEventSourceMappings", "lambda:GetEventSourceMapping"],
            Resource: "arn:aws:lambda:<region>:<account>:event-source-mapping:*",
        };

        assert.deepEqual(await statementProblems(statement), [
            'lambda:ListEventSourceMappings has no resource type, so only "Resource": "*" grants it, not arn:aws:lambda:<region>:<account>:event-source-mapping:*',
        ]);
    });

    it("finds an ARN of another resource type than the action's", async () => {
        const statement: Statement = {
            Effect: "Allow",
            Action: "s3:DeleteObjectVersion",
            Resource: "arn:aws:s3:::changefeed-*",
        };

        assert.deepEqual(await statementProblems(statement), [
            "s3:DeleteObjectVersion cannot be scoped to arn:aws:s3:::changefeed-*: its resource types are accesspointobject, object",
        ]);
    });

    it("finds an action the reference does not list", async () => {
        assert.deepEqual(
            await statementProblems({ Effect: "Allow", Action: "iam:CreateRoles", Resource: "*" }),
            [
                `iam:CreateRoles is not in the Service Authorization Reference (see ${referencePages("iam").page})`,
            ],
        );
    });

    it("accepts global keys everywhere and an OIDC provider's aud and sub on AssumeRoleWithWebIdentity", async () => {
        const statement: Statement = {
            Effect: "Allow",
            Principal: {
                Federated: "arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com",
            },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: {
                    "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                    "token.actions.githubusercontent.com:sub": "repo:o/r:environment:dev",
                    "aws:SourceIp": "192.0.2.0/24",
                },
            },
        };

        assert.deepEqual(await statementProblems(statement), []);
        assert.match(OIDC_FEDERATION_KEYS_PAGE, /^https:\/\/docs\.aws\.amazon\.com\/IAM\//);
    });

    it("cites each service's reference page and its machine-readable copy", async () => {
        const prefixes = new Set(
            policyBlocks(fs.readFileSync(BOOTSTRAP, "utf8")).flatMap((block) =>
                block.statements.flatMap((statement) =>
                    [statement.Action ?? []].flat().map((action) => action.split(":")[0]!),
                ),
            ),
        );
        // The reference names a service's page after its prefix, except Step Functions' (`states`).
        const pageNames: Record<string, string> = { states: "stepfunctions" };
        for (const prefix of prefixes) {
            assert.ok(await serviceExists(prefix), `the reference has no service ${prefix}`);
            assert.equal(
                referencePages(prefix).page,
                `https://docs.aws.amazon.com/service-authorization/latest/reference/list_${pageNames[prefix] ?? prefix}.html`,
            );
            assert.equal(
                referencePages(prefix).json,
                `https://servicereference.us-east-1.amazonaws.com/v1/${prefix}/${prefix}.json`,
            );
        }
    });
});
