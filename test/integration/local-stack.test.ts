import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { isTombstone } from "../../handler/projection-item";
import { startEventSourceMapping } from "../../local/mapping/start-mapping";
import { checkDemo, writeDemoWorkload } from "../../local/demo";
import { dynamoDBClientConfig } from "../../local/servers/dynamodb-local";
import { findFreePort } from "../../local/servers/free-port";
import { accessSummary } from "../../local/iam/access-log";
import { asRuntimeCall, runtimeCalls } from "../iam/runtime-calls";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { runStart, stillRunning } from "../helpers/processes";

const ORDER_KEY = { partitionKey: { name: "id", type: "S" } } as const;

/** A principal's distinct calls, as the IAM gate saw them, in the form of test/iam/runtime-calls.ts. */
function callsOf(stack: LocalStack, principal: string): { allowed: string[]; denied: string[] } {
    const calls = stack.access!.log.calls().filter((call) => call.principal === principal);
    const distinct = (allowed: boolean) =>
        [
            ...new Set(
                calls
                    .filter((call) => call.allowed === allowed)
                    .map((call) => asRuntimeCall(call.action, call.resource)),
            ),
        ].sort();
    return { allowed: distinct(true), denied: distinct(false) };
}

describe("the local stack's change feed (in process)", function () {
    this.timeout(120_000);

    it("converges the projection with the source and isolates the poison record in the failure destination", async () => {
        const stack = await startLocalStack({ stack: "dev", onFunctionLog: () => undefined });
        const feed = startEventSourceMapping(stack);
        try {
            const workload = await writeDemoWorkload(
                stack.clients.dynamodb,
                stack.names.sourceTable,
                ORDER_KEY,
                60,
            );
            await feed.poller.whenIdle();

            const report = await checkDemo(
                stack.clients,
                { ...stack.names, failureBucket: feed.failureBucket },
                ORDER_KEY,
                workload.poisonKey,
            );

            assert.deepEqual(report.divergences, []);
            assert.equal(report.failedRecords.length, 1);
            assert.equal(feed.poller.progress.seen, workload.changes);
            assert.equal(feed.poller.progress.delivered + feed.poller.progress.failed, workload.changes);
            const [key] = feed.failureObjects;
            assert.match(
                String(key),
                /^aws\/lambda\/changefeed-mapping-dev-uuid\/[^/]+\/\d{4}\/\d{2}\/\d{2}\/\d{4}-\d{2}-\d{2}T\d{2}\.\d{2}\.\d{2}-[0-9a-f-]{36}$/,
            );
            const object = await stack.clients.s3.send(
                new GetObjectCommand({ Bucket: feed.failureBucket, Key: key }),
            );
            const record = JSON.parse(await object.Body!.transformToString()) as Record<
                string,
                Record<string, unknown>
            > & {
                payload: string;
            };
            const invokeCount = Number(record.requestContext?.approximateInvokeCount);
            assert.deepEqual(
                { ...record.requestContext, requestId: "…", approximateInvokeCount: "…" },
                {
                    requestId: "…",
                    functionArn: "arn:aws:lambda:us-east-1:000000000000:function:changefeed-handler-dev",
                    condition: "RetryAttemptsExhausted",
                    approximateInvokeCount: "…",
                },
            );
            // Each bisect step that still held it, then alone: the first attempt and the stack's 3 retries.
            assert.ok(invokeCount >= 4, `invoked ${invokeCount} times`);
            assert.equal(record.version, "1.0");
            // Alone in its batch, the record's failure is a full-batch failure: Powertools throws.
            assert.deepEqual(record.responseContext, {
                statusCode: 200,
                executedVersion: "$LATEST",
                functionError: "Unhandled",
            });
            const batchInfo = record.DDBStreamBatchInfo!;
            const failed = report.failedRecords[0]!;
            assert.equal(batchInfo.batchSize, 1);
            assert.equal(batchInfo.streamArn, stack.sourceStreamArn);
            assert.equal(batchInfo.startSequenceNumber, failed.dynamodb?.SequenceNumber);
            assert.equal(batchInfo.endSequenceNumber, failed.dynamodb?.SequenceNumber);
            assert.deepEqual(JSON.parse(record.payload), { Records: [failed] });
            // IAM was enforced on every call of the function and its mapping, and allowed each one.
            assert.deepEqual(callsOf(stack, stack.roleOf()), {
                allowed: runtimeCalls("handler", "dev"),
                denied: [],
            });
        } finally {
            await feed.stop();
            await stack.stop();
        }
    });

    it("with WriteProjection removed from the handler's policy, denies its writes as AWS would: its records fail with AccessDenied and reach the failure destination", async () => {
        const logs: string[] = [];
        const stack = await startLocalStack({
            stack: "dev",
            onFunctionLog: (line) => logs.push(line),
            amendPolicies: (role, policies) =>
                role !== "changefeed-handler-role-dev"
                    ? policies
                    : policies.map((policy) => ({
                          ...policy,
                          Statement: (policy.Statement as { Sid?: string }[]).filter(
                              (statement) => statement.Sid !== "WriteProjection",
                          ),
                      })),
        });
        const feed = startEventSourceMapping(stack);
        try {
            for (const id of ["a", "b", "c"]) {
                await stack.clients.dynamodb.send(
                    new PutItemCommand({ TableName: stack.names.sourceTable, Item: { id: { S: id } } }),
                );
            }
            await feed.poller.whenIdle();

            const failedKeys: string[] = [];
            for (const key of feed.failureObjects) {
                const object = await stack.clients.s3.send(
                    new GetObjectCommand({ Bucket: feed.failureBucket, Key: key }),
                );
                const payload = JSON.parse(
                    (JSON.parse(await object.Body!.transformToString()) as { payload: string }).payload,
                ) as { Records: { dynamodb: { Keys: { id: { S: string } } } }[] };
                failedKeys.push(...payload.Records.map((record) => record.dynamodb.Keys.id.S));
            }
            assert.deepEqual(failedKeys.sort(), ["a", "b", "c"]);
            assert.equal(feed.poller.progress.failed, 3);
            const denial =
                "AccessDeniedException: User: arn:aws:sts::000000000000:assumed-role/changefeed-handler-role-dev/changefeed-handler-dev " +
                "is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/changefeed-projection-dev " +
                "because no identity-based policy allows the dynamodb:PutItem action";
            assert.ok(
                logs.some((line) => line.includes(denial)),
                `no record failed with the denial:\n${logs.slice(0, 3).join("\n")}`,
            );
            const [total, handlerLine] = accessSummary(stack.access!.log);
            assert.match(String(total), /^IAM: [\d,]+ requests allowed, [1-9][\d,]* denied$/);
            assert.match(
                String(handlerLine),
                /^ {2}changefeed-handler-role-dev: [\d,]+ allowed, [1-9][\d,]* denied$/,
            );
        } finally {
            await feed.stop();
            await stack.stop();
        }
    });

    it("resumes from its checkpoint after a restart of the whole stack, without loss or re-reading", async () => {
        const stateDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "changefeed-restart-"));
        const write = async (
            stack: Awaited<ReturnType<typeof startLocalStack>>,
            from: number,
            to: number,
        ) => {
            for (let index = from; index < to; index++) {
                await stack.clients.dynamodb.send(
                    new PutItemCommand({
                        TableName: stack.names.sourceTable,
                        Item: { id: { S: `item-${index}` }, n: { N: String(index) } },
                    }),
                );
            }
        };
        try {
            const first = await startLocalStack({
                stack: "dev",
                stateDirectory,
                onFunctionLog: () => undefined,
            });
            const firstFeed = startEventSourceMapping(first, { stateDirectory });
            await write(first, 0, 25);
            await firstFeed.poller.whenIdle();
            await firstFeed.stop();
            await write(first, 25, 40); // written while the mapping is down
            await first.stop();

            const second = await startLocalStack({
                stack: "dev",
                stateDirectory,
                onFunctionLog: () => undefined,
            });
            const secondFeed = startEventSourceMapping(second, { stateDirectory });
            try {
                await write(second, 40, 50);
                await secondFeed.poller.whenIdle();

                assert.equal(firstFeed.poller.progress.seen, 25);
                assert.equal(
                    secondFeed.poller.progress.seen,
                    25,
                    "the restarted mapping re-read or skipped records",
                );
                for (let index = 0; index < 50; index++) {
                    const item = await second.clients.dynamodb.send(
                        new GetItemCommand({
                            TableName: second.names.projectionTable,
                            Key: { id: { S: `item-${index}` } },
                        }),
                    );
                    assert.equal(
                        item.Item?.n?.N,
                        String(index),
                        `item-${index} is missing from the projection`,
                    );
                }
                const archived = await second.clients.s3.send(
                    new ListObjectsV2Command({ Bucket: second.names.archiveBucket }),
                );
                assert.ok(
                    (archived.Contents ?? []).length >= 2,
                    "the archive was not kept across the restart",
                );
            } finally {
                await secondFeed.stop();
                await second.stop();
            }
        } finally {
            fs.rmSync(stateDirectory, { recursive: true, force: true });
        }
    });
});

describe("npm start (the command a newcomer runs)", function () {
    this.timeout(180_000);

    it("--demo converges, prints its summary, exits 0 and leaves no process behind", async function () {
        const run = runStart(["--demo"]);

        const { code } = await run.exited;

        assert.equal(code, 0, run.output());
        assert.match(run.output(), /Demo summary/);
        assert.match(run.output(), /failure destination\s+1 objects, 1 records/);
        assert.match(run.output(), /Converged: every change but the poison record is in the projection/);
        assert.match(run.output(), /IAM: [\d,]+ requests allowed, 0 denied\n +changefeed-handler-role-dev: /);
        assert.ok(
            run.descendants.size >= 3,
            `expected the servers and the function's process, saw ${[...run.descendants]}`,
        );
        assert.deepEqual(stillRunning(run.descendants), []);
        const duration = /duration\s+([\d.]+) s/.exec(run.output())?.[1];
        this.test!.title += ` (demo took ${duration} s)`;
    });

    it("--stack prod --demo converges with five batches of the shard in flight at once (parallelizationFactor 5)", async function () {
        const run = runStart(["--stack", "prod", "--demo"]);

        const { code } = await run.exited;

        assert.equal(code, 0, run.output());
        assert.match(run.output(), /mapping +batch 500, window 5 s, .*5 batches per shard at once/);
        assert.doesNotMatch(run.output(), /not emulated +parallelizationFactor/);
        assert.match(run.output(), /Converged: every change but the poison record is in the projection/);
        assert.deepEqual(stillRunning(run.descendants), []);
        const [, invocations, atOnce] =
            /invocations\s+(\d+) \(up to (\d+) at once\)/.exec(run.output()) ?? [];
        this.test!.title += ` (${invocations} invocations, up to ${atOnce} at once)`;
    });

    it("--demo --chaos converges although batches are re-delivered, invocations throttled and timed out, and prints its seed", async function () {
        const run = runStart(["--demo", "--chaos-seed", "7"]);

        const { code } = await run.exited;

        assert.equal(code, 0, run.output());
        assert.match(
            run.output(),
            /chaos +seed 7 \(replay with --chaos-seed 7\): re-delivers 10% of successful batches/,
        );
        assert.match(run.output(), /Converged: every change but the poison record is in the projection/);
        const [, redelivered, throttled, timedOut] =
            /chaos +seed 7: (\d+) batches re-delivered, (\d+) invocations throttled, (\d+) timed out/.exec(
                run.output(),
            ) ?? [];
        assert.ok(
            Number(redelivered) + Number(throttled) + Number(timedOut) > 0,
            `chaos did nothing:\n${run.output()}`,
        );
        assert.match(run.output(), /IAM: [\d,]+ requests allowed, 0 denied/);
        assert.deepEqual(stillRunning(run.descendants), []);
        this.test!.title += ` (${redelivered} re-delivered, ${throttled} throttled, ${timedOut} timed out)`;
    });

    it("runs until Ctrl-C, delivering a write made with the command it prints, then stops everything", async () => {
        const stateDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "changefeed-interactive-"));
        const run = runStart(["--state-dir", stateDirectory, "--fresh"]);
        try {
            const [, endpoint] = await run.waitFor(
                /aws dynamodb put-item --endpoint-url (http:\/\/127\.0\.0\.1:\d+) --table-name changefeed-source-dev/,
            );
            await run.waitFor(/Ctrl-C stops everything/);
            const client = new DynamoDBClient(dynamoDBClientConfig(String(endpoint)));
            await client.send(
                new PutItemCommand({
                    TableName: "changefeed-source-dev",
                    Item: { id: { S: "hello-1" }, greeting: { S: "hi" } },
                }),
            );
            let projected: Record<string, unknown> | undefined;
            for (let attempt = 0; attempt < 100 && !projected; attempt++) {
                await new Promise((resolve) => setTimeout(resolve, 100));
                const item = (
                    await client.send(
                        new GetItemCommand({
                            TableName: "changefeed-projection-dev",
                            Key: { id: { S: "hello-1" } },
                        }),
                    )
                ).Item;
                projected = item && !isTombstone(item) ? item : undefined;
            }
            client.destroy();
            assert.deepEqual((projected as { greeting?: unknown } | undefined)?.greeting, { S: "hi" });
            await run.waitFor(/changes seen 1 · delivered 1 · failed 0 · batches 1/);

            run.kill("SIGINT");
            const { code } = await run.exited;

            assert.equal(code, 0, run.output());
            assert.match(
                run.output(),
                /Stopped the mapping, the function's process, DynamoDB Local and s3rver\./,
            );
            assert.deepEqual(stillRunning(run.descendants), []);
            assert.ok(fs.existsSync(path.join(stateDirectory, "checkpoints.json")), "no checkpoint was kept");
        } finally {
            run.kill("SIGKILL");
            fs.rmSync(stateDirectory, { recursive: true, force: true });
        }
    });

    it("--stack adopt --demo attaches to a table it did not create (pk + sk), converges and exits 0", async function () {
        const run = runStart(["--demo", "--stack", "adopt"]);

        const { code } = await run.exited;

        assert.equal(code, 0, run.output());
        assert.match(run.output(), /created orders-single-table \(pk S \+ sk S, stream NEW_AND_OLD_IMAGES\)/);
        assert.match(
            run.output(),
            /tables +changefeed-orders-projection-adopt, changefeed-customers-projection-adopt\n/,
        );
        assert.match(run.output(), /route orders +\d+ live, \d+ tombstones/);
        assert.match(run.output(), /route customers +\d+ live, \d+ tombstones/);
        assert.match(
            run.output(),
            /filtered at the mapping ([1-9]\d*) of \d+ changes \(\1 needed by no route\)/,
        );
        assert.match(
            run.output(),
            /failure destination\s+1 objects, 1 records \(INSERT \{"sk":\{"S":"order-1000150"\}/,
        );
        assert.match(run.output(), /Converged: every change but the poison record is in the projection/);
        assert.match(run.output(), /the mapping filtered out exactly the changes no route needs/);
        assert.match(
            run.output(),
            /IAM: [\d,]+ requests allowed, 0 denied\n +changefeed-handler-role-adopt: /,
        );
        assert.deepEqual(stillRunning(run.descendants), []);
    });

    it("--stack adopt without the table fails as a deploy to AWS would, naming the table and the command to check it", async () => {
        const stateDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "changefeed-adopt-"));
        try {
            const run = runStart(["--stack", "adopt", "--state-dir", stateDirectory]);

            const { code } = await run.exited;

            assert.equal(code, 1, run.output());
            assert.match(
                run.output(),
                /npm start failed: Source table "orders-single-table" could not be read in us-east-1: reading DynamoDB Table \(orders-single-table\): couldn't find resource\nCheck the name and region \(aws dynamodb describe-table --region us-east-1 --table-name orders-single-table\)/,
            );
            assert.deepEqual(stillRunning(run.descendants), []);
        } finally {
            fs.rmSync(stateDirectory, { recursive: true, force: true });
        }
    });

    it("names a stack that has no config file, and the stacks there are", async () => {
        const run = runStart(["--demo", "--stack", "staging"]);

        const { code } = await run.exited;

        assert.equal(code, 1);
        assert.match(
            run.output(),
            /Stack "staging" has no config file stacks\/Pulumi\.staging\.yaml; known stacks: adopt, dev, prod\./,
        );
    });

    it("names a chaos seed it cannot use, and what it allows", async () => {
        const run = runStart(["--demo", "--chaos-seed", "seven"]);

        const { code } = await run.exited;

        assert.equal(code, 1);
        assert.match(run.output(), /--chaos-seed is "seven"; allowed: a whole number from 0 to 4294967295\./);
    });

    it("names a port that is in use, and stops the server it had already started", async () => {
        const port = await findFreePort();
        const blocker = net.createServer();
        await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
        try {
            const run = runStart(["--demo", "--dynamodb-port", String(port)]);

            const { code } = await run.exited;

            assert.equal(code, 1);
            assert.match(run.output(), new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use`));
            assert.deepEqual(stillRunning(run.descendants), []);
        } finally {
            blocker.close();
        }
    });

    it("says how to install Java when it is missing", async () => {
        const emptyPath = fs.mkdtempSync(path.join(os.tmpdir(), "no-java-"));
        try {
            const run = runStart(["--demo"], { ...process.env, PATH: emptyPath, JAVA_HOME: "" });

            const { code } = await run.exited;

            assert.equal(code, 1);
            assert.match(
                run.output(),
                /Install Java 17 or newer: on Debian\/Ubuntu `apt-get install -y openjdk-17-jdk-headless`/,
            );
            assert.deepEqual(stillRunning(run.descendants), []);
        } finally {
            fs.rmSync(emptyPath, { recursive: true, force: true });
        }
    });
});
