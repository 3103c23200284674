import { strict as assert } from "node:assert";
import { gzipSync } from "node:zlib";
import {
    BatchWriteItemCommand,
    DeleteItemCommand,
    DescribeExportCommand,
    DescribeTableCommand,
    DynamoDBClient,
    ExportTableToPointInTimeCommand,
    PutItemCommand,
    UpdateItemCommand,
    type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import { decodeArchiveObject } from "../../handler/archive";
import { isTombstone, withoutReservedAttributes } from "../../handler/projection-item";
import { canonicalItem } from "../../local/compare";
import { startExportBackfill, type RunningExportBackfill } from "../../local/export/start-export-backfill";
import { startEventSourceMapping, type RunningMapping } from "../../local/mapping/start-mapping";
import { credentialsOf } from "../../local/iam/principals";
import { asRuntimeCall, runtimeCalls } from "../iam/runtime-calls";
import { scanAll } from "../../local/scan";
import { s3ClientConfig } from "../../local/servers/s3rver";
import { listKeys } from "../../stack-access/s3-keys";
import { startLocalStack, type LocalStack } from "../../local/stack";
import {
    runExportBackfill,
    type ExportBackfillClients,
    type ExportBackfillTarget,
} from "../../ops/export-backfill";
import { manifestFilesKeyOf, parseManifestFiles } from "../../ops/export-manifest";

type Item = Record<string, AttributeValue>;

const ITEMS = 3_000;
const ITEMS_PER_FILE = 150;
const id = (index: number) => `item-${String(index).padStart(5, "0")}`;

describe("backfill from a point-in-time export (on the local stack)", function () {
    this.timeout(600_000);
    let stack: LocalStack;
    let feed: RunningMapping;
    let backfill: RunningExportBackfill;
    let clients: ExportBackfillClients;
    let target: ExportBackfillTarget;
    const log: string[] = [];

    before(async () => {
        // LATEST: the stream carries only what happens after the mapping exists, as on AWS.
        stack = await startLocalStack({
            stack: "dev",
            configOverrides: { "ddb-changefeed:startingPosition": "LATEST" },
            onFunctionLog: () => undefined,
        });
        await writeItems(stack, ITEMS);
        feed = startEventSourceMapping(stack);
        // Enabled before anything changes, as `pulumi up` leaves a mapping: it has recorded where
        // LATEST is, so every change made from here on reaches the projection.
        await feed.poller.whenIdle();
        backfill = (await startExportBackfill(stack, {
            itemsPerFile: ITEMS_PER_FILE,
            onFunctionLog: () => undefined,
        }))!;
        // As `npm run backfill -- --local --from-export` runs: the operator's key, through the IAM gates.
        const credentials = credentialsOf(stack.access!.operator);
        const local = { endpoint: backfill.endpoint, region: stack.region, credentials };
        clients = {
            dynamodb: new DynamoDBClient(local),
            sfn: new SFNClient(local),
            s3: new S3Client({ ...s3ClientConfig(stack.access!.endpoints.s3), credentials }),
        };
        const table = await stack.clients.dynamodb.send(
            new DescribeTableCommand({ TableName: stack.names.sourceTable }),
        );
        target = {
            description: "in-process local stack",
            sourceTable: stack.names.sourceTable,
            sourceTableArn: String(table.Table?.TableArn),
            bucket: backfill.bucket,
            stateMachineArn: backfill.stateMachineArn,
            executionLink: (arn) => arn,
        };
    });

    after(async () => {
        await feed?.stop();
        await backfill?.stop();
        clients?.dynamodb.destroy();
        clients?.sfn.destroy();
        clients?.s3.destroy();
        await stack?.stop();
    });

    it("converges the projection to the source while changes flow; changed and deleted items keep their newer state", async function () {
        const [outcome] = await Promise.all([
            runExportBackfill(clients, target, { log: (line) => log.push(line), pollMs: 200 }),
            changeWhileBackfilling(stack),
        ]);
        await feed.poller.whenIdle();

        assert.equal(outcome.kind, "ran");
        if (outcome.kind !== "ran") return;
        assert.equal(outcome.status, "SUCCEEDED", log.join("\n"));
        assert.deepEqual(outcome.summary.files, {
            total: ITEMS / ITEMS_PER_FILE,
            succeeded: ITEMS / ITEMS_PER_FILE,
            failed: 0,
            notRun: 0,
        });
        assert.equal(outcome.summary.applied + outcome.summary.stale, outcome.summary.items);
        await assertConverged(stack);
        const exportId = exportIdOfRun(backfill, outcome.executionArn);
        const archived = (await archivedEventIds(stack)).filter((eventId) =>
            eventId.startsWith(`export:${exportId}:`),
        );
        assert.equal(new Set(archived).size, archived.length, "an item was archived twice");
        assert.equal(archived.length, outcome.summary.items);
        const callsOf = (principal: string) =>
            [
                ...new Set(
                    stack
                        .access!.log.calls()
                        .filter((call) => call.principal === principal && call.allowed)
                        .map((call) => asRuntimeCall(call.action, call.resource)),
                ),
            ].sort();
        assert.deepEqual(
            stack.access!.log.calls().filter((call) => !call.allowed),
            [],
            "the operator, the state machine or the backfill function was denied a call",
        );
        assert.deepEqual(
            callsOf(stack.roleOf("changefeed-backfill-function")),
            runtimeCalls("backfillFunction", "dev"),
        );
        assert.deepEqual(
            callsOf("changefeed-backfill-state-machine-role-dev"),
            runtimeCalls("stateMachine", "dev"),
        );
        assert.deepEqual(callsOf(stack.access!.operator.name), runtimeCalls("operator", "dev"));

        const rates = fileRates(backfill, outcome.executionArn);
        this.test!.title += ` (${outcome.summary.items} items, ${outcome.summary.files.total} files: ${Math.round(outcome.summary.items / mapSeconds(backfill, outcome.executionArn))} items/s for the map at MaxConcurrency ${backfill.maxConcurrency}, ${Math.round(rates.median)} items/s per file applier)`;
    });

    it("reports a data file that fails, and a re-run redrives only that file; nothing lands twice", async () => {
        const exported = await exportNow(clients, target);
        const manifestKey = manifestFilesKeyOf(String(exported.ExportManifest));
        const files = parseManifestFiles(await read(stack, backfill.bucket, manifestKey));
        // The last file, so every other one has started by the time it fails.
        const broken = files[files.length - 1]!.dataFileS3Key;
        const original = Buffer.from(await readBytes(stack, backfill.bucket, broken));
        await write(
            stack,
            backfill.bucket,
            broken,
            gzipSync('{"Item":{"id":{"X":"not a DynamoDB type"}}}\n'),
        );

        const failed = await runExportBackfill(clients, target, {
            exportArn: String(exported.ExportArn),
            restart: true,
            log: () => undefined,
            pollMs: 200,
        });
        await write(stack, backfill.bucket, broken, original);
        const redriven = await runExportBackfill(clients, target, {
            exportArn: String(exported.ExportArn),
            log: () => undefined,
            pollMs: 200,
        });
        const again = await runExportBackfill(clients, target, {
            exportArn: String(exported.ExportArn),
            log: () => undefined,
        });

        assert.ok(failed.kind === "ran" && redriven.kind === "ran");
        assert.equal(failed.status, "FAILED");
        assert.deepEqual(
            {
                files: failed.summary.files,
                failures: failed.summary.failures.map((failure) => [failure.dataFileS3Key, failure.error]),
            },
            {
                files: { total: files.length, succeeded: files.length - 1, failed: 1, notRun: 0 },
                failures: [[broken, "ExportFileError"]],
            },
        );
        assert.match(failed.summary.failures[0]!.cause, /line 1: attribute id has the unknown type \\"X\\"/);
        assert.equal(redriven.how, "redrive");
        assert.equal(redriven.status, "SUCCEEDED");
        const run = backfill.runner.describe(redriven.executionArn)!.mapRun!;
        const rerun = run.items.filter(
            (item) => item.startDate && run.redriveDate && item.startDate >= run.redriveDate,
        );
        assert.deepEqual(
            rerun.map((item) => (item.input as { file: { dataFileS3Key: string } }).file.dataFileS3Key),
            [broken],
        );
        assert.equal(redriven.summary.files.succeeded, files.length);
        const operatorCalls = stack
            .access!.log.calls()
            .filter((call) => call.principal === stack.access!.operator.name && call.allowed)
            .map((call) => asRuntimeCall(call.action, call.resource));
        assert.deepEqual(
            runtimeCalls("operatorRedrive", "dev").filter((call) => !operatorCalls.includes(call)),
            [],
        );
        assert.equal(again.kind, "already-complete");
        await feed.poller.whenIdle();
        await assertConverged(stack);
        const exportId = String(exported.ExportArn).slice(String(exported.ExportArn).lastIndexOf("/") + 1);
        const archived = (await archivedEventIds(stack)).filter((eventId) =>
            eventId.startsWith(`export:${exportId}:`),
        );
        assert.equal(new Set(archived).size, archived.length, "an item was archived twice");
    });

    it("refuses to start while an execution of the feed is running", async () => {
        const exported = await exportNow(clients, target);
        const running = backfill.runner.start({
            manifestFilesKey: manifestFilesKeyOf(String(exported.ExportManifest)),
            export: {
                exportArn: exported.ExportArn,
                exportTime: new Date().toISOString(),
                tableArn: target.sourceTableArn,
            },
        });

        await assert.rejects(runExportBackfill(clients, target, { log: () => undefined }), (error: Error) => {
            assert.equal(error.name, "ExecutionAlreadyRunning");
            assert.match(
                error.message,
                new RegExp(`already running for this feed: ${running.executionArn.replace(/[$]/g, "\\$")}`),
            );
            return true;
        });
        await running.done;
    });
});

async function writeItems(stack: LocalStack, count: number): Promise<void> {
    const batches: Item[][] = [];
    for (let index = 0; index < count; index += 25) {
        batches.push(
            Array.from({ length: Math.min(25, count - index) }, (_, offset) => ({
                id: { S: id(index + offset) },
                n: { N: `1234567890123456789012345678901234567${(index + offset) % 10}` },
                tags: { SS: ["a", `t${(index + offset) % 7}`] },
                blob: { B: Uint8Array.from([(index + offset) % 256, 1]) },
                version: { N: "1" },
            })),
        );
    }
    const worker = async () => {
        for (let batch = batches.shift(); batch; batch = batches.shift()) {
            let requests: Record<string, { PutRequest: { Item: Item } }[]> | undefined = {
                [stack.names.sourceTable]: batch.map((item) => ({ PutRequest: { Item: item } })),
            };
            while (requests && Object.keys(requests).length > 0) {
                const result = await stack.clients.dynamodb.send(
                    new BatchWriteItemCommand({ RequestItems: requests }),
                );
                requests = result.UnprocessedItems as typeof requests;
            }
        }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
}

/** Changes made while the export and the map run: the stream's versions must win. */
async function changeWhileBackfilling(stack: LocalStack): Promise<void> {
    for (let index = 0; index < ITEMS; index += 53) {
        const Key = { id: { S: id(index) } };
        if (index % 2 === 0) {
            await stack.clients.dynamodb.send(
                new DeleteItemCommand({ TableName: stack.names.sourceTable, Key }),
            );
        } else {
            await stack.clients.dynamodb.send(
                new UpdateItemCommand({
                    TableName: stack.names.sourceTable,
                    Key,
                    UpdateExpression: "SET version = :v",
                    ExpressionAttributeValues: { ":v": { N: "2" } },
                }),
            );
        }
        await stack.clients.dynamodb.send(
            new PutItemCommand({ TableName: stack.names.sourceTable, Item: { id: { S: `new-${index}` } } }),
        );
    }
}

async function exportNow(clients: ExportBackfillClients, target: ExportBackfillTarget) {
    const started = await clients.dynamodb.send(
        new ExportTableToPointInTimeCommand({
            TableArn: target.sourceTableArn,
            S3Bucket: target.bucket,
            S3Prefix: "exports",
            ExportFormat: "DYNAMODB_JSON",
        }),
    );
    for (;;) {
        const description = (
            await clients.dynamodb.send(
                new DescribeExportCommand({ ExportArn: started.ExportDescription?.ExportArn }),
            )
        ).ExportDescription!;
        if (description.ExportStatus !== "IN_PROGRESS") return description;
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

/** The projection as a reader sees it must equal the source, numbers compared by exact value. */
async function assertConverged(stack: LocalStack): Promise<void> {
    const sorted = async (table: string) =>
        (await scanAll(stack.clients.dynamodb, table)).sort((a, b) =>
            String(a.id?.S).localeCompare(String(b.id?.S)),
        );
    const source = (await sorted(stack.names.sourceTable)).map(canonicalItem);
    const projection = (await sorted(stack.names.projectionTable))
        .filter((item) => !isTombstone(item))
        .map((item) => canonicalItem(withoutReservedAttributes(item)));
    assert.equal(
        projection.length,
        source.length,
        "the projection has another number of live items than the source",
    );
    assert.deepEqual(projection, source);
}

async function archivedEventIds(stack: LocalStack): Promise<string[]> {
    const ids: string[] = [];
    for (const key of await listKeys(stack.clients.s3, stack.names.archiveBucket)) {
        ids.push(
            ...decodeArchiveObject(await readBytes(stack, stack.names.archiveBucket, key)).map((change) =>
                String(change.eventID),
            ),
        );
    }
    return ids;
}

function exportIdOfRun(backfill: RunningExportBackfill, executionArn: string): string {
    const input = backfill.runner.describe(executionArn)!.input as { export: { exportArn: string } };
    return input.export.exportArn.slice(input.export.exportArn.lastIndexOf("/") + 1);
}

/** Seconds from the map's first child start to its last child stop. */
function mapSeconds(backfill: RunningExportBackfill, executionArn: string): number {
    const items = backfill.runner.describe(executionArn)!.mapRun!.items;
    const start = Math.min(...items.map((item) => item.startDate!.getTime()));
    const stop = Math.max(...items.map((item) => item.stopDate!.getTime()));
    return (stop - start) / 1000;
}

/** Items per second of each file's applier (child start to stop). */
function fileRates(backfill: RunningExportBackfill, executionArn: string): { median: number } {
    const rates = backfill.runner
        .describe(executionArn)!
        .mapRun!.items.map(
            (item) =>
                (item.input as { file: { itemCount: number } }).file.itemCount /
                ((item.stopDate!.getTime() - item.startDate!.getTime()) / 1000),
        )
        .sort((a, b) => a - b);
    return { median: rates[Math.floor(rates.length / 2)]! };
}

async function readBytes(stack: LocalStack, bucket: string, key: string): Promise<Uint8Array> {
    return await (
        await stack.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    ).Body!.transformToByteArray();
}

async function read(stack: LocalStack, bucket: string, key: string): Promise<string> {
    return Buffer.from(await readBytes(stack, bucket, key)).toString("utf8");
}

async function write(stack: LocalStack, bucket: string, key: string, body: Uint8Array): Promise<void> {
    await stack.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}
