import { strict as assert } from "node:assert";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { accessSummary, createAccessLog } from "../../local/iam/access-log";
import { startAccessGate, type AccessGate } from "../../local/iam/access-gate";
import { evaluatePolicies } from "../../local/iam/evaluator";
import { credentialsOf, principalForRole } from "../../local/iam/principals";

const ACCOUNT = "000000000000";
const PROJECTION = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/projection`;
const handler = principalForRole(
    {
        name: "handler-role",
        sessionName: "handler",
        policies: [
            {
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: "dynamodb:PutItem", Resource: PROJECTION },
                    { Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::archive/changes/*" },
                ],
            },
        ],
    },
    ACCOUNT,
);
const TLS_ONLY = {
    Version: "2012-10-17",
    Statement: [
        {
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: ["arn:aws:s3:::archive", "arn:aws:s3:::archive/*"],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
    ],
};

describe("the IAM gate in front of a local server", () => {
    let upstream: http.Server;
    let upstreamRequests: string[];
    const gates: AccessGate[] = [];
    const log = createAccessLog();

    before(async () => {
        upstreamRequests = [];
        upstream = http.createServer((request, response) => {
            upstreamRequests.push(
                `${request.method} ${request.url} ${request.headers.authorization?.split(" ")[1] ?? ""}`,
            );
            request.resume();
            request.on("end", () => {
                const isJson = request.headers["x-amz-target"] !== undefined;
                response.writeHead(200, {
                    "content-type": isJson ? "application/x-amz-json-1.0" : "application/xml",
                });
                response.end(isJson ? "{}" : "");
            });
        });
        await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    });

    after(async () => {
        await Promise.all(gates.map((gate) => gate.stop()));
        upstream.closeAllConnections();
        await new Promise((resolve) => upstream.close(resolve));
    });

    async function gate(service: "dynamodb" | "s3"): Promise<AccessGate> {
        const started = await startAccessGate({
            target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
            service,
            scope: { region: "us-east-1", accountId: ACCOUNT },
            principals: [handler],
            resourcePolicies: new Map([["archive", TLS_ONLY]]),
            evaluate: evaluatePolicies,
            log,
            serverAccessKeyId: "S3RVER",
        });
        gates.push(started);
        return started;
    }

    it("lets a request its role's policy allows through to the server", async () => {
        const { endpoint } = await gate("dynamodb");
        const client = new DynamoDBClient({
            endpoint,
            region: "us-east-1",
            credentials: credentialsOf(handler),
        });

        await client.send(new PutItemCommand({ TableName: "projection", Item: { id: { S: "1" } } }));

        client.destroy();
        assert.ok(upstreamRequests.some((request) => request.startsWith("POST / Credential=ASIA")));
    });

    it("denies a request for a table the role does not name, with DynamoDB's AccessDeniedException and message", async () => {
        const { endpoint } = await gate("dynamodb");
        const client = new DynamoDBClient({
            endpoint,
            region: "us-east-1",
            credentials: credentialsOf(handler),
        });

        const error = await client
            .send(new PutItemCommand({ TableName: "source", Item: { id: { S: "1" } } }))
            .then(
                () => undefined,
                (caught: Error & { $metadata?: { httpStatusCode?: number } }) => caught,
            );

        client.destroy();
        assert.equal(error?.name, "AccessDeniedException");
        assert.equal(error?.$metadata?.httpStatusCode, 400);
        assert.equal(
            error?.message,
            `User: arn:aws:sts::${ACCOUNT}:assumed-role/handler-role/handler is not authorized to perform: ` +
                `dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/source ` +
                "because no identity-based policy allows the dynamodb:PutItem action",
        );
    });

    it("answers S3 as S3 does: 403 AccessDenied for what the policy does not allow; forwards the rest with the server's key", async () => {
        const { endpoint } = await gate("s3");
        const client = new S3Client({
            endpoint,
            region: "us-east-1",
            forcePathStyle: true,
            credentials: credentialsOf(handler),
        });

        await client.send(new PutObjectCommand({ Bucket: "archive", Key: "changes/a", Body: "x" }));
        const error = await client.send(new GetObjectCommand({ Bucket: "archive", Key: "changes/a" })).then(
            () => undefined,
            (caught: Error & { $metadata?: { httpStatusCode?: number } }) => caught,
        );

        client.destroy();
        assert.ok(
            upstreamRequests.some((request) =>
                /^PUT \/archive\/changes\/a\S* Credential=S3RVER\//.test(request),
            ),
            upstreamRequests.join("\n"),
        );
        assert.equal(error?.name, "AccessDenied");
        assert.equal(error?.message, "Access Denied");
        assert.equal(error?.$metadata?.httpStatusCode, 403);
    });

    it("refuses a key it does not know, as AWS refuses an invalid security token", async () => {
        const { endpoint } = await gate("dynamodb");
        const client = new DynamoDBClient({
            endpoint,
            region: "us-east-1",
            credentials: { accessKeyId: "AKIDUNKNOWN", secretAccessKey: "x" },
        });

        const error = await client
            .send(new PutItemCommand({ TableName: "projection", Item: { id: { S: "1" } } }))
            .then(
                () => undefined,
                (caught: Error) => caught,
            );

        client.destroy();
        assert.equal(error?.name, "UnrecognizedClientException");
    });

    it("counts what it allowed and denied per principal", () => {
        assert.deepEqual(accessSummary(log), [
            "IAM: 2 requests allowed, 3 denied",
            "  handler-role: 2 allowed, 2 denied",
            "  AKIDUNKNOWN: 0 allowed, 1 denied",
        ]);
    });
});

describe("the policy evaluator", () => {
    const request = {
        principalArn: handler.arn,
        accountId: ACCOUNT,
        identityPolicies: handler.identityPolicies,
        context: {},
    };

    it("lets a bucket's TLS-only deny refuse a plain-HTTP request, and allow one over TLS", async () => {
        const object = {
            action: "s3:PutObject",
            resource: "arn:aws:s3:::archive/changes/a",
            resourcePolicy: TLS_ONLY,
        };

        assert.deepEqual(
            await evaluatePolicies({ ...request, ...object, context: { "aws:SecureTransport": "true" } }),
            {
                allowed: true,
            },
        );
        assert.deepEqual(
            await evaluatePolicies({ ...request, ...object, context: { "aws:SecureTransport": "false" } }),
            {
                allowed: false,
                reason: "with an explicit deny in a resource-based policy",
            },
        );
    });

    it("refuses a request IAM could not evaluate: an ARN of another resource type than the action's", async () => {
        await assert.rejects(
            evaluatePolicies({ ...request, action: "dynamodb:PutItem", resource: "arn:aws:s3:::archive" }),
            /IAM cannot evaluate dynamodb:PutItem on arn:aws:s3:::archive/,
        );
    });
});
