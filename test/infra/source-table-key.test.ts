import { strict as assert } from "node:assert";
import { findResource, runProgram } from "../../local/program";
import { existingTables, SINGLE_TABLE_DESIGN } from "../helpers/pulumi-mocks";

const SOURCE_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/5f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";

type Statement = { Sid: string; Effect: string; Action: string[]; Resource: string; Condition?: unknown };

/** The adopt stack's program, its existing table described as encrypted with `serverSideEncryption`. */
async function adoptWithEncryption(serverSideEncryption: { enabled: boolean; kmsKeyArn: string }) {
    const described = existingTables({ "orders-single-table": SINGLE_TABLE_DESIGN });
    const run = await runProgram(
        "adopt",
        {},
        {
            invoke: async (token, args) => ({ ...(await described(token, args)), serverSideEncryption }),
        },
    );
    const policy = findResource(run, "aws:iam/rolePolicy:RolePolicy", "changefeed-handler-policy");
    return (JSON.parse(String(policy.inputs.policy)) as { Statement: Statement[] }).Statement;
}

describe("an existing source table encrypted with a KMS key (Pulumi mocks)", function () {
    this.timeout(120_000);

    it("lets the stream handler's role decrypt the stream with the table's key, through DynamoDB only", async () => {
        // Reading a stream of a table encrypted with a customer-managed key needs kms:Decrypt on
        // the key (DynamoDB Developer Guide, "Encryption at rest: How it works"); the AWS CDK grants
        // it in grantStreamRead (aws/aws-cdk#23400).
        const statements = await adoptWithEncryption({ enabled: true, kmsKeyArn: SOURCE_KEY_ARN });

        assert.deepEqual(
            statements.filter((statement) => statement.Resource === SOURCE_KEY_ARN),
            [
                {
                    Sid: "DecryptSourceStream",
                    Effect: "Allow",
                    Action: ["kms:Decrypt"],
                    Resource: SOURCE_KEY_ARN,
                    Condition: { StringEquals: { "kms:ViaService": "dynamodb.us-east-1.amazonaws.com" } },
                },
            ],
        );
    });

    it("grants no key when the table uses DynamoDB's own", async () => {
        const statements = await adoptWithEncryption({ enabled: false, kmsKeyArn: "" });

        assert.ok(
            !statements.some((statement) => statement.Action.some((action) => action.startsWith("kms:"))),
        );
    });
});
