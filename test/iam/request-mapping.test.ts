import { strict as assert } from "node:assert";
import { dynamodbAuthorizations } from "../../local/iam/dynamodb-request";
import type { ServiceRequest } from "../../local/iam/mapped-request";
import { s3Authorizations } from "../../local/iam/s3-request";
import { statesAuthorizations } from "../../local/iam/states-request";

const SCOPE = { region: "us-east-1", accountId: "000000000000" };
const TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table";

function dynamodbRequest(operation: string, body: unknown, service = "DynamoDB_20120810"): ServiceRequest {
    return {
        method: "POST",
        url: "/",
        headers: { "x-amz-target": `${service}.${operation}` },
        body: Buffer.from(JSON.stringify(body)),
    };
}

function s3Request(
    method: string,
    url: string,
    headers: Record<string, string> = {},
    body = "",
): ServiceRequest {
    return { method, url, headers, body: Buffer.from(body) };
}

describe("a DynamoDB request, as the IAM authorizations it needs", () => {
    const asDeclared = (arn: string) => arn.replace(/stream\/.*$/, "stream/local");

    it("names the operation's action and the table in its body", () => {
        const request = dynamodbRequest("PutItem", {
            TableName: "orders",
            Item: { id: { S: "o-1" }, total: { N: "3" } },
        });

        assert.deepEqual(dynamodbAuthorizations(request, SCOPE, asDeclared), [
            {
                action: "dynamodb:PutItem",
                arn: `${TABLE}/orders`,
                context: { "dynamodb:Attributes": ["id", "total"] },
            },
        ]);
    });

    it("needs one authorization per table of a batch, and per item kind of a transaction", () => {
        const batch = dynamodbRequest("BatchWriteItem", {
            RequestItems: {
                a: [{ PutRequest: { Item: { id: { S: "1" } } } }],
                b: [{ DeleteRequest: { Key: { id: { S: "2" } } } }],
            },
        });
        const transaction = dynamodbRequest("TransactWriteItems", {
            TransactItems: [
                { Put: { TableName: "a", Item: {} } },
                { ConditionCheck: { TableName: "b", Key: {} } },
            ],
        });

        assert.deepEqual(
            dynamodbAuthorizations(batch, SCOPE, asDeclared).map(({ action, arn }) => `${action} ${arn}`),
            [`dynamodb:BatchWriteItem ${TABLE}/a`, `dynamodb:BatchWriteItem ${TABLE}/b`],
        );
        assert.deepEqual(
            dynamodbAuthorizations(transaction, SCOPE, asDeclared).map(
                ({ action, arn }) => `${action} ${arn}`,
            ),
            [`dynamodb:PutItem ${TABLE}/a`, `dynamodb:ConditionCheckItem ${TABLE}/b`],
        );
    });

    it("names a Streams operation's stream as the program declared it, also when only a shard iterator names it", () => {
        const local = "arn:aws:dynamodb:ddblocal:000000000000:table/source/stream/2026-12-06T12:00:00.000";
        const describe = dynamodbRequest("DescribeStream", { StreamArn: local }, "DynamoDBStreams_20120810");
        const records = dynamodbRequest(
            "GetRecords",
            { ShardIterator: `000|${local}|shardId-1|AAAA` },
            "DynamoDBStreams_20120810",
        );
        const translate = (arn: string) => (arn === local ? `${TABLE}/source/stream/local` : arn);

        assert.deepEqual(
            [
                ...dynamodbAuthorizations(describe, SCOPE, translate),
                ...dynamodbAuthorizations(records, SCOPE, translate),
            ],
            [
                { action: "dynamodb:DescribeStream", arn: `${TABLE}/source/stream/local`, context: {} },
                { action: "dynamodb:GetRecords", arn: `${TABLE}/source/stream/local`, context: {} },
            ],
        );
    });

    it('names "*" for an operation on no table', () => {
        assert.deepEqual(dynamodbAuthorizations(dynamodbRequest("ListTables", {}), SCOPE, asDeclared), [
            { action: "dynamodb:ListTables", arn: "*", context: {} },
        ]);
    });
});

describe("an export request, as the IAM authorizations it needs", () => {
    const EXPORT = `${TABLE}/source/export/01700000000000-abcd1234`;
    const authorizations = (operation: string, body: unknown) =>
        dynamodbAuthorizations(dynamodbRequest(operation, body), SCOPE, (arn) => arn).map(
            ({ action, arn }) => `${action} ${arn}`,
        );

    it("needs ExportTableToPointInTime on the table, and the S3 writes DynamoDB makes as the caller on the destination", () => {
        assert.deepEqual(
            authorizations("ExportTableToPointInTime", {
                TableArn: `${TABLE}/source`,
                S3Bucket: "backfill",
                S3Prefix: "exports",
                ExportFormat: "DYNAMODB_JSON",
            }),
            [
                `dynamodb:ExportTableToPointInTime ${TABLE}/source`,
                "s3:PutObject arn:aws:s3:::backfill/exports/AWSDynamoDB/",
                "s3:PutObjectAcl arn:aws:s3:::backfill/exports/AWSDynamoDB/",
                "s3:AbortMultipartUpload arn:aws:s3:::backfill/exports/AWSDynamoDB/",
            ],
        );
    });

    it("names a table or export ARN DynamoDB Local handed out in the stack's region", () => {
        assert.deepEqual(
            authorizations("DescribeExport", {
                ExportArn: "arn:aws:dynamodb:ddblocal:000000000000:table/source/export/1-a",
            }),
            [`dynamodb:DescribeExport ${TABLE}/source/export/1-a`],
        );
    });

    it("names the export for DescribeExport and the table for DescribeContinuousBackups", () => {
        assert.deepEqual(
            [
                ...authorizations("DescribeExport", { ExportArn: EXPORT }),
                ...authorizations("DescribeContinuousBackups", { TableName: "source" }),
            ],
            [`dynamodb:DescribeExport ${EXPORT}`, `dynamodb:DescribeContinuousBackups ${TABLE}/source`],
        );
    });
});

describe("a Step Functions request, as the IAM authorization it needs", () => {
    const STATES = "arn:aws:states:us-east-1:000000000000";
    const MACHINE = `${STATES}:stateMachine:backfill`;
    const EXECUTION = `${STATES}:execution:backfill:run-1`;
    const MAP_RUN = `${STATES}:mapRun:backfill/DataFiles:0d6c`;
    const authorization = (operation: string, body: unknown) =>
        statesAuthorizations(dynamodbRequest(operation, body, "AWSStepFunctions"));

    for (const [operation, body, arn] of [
        ["StartExecution", { stateMachineArn: MACHINE, input: "{}" }, MACHINE],
        ["ListExecutions", { stateMachineArn: MACHINE, statusFilter: "RUNNING" }, MACHINE],
        ["DescribeExecution", { executionArn: EXECUTION }, EXECUTION],
        ["RedriveExecution", { executionArn: EXECUTION }, EXECUTION],
        ["ListMapRuns", { executionArn: EXECUTION }, EXECUTION],
        ["DescribeMapRun", { mapRunArn: MAP_RUN }, MAP_RUN],
    ] as const) {
        it(`needs states:${operation} on ${arn.split(":")[5]}`, () => {
            assert.deepEqual(authorization(operation, body), [
                { action: `states:${operation}`, arn, context: {} },
            ]);
        });
    }
});

describe("an S3 request, as the IAM authorizations it needs", () => {
    const summary = (request: ServiceRequest) =>
        s3Authorizations(request).map(({ action, arn }) => `${action} ${arn}`);

    it("maps object operations by method and subresource", () => {
        assert.deepEqual(
            [
                s3Request("GET", "/archive/changes/a%20b.json"),
                s3Request("HEAD", "/archive/changes/a"),
                s3Request("PUT", "/archive/changes/a"),
                s3Request("DELETE", "/archive/changes/a"),
                s3Request("POST", "/archive/big?uploads"),
                s3Request("PUT", "/archive/big?partNumber=1&uploadId=u"),
                s3Request("DELETE", "/archive/big?uploadId=u"),
                s3Request("GET", "/archive/big?uploadId=u"),
                s3Request("GET", "/archive/a?versionId=v"),
            ].flatMap(summary),
            [
                "s3:GetObject arn:aws:s3:::archive/changes/a b.json",
                "s3:GetObject arn:aws:s3:::archive/changes/a",
                "s3:PutObject arn:aws:s3:::archive/changes/a",
                "s3:DeleteObject arn:aws:s3:::archive/changes/a",
                "s3:PutObject arn:aws:s3:::archive/big",
                "s3:PutObject arn:aws:s3:::archive/big",
                "s3:AbortMultipartUpload arn:aws:s3:::archive/big",
                "s3:ListMultipartUploadParts arn:aws:s3:::archive/big",
                "s3:GetObjectVersion arn:aws:s3:::archive/a",
            ],
        );
    });

    it("maps bucket operations, with a listing's prefix as s3:prefix", () => {
        assert.deepEqual(s3Authorizations(s3Request("GET", "/failures?list-type=2&prefix=aws%2Flambda%2F")), [
            {
                action: "s3:ListBucket",
                arn: "arn:aws:s3:::failures",
                context: { "s3:prefix": "aws/lambda/" },
            },
        ]);
        assert.deepEqual(
            [
                s3Request("HEAD", "/failures"),
                s3Request("PUT", "/failures"),
                s3Request("GET", "/failures?versioning"),
                s3Request("GET", "/"),
            ].flatMap(summary),
            [
                "s3:ListBucket arn:aws:s3:::failures",
                "s3:CreateBucket arn:aws:s3:::failures",
                "s3:GetBucketVersioning arn:aws:s3:::failures",
                "s3:ListAllMyBuckets *",
            ],
        );
    });

    it("needs GetObject on a copy's source, and DeleteObject on each key of a multi-object delete", () => {
        const copy = s3Request("PUT", "/failures/b", { "x-amz-copy-source": "/failures/a" });
        const deletion = s3Request(
            "POST",
            "/failures?delete",
            {},
            "<Delete><Object><Key>x</Key></Object><Object><Key>y&amp;z</Key></Object></Delete>",
        );

        assert.deepEqual(
            [...summary(copy), ...summary(deletion)],
            [
                "s3:PutObject arn:aws:s3:::failures/b",
                "s3:GetObject arn:aws:s3:::failures/a",
                "s3:DeleteObject arn:aws:s3:::failures/x",
                "s3:DeleteObject arn:aws:s3:::failures/y&z",
            ],
        );
    });
});
