import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    DeleteItemCommand,
    PutItemCommand,
    UpdateItemCommand,
    type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { decodeArchiveObject } from "../../handler/archive";
import { isTombstone, withoutReservedAttributes } from "../../handler/projection-item";
import { startEventSourceMapping } from "../../local/mapping/start-mapping";
import { canonicalItem } from "../../local/compare";
import { scanAll } from "../../local/scan";
import { startLocalStack, type LocalStack } from "../../local/stack";
import { runBackfill } from "../../ops/backfill";
import { explainOpsError } from "../../ops/errors";
import { createHandlerRunner } from "../../ops/handler-runner";
import { REDRIVEN_PREFIX, runRedrive } from "../../ops/redrive";
import { payloadRecords } from "../../stack-access/failure-destination";
import { pulumiStackOutputs, resolveTarget } from "../../ops/target";
import { startFaultProxy } from "../helpers/fault-proxy";
import { opsTargetFor } from "../helpers/local-stack";
import { runOps, runStart, stillRunning } from "../helpers/processes";

type Item = Record<string, AttributeValue>;

const scanSorted = async (stack: LocalStack, table: string): Promise<Item[]> =>
    (await scanAll(stack.clients.dynamodb, table)).sort((a, b) =>
        String(a.id?.S).localeCompare(String(b.id?.S)),
    );

/** The projection as a reader sees it must equal the source, numbers compared by exact value. */
async function assertConverged(stack: LocalStack): Promise<void> {
    const source = (await scanSorted(stack, stack.names.sourceTable)).map(canonicalItem);
    const projection = (await scanSorted(stack, stack.names.projectionTable))
        .filter((item) => !isTombstone(item))
        .map((item) => canonicalItem(withoutReservedAttributes(item)));
    assert.deepEqual(projection, source);
}

async function archivedEventIds(stack: LocalStack): Promise<string[]> {
    const ids: string[] = [];
    const listing = await stack.clients.s3.send(
        new ListObjectsV2Command({ Bucket: stack.names.archiveBucket }),
    );
    for (const object of listing.Contents ?? []) {
        const body = await stack.clients.s3.send(
            new GetObjectCommand({ Bucket: stack.names.archiveBucket, Key: object.Key }),
        );
        ids.push(
            ...decodeArchiveObject(await body.Body!.transformToByteArray()).map((change) =>
                String(change.eventID),
            ),
        );
    }
    return ids;
}

const put = (stack: LocalStack, id: string, extra: Item = {}) =>
    stack.clients.dynamodb.send(
        new PutItemCommand({ TableName: stack.names.sourceTable, Item: { id: { S: id }, ...extra } }),
    );

describe("backfill (on the local stack)", function () {
    this.timeout(120_000);
    let checkpointDirectory: string;
    beforeEach(() => {
        checkpointDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "changefeed-backfill-"));
    });
    afterEach(() => fs.rmSync(checkpointDirectory, { recursive: true, force: true }));

    it("copies pre-existing items while changes flow, converging to the source", async () => {
        // LATEST: the stream carries only what happens after the mapping exists, as on AWS.
        const stack = await startLocalStack({
            stack: "dev",
            configOverrides: { "ddb-changefeed:startingPosition": "LATEST" },
            onFunctionLog: () => undefined,
        });
        try {
            for (let index = 0; index < 300; index++) {
                await put(stack, `item-${String(index).padStart(3, "0")}`, {
                    n: { N: `1234567890123456789012345678901234567${index % 10}` },
                    tags: { SS: ["a", `t${index % 7}`] },
                    blob: { B: Uint8Array.from([index % 256, 1]) },
                });
            }
            const feed = startEventSourceMapping(stack);
            await feed.poller.whenIdle();
            const target = opsTargetFor(stack);

            const [result] = await Promise.all([
                runBackfill({
                    dynamodb: stack.clients.dynamodb,
                    sourceTable: stack.names.sourceTable,
                    region: stack.region,
                    runBatch: createHandlerRunner(target),
                    segments: 4,
                    pageSize: 25,
                    ratePerSecond: 1500,
                    checkpointFile: path.join(checkpointDirectory, "backfill.json"),
                }),
                (async () => {
                    // Changes made while the backfill runs: the stream's versions must win.
                    for (let index = 0; index < 300; index += 6) {
                        const id = `item-${String(index).padStart(3, "0")}`;
                        if (index % 12 === 0) {
                            await stack.clients.dynamodb.send(
                                new DeleteItemCommand({
                                    TableName: stack.names.sourceTable,
                                    Key: { id: { S: id } },
                                }),
                            );
                        } else {
                            await stack.clients.dynamodb.send(
                                new UpdateItemCommand({
                                    TableName: stack.names.sourceTable,
                                    Key: { id: { S: id } },
                                    UpdateExpression: "SET n = :n",
                                    ExpressionAttributeValues: { ":n": { N: "-1" } },
                                }),
                            );
                        }
                        await put(stack, `new-${index}`);
                    }
                })(),
            ]);
            await feed.poller.whenIdle();
            await feed.stop();

            assert.equal(result.complete, true);
            assert.ok(result.items >= 250 && result.items <= 350, `scanned ${result.items} items`);
            await assertConverged(stack);
            const backfilled = (await archivedEventIds(stack)).filter((id) => id.startsWith("backfill:"));
            assert.equal(backfilled.length, result.items, "every backfilled item is archived once");
        } finally {
            await stack.stop();
        }
    });

    it("resumes an interrupted backfill from its checkpoint, without loss or duplicate work", async () => {
        const stack = await startLocalStack({ stack: "dev", onFunctionLog: () => undefined });
        try {
            for (let index = 0; index < 200; index++)
                await put(stack, `item-${String(index).padStart(3, "0")}`);
            const checkpointFile = path.join(checkpointDirectory, "backfill.json");
            const options = {
                dynamodb: stack.clients.dynamodb,
                sourceTable: stack.names.sourceTable,
                region: stack.region,
                runBatch: createHandlerRunner(opsTargetFor(stack)),
                segments: 2,
                pageSize: 10,
                checkpointFile,
            };
            const interrupt = new AbortController();

            const first = await runBackfill({
                ...options,
                signal: interrupt.signal,
                onProgress: (progress) => progress.pages >= 6 && interrupt.abort(),
            });
            const second = await runBackfill(options);

            assert.equal(first.complete, false);
            assert.ok(first.items > 0 && first.items < 200, `the first run did ${first.items} items`);
            assert.equal(second.resumed, true);
            assert.equal(second.complete, true);
            assert.equal(first.items + second.items, 200, "items were scanned twice or skipped");
            assert.equal(second.totalItems, 200);
            await assertConverged(stack);
            const backfilled = (await archivedEventIds(stack)).filter((id) => id.startsWith("backfill:"));
            assert.equal(new Set(backfilled).size, 200);
            assert.equal(backfilled.length, 200, "a page was processed twice");
        } finally {
            await stack.stop();
        }
    });
});

describe("redrive (on the local stack)", function () {
    this.timeout(120_000);

    it("lands a poison record in the projection and the archive once its cause is fixed, and a second run changes nothing", async () => {
        const stack = await startLocalStack({ stack: "dev", onFunctionLog: () => undefined });
        const proxy = await startFaultProxy(stack.dynamodbServer.endpoint, "dynamodb");
        const faulty = stack.createFunction({
            dynamodbEndpoint: proxy.endpoint,
            environment: { AWS_MAX_ATTEMPTS: "1" },
        });
        // The cause: the projection rejects every write of one key (say, a bad IAM condition).
        proxy.setRule((request) =>
            request.target?.endsWith(".PutItem") && request.body.includes('"poison-1"') ? "fail" : "pass",
        );
        const feed = startEventSourceMapping(stack, { handler: faulty });
        const lines: string[] = [];
        const redrive = (dryRun: boolean) =>
            runRedrive({
                s3: stack.clients.s3,
                failureBucket: feed.failureBucket,
                runBatch: createHandlerRunner(opsTargetFor(stack)),
                dryRun,
                log: (line) => lines.push(line),
            });
        try {
            await put(stack, "before");
            await put(stack, "poison-1", { note: { S: "written while the projection refused it" } });
            await put(stack, "after");
            await feed.poller.whenIdle();
            await feed.stop();
            assert.equal(feed.failureObjects.length, 1);
            const projected = async (id: string) =>
                (await scanSorted(stack, stack.names.projectionTable)).find((item) => item.id?.S === id);
            assert.equal(await projected("poison-1"), undefined);
            assert.ok(await projected("after"), "the record after the poison did not land");
            proxy.setRule(() => "pass"); // the cause is fixed

            const dryRun = await redrive(true);
            const afterDryRun = await projected("poison-1");
            const real = await redrive(false);
            const again = await redrive(false);

            assert.deepEqual(
                dryRun.objects.map((object) => object.outcome),
                ["would redrive"],
            );
            assert.equal(afterDryRun, undefined, "--dry-run wrote to the projection");
            assert.deepEqual(
                real.objects.map((object) => [object.outcome, object.records]),
                [["redriven", 1]],
            );
            assert.deepEqual((await projected("poison-1"))?.note, {
                S: "written while the projection refused it",
            });
            await assertConverged(stack);
            const poisonEvent = (
                await stack.clients.s3.send(
                    new ListObjectsV2Command({ Bucket: feed.failureBucket, Prefix: REDRIVEN_PREFIX }),
                )
            ).Contents?.[0];
            const failed = await stack.clients.s3.send(
                new GetObjectCommand({ Bucket: feed.failureBucket, Key: poisonEvent?.Key }),
            );
            const poisonRecord = payloadRecords(await failed.Body!.transformToString())?.[0];
            assert.equal(poisonRecord?.dynamodb?.Keys?.id?.S, "poison-1");
            assert.ok(
                (await archivedEventIds(stack)).includes(String(poisonRecord?.eventID)),
                "the poison change is not archived",
            );
            assert.deepEqual(again.objects, []);
            assert.match(
                lines.join("\n"),
                /Nothing to redrive: s3:\/\/changefeed-failures-dev\/aws\/lambda\/ holds no failed batches\./,
            );
            const moved = await stack.clients.s3.send(
                new ListObjectsV2Command({ Bucket: feed.failureBucket, Prefix: REDRIVEN_PREFIX }),
            );
            assert.equal((moved.Contents ?? []).length, 1);
        } finally {
            await feed.stop();
            await faulty.stop();
            await proxy.stop();
            await stack.stop();
        }
    });

    it("leaves a batch whose records still fail in place and says why", async () => {
        const stack = await startLocalStack({ stack: "dev", onFunctionLog: () => undefined });
        const feed = startEventSourceMapping(stack);
        const lines: string[] = [];
        try {
            // A reserved attribute: the handler refuses this record every time.
            await put(stack, "still-bad", { _cdc_sequence: { S: "mine" } });
            await feed.poller.whenIdle();

            const result = await runRedrive({
                s3: stack.clients.s3,
                failureBucket: feed.failureBucket,
                runBatch: createHandlerRunner(opsTargetFor(stack)),
                dryRun: false,
                log: (line) => lines.push(line),
            });

            assert.deepEqual(
                result.objects.map((object) => object.outcome),
                ["still failing"],
            );
            assert.match(lines.join("\n"), /attribute _cdc_sequence is reserved by the projection/);
            const left = await stack.clients.s3.send(
                new ListObjectsV2Command({ Bucket: feed.failureBucket, Prefix: "aws/lambda/" }),
            );
            assert.equal((left.Contents ?? []).length, 1);
        } finally {
            await feed.stop();
            await stack.stop();
        }
    });
});

describe("npm run backfill and npm run redrive (commands)", function () {
    this.timeout(480_000);

    it("work against a running npm start with --local", async () => {
        const stateDirectory = fs.mkdtempSync(path.join(os.tmpdir(), "changefeed-ops-"));
        const feed = runStart(["--state-dir", stateDirectory, "--fresh"]);
        try {
            // Deploying to the local servers takes seconds on a quiet machine, minutes on a busy one.
            await feed.waitFor(/Ctrl-C stops everything/, 240_000);

            const backfill = await runOps("backfill.ts", [
                "--local",
                "--state-dir",
                stateDirectory,
                "--segments",
                "2",
            ]);
            const dryRun = await runOps("redrive.ts", [
                "--local",
                "--state-dir",
                stateDirectory,
                "--dry-run",
            ]);
            const local = ["--local", "--state-dir", stateDirectory, "--from-export"];
            const exportDryRun = await runOps("backfill.ts", [...local, "--dry-run"]);
            const fromExport = await runOps("backfill.ts", local);
            const again = await runOps("backfill.ts", local);

            assert.equal(backfill.code, 0, backfill.output);
            assert.match(backfill.output, /Backfill complete: 0 items in 2 pages/);
            assert.equal(dryRun.code, 0, dryRun.output);
            assert.match(dryRun.output, /Nothing to redrive/);
            assert.equal(exportDryRun.code, 0, exportDryRun.output);
            assert.match(
                exportDryRun.output,
                /Would export changefeed-source-dev as of now to s3:\/\/changefeed-backfill-exports-dev\/exports\//,
            );
            assert.equal(fromExport.code, 0, fromExport.output);
            assert.match(fromExport.output, /Export completed: 0 items/);
            assert.match(
                fromExport.output,
                /Backfill finished in .*\n {2}execution {3}arn:aws:states:.*\n[\s\S]* {2}files {7}0: 0 applied, 0 failed, 0 not run/,
            );
            assert.equal(again.code, 0, again.output);
            assert.match(again.output, /applied every file of .*; nothing to do\. Pass --restart/);
        } finally {
            feed.kill("SIGINT");
            await feed.exited;
            fs.rmSync(stateDirectory, { recursive: true, force: true });
        }
        assert.deepEqual(stillRunning(feed.descendants), []);
    });

    it("say how to start the local stack when none is running", async () => {
        const run = await runOps("redrive.ts", [
            "--local",
            "--state-dir",
            path.join(os.tmpdir(), "no-such-state"),
        ]);

        assert.equal(run.code, 1);
        assert.match(
            run.output,
            /No local stack "dev" is running .*start it in another terminal with: npm start -- --stack dev/,
        );
    });

    it("name a stack that has no config file", async () => {
        const run = await runOps("backfill.ts", ["--stack", "qa"]);

        assert.equal(run.code, 1);
        assert.match(
            run.output,
            /Stack "qa" has no config file stacks\/Pulumi\.qa\.yaml; known stacks: adopt, dev, prod\./,
        );
    });

    it("name the flags to pass when the Pulumi CLI cannot give the stack's outputs", async () => {
        const saved = process.env.PATH;
        process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), "no-pulumi-"));
        try {
            assert.throws(
                () => pulumiStackOutputs("dev"),
                /The Pulumi CLI is not installed.*--source-table, --projection-table, --archive-bucket, --failure-bucket and --function-name, or use --local/,
            );
        } finally {
            process.env.PATH = saved;
        }
    });

    it("read the names from pulumi stack output --json and the settings from the deployed function", async () => {
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
        fs.writeFileSync(
            path.join(bin, "pulumi"),
            `#!/bin/sh\n[ "$*" = "stack output --json --stack prod" ] || { echo "unexpected: $*" >&2; exit 1; }\n` +
                `echo '{"sourceTableName":"src-1","projectionTableName":"proj-1","archiveBucketName":"arch-1","failureBucketName":"fail-1","functionName":"fn-1"}'\n`,
            { mode: 0o755 },
        );
        const saved = process.env.PATH;
        process.env.PATH = `${bin}:${saved}`;
        try {
            const asked: string[] = [];
            const target = await resolveTarget({
                stack: "prod",
                local: false,
                names: { archiveBucket: "from-flag" },
                functionEnvironment: async (functionName, region) => {
                    asked.push(`${functionName} in ${region}`);
                    return {
                        PROJECTION_TABLE: "proj-1",
                        ARCHIVE_BUCKET: "arch-1",
                        ARCHIVE_PREFIX: "changes/",
                        WRITE_CONCURRENCY: "32",
                        TOMBSTONE_TTL_SECONDS: "1209600",
                        TTL_EXPIRATIONS: "delete",
                        POWERTOOLS_SERVICE_NAME: "changefeed-prod",
                        POWERTOOLS_METRICS_NAMESPACE: "DdbChangefeed",
                    };
                },
            });
            target.close();

            assert.deepEqual(target.names, {
                sourceTable: "src-1",
                projectionTable: "proj-1",
                archiveBucket: "from-flag",
                failureBucket: "fail-1",
            });
            assert.deepEqual(asked, ["fn-1 in us-east-1"]);
            assert.equal(target.settings.projectionTable, "proj-1");
            assert.equal(target.settings.archiveBucket, "from-flag");
            assert.equal(target.settings.writeConcurrency, 32);
        } finally {
            process.env.PATH = saved;
            fs.rmSync(bin, { recursive: true, force: true });
        }
    });

    it("explain a denied permission with what the command needs", () => {
        const denied = Object.assign(
            new Error("User: arn:aws:iam::1:user/ci is not authorized to perform: s3:ListBucket"),
            {
                name: "AccessDenied",
            },
        );

        assert.equal(
            explainOpsError(denied, "redrive"),
            "Missing permissions: User: arn:aws:iam::1:user/ci is not authorized to perform: s3:ListBucket\n" +
                "The credentials running redrive need s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on the " +
                "failure bucket, dynamodb:PutItem on the projection table, s3:PutObject on the archive bucket's prefix, " +
                "and lambda:GetFunctionConfiguration on the stream handler.",
        );
    });
});
