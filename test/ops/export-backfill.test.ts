import { strict as assert } from "node:assert";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import type { SFNClient } from "@aws-sdk/client-sfn";
import { EXIT_CODES } from "../../cli/runner/run-command";
import { explainOpsError } from "../../ops/errors";
import {
    runExportBackfill,
    type ExportBackfillClients,
    type ExportBackfillTarget,
} from "../../ops/export-backfill";
import {
    formatManifestFiles,
    manifestFilesKeyOf,
    parseManifestFiles,
    parseManifestSummary,
} from "../../ops/export-manifest";
import { resolveExportBackfill } from "../../ops/export-target";
import { summarizeResults } from "../../ops/map-results";
import { runOps } from "../helpers/processes";

const TARGET: ExportBackfillTarget = {
    description: "test",
    sourceTable: "orders",
    sourceTableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
    bucket: "backfill-bucket",
    stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:backfill",
    executionLink: (arn) => `https://console/${arn}`,
};

type Answers = Record<string, (input: Record<string, unknown>) => unknown>;

/** SDK clients whose `send` answers by command name, recording every call. */
function fakeClients(answers: Answers, calls: string[] = []): ExportBackfillClients {
    const client = {
        send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
            const name = command.constructor.name.replace(/Command$/, "");
            calls.push(name);
            const answer = answers[name];
            if (!answer) throw new Error(`unexpected ${name}`);
            return answer(command.input);
        },
    };
    return {
        dynamodb: client as unknown as DynamoDBClient,
        sfn: client as unknown as SFNClient,
        s3: client as unknown as S3Client,
    };
}

const NO_EXECUTIONS: Answers = { ListExecutions: () => ({ executions: [] }) };

describe("export manifests", () => {
    it("reads manifest-files.json: one data file per line, blank lines ignored", () => {
        const text =
            '{"itemCount":3,"md5Checksum":"q83vEjRWeJA=","etag":"ab12-1","dataFileS3Key":"exports/AWSDynamoDB/01-a/data/x.json.gz"}\n\n' +
            '{"itemCount":0,"dataFileS3Key":"exports/AWSDynamoDB/01-a/data/y.json.gz"}\n';

        const files = parseManifestFiles(text);

        assert.deepEqual(files, [
            {
                itemCount: 3,
                md5Checksum: "q83vEjRWeJA=",
                etag: "ab12-1",
                dataFileS3Key: "exports/AWSDynamoDB/01-a/data/x.json.gz",
            },
            { itemCount: 0, dataFileS3Key: "exports/AWSDynamoDB/01-a/data/y.json.gz" },
        ]);
        assert.deepEqual(parseManifestFiles(formatManifestFiles(files)), files);
    });

    it("names the line of manifest-files.json that is not a data file's entry", () => {
        assert.throws(
            () => parseManifestFiles('{"itemCount":1,"dataFileS3Key":"a"}\nnope\n'),
            /line 2 is not JSON/,
        );
        assert.throws(
            () => parseManifestFiles('{"itemCount":"1","dataFileS3Key":"a"}\n'),
            /line 1 has no dataFileS3Key and itemCount/,
        );
    });

    it("reads manifest-summary.json and finds manifest-files.json beside it", () => {
        const summary = parseManifestSummary(
            JSON.stringify({
                version: "2020-06-30",
                exportArn: "arn:aws:dynamodb:us-east-1:1:table/T/export/01-a",
                exportTime: "2020-11-04T07:28:34.028Z",
                tableArn: "arn:aws:dynamodb:us-east-1:1:table/T",
                itemCount: 8,
                billedSizeBytes: 0,
                outputFormat: "DYNAMODB_JSON",
            }),
        );

        assert.deepEqual(summary, {
            exportArn: "arn:aws:dynamodb:us-east-1:1:table/T/export/01-a",
            exportTime: "2020-11-04T07:28:34.028Z",
            tableArn: "arn:aws:dynamodb:us-east-1:1:table/T",
            itemCount: 8,
            billedSizeBytes: 0,
        });
        assert.equal(
            manifestFilesKeyOf("exports/AWSDynamoDB/01-a/manifest-summary.json"),
            "exports/AWSDynamoDB/01-a/manifest-files.json",
        );
        assert.throws(() => parseManifestSummary("{}"), /manifest-summary.json has no exportArn/);
    });

    it("sums a run's results: succeeded files' counts, failed and unrun files' items", () => {
        const file = (key: string) => ({ dataFileS3Key: key, itemCount: 10 });
        const task = (key: string) => JSON.stringify({ bucket: "b", file: file(key), export: {} });
        const summary = summarizeResults({
            SUCCEEDED: [
                {
                    Status: "SUCCEEDED",
                    Input: task("a"),
                    Output: JSON.stringify({
                        file: file("a"),
                        done: true,
                        resumeAtLine: 10,
                        totals: { items: 10, applied: 7, stale: 3 },
                    }),
                },
            ],
            FAILED: [{ Status: "FAILED", Input: task("b"), Error: "ExportFileError", Cause: "bad" }],
            PENDING: [{ Status: "PENDING", Input: task("c") }],
        });

        assert.deepEqual(summary, {
            files: { total: 3, succeeded: 1, failed: 1, notRun: 1 },
            items: 30,
            applied: 7,
            stale: 3,
            failedItems: 20,
            failures: [{ dataFileS3Key: "b", error: "ExportFileError", cause: "bad" }],
            unfinished: [file("b"), file("c")],
        });
    });
});

describe("npm run backfill -- --from-export: refusals", () => {
    it("refuses to export a table without point-in-time recovery, naming the config key and the fix", async () => {
        const calls: string[] = [];
        const clients = fakeClients(
            {
                ...NO_EXECUTIONS,
                DescribeContinuousBackups: () => ({
                    ContinuousBackupsDescription: {
                        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: "DISABLED" },
                    },
                }),
            },
            calls,
        );

        await assert.rejects(runExportBackfill(clients, TARGET, { log: () => undefined }), (error: Error) => {
            assert.equal(error.name, "PointInTimeRecoveryOff");
            assert.match(
                error.message,
                /Point-in-time recovery is off for table orders, and an export needs it/,
            );
            assert.match(error.message, /pulumi config set ddb-changefeed:pointInTimeRecovery true/);
            assert.match(error.message, /aws dynamodb update-continuous-backups --table-name orders/);
            return true;
        });
        assert.ok(!calls.includes("ExportTableToPointInTime"), "it exported anyway");
    });

    for (const [status, name, message] of [
        [
            "IN_PROGRESS",
            "ExportStillRunning",
            /is still running .*run the command again once it has completed/,
        ],
        ["FAILED", "ExportFailed", /failed \(S3AccessDenied: no access\); start a new one/],
    ] as const) {
        it(`refuses an export that is ${status}`, async () => {
            const clients = fakeClients({
                ...NO_EXECUTIONS,
                DescribeExport: () => ({
                    ExportDescription: {
                        ExportArn: "x",
                        ExportStatus: status,
                        StartTime: new Date(0),
                        FailureCode: "S3AccessDenied",
                        FailureMessage: "no access",
                    },
                }),
            });

            await assert.rejects(
                runExportBackfill(clients, TARGET, { exportArn: "x", log: () => undefined }),
                (error: Error) => {
                    assert.equal(error.name, name);
                    assert.match(error.message, message);
                    return true;
                },
            );
        });
    }

    it("refuses to start while an execution of this feed is running, with its console link", async () => {
        const clients = fakeClients({
            ListExecutions: (input) => ({
                executions: input.statusFilter === "RUNNING" ? [{ executionArn: "arn:run-1" }] : [],
            }),
        });

        await assert.rejects(runExportBackfill(clients, TARGET, { log: () => undefined }), {
            name: "ExecutionAlreadyRunning",
            message:
                "A backfill is already running for this feed: arn:run-1\n  https://console/arn:run-1\nWait for it to end (or stop it), then run the command again.",
        });
    });

    it("with --dry-run says what it would start and starts nothing", async () => {
        const calls: string[] = [];
        const lines: string[] = [];
        const clients = fakeClients(
            {
                ...NO_EXECUTIONS,
                DescribeContinuousBackups: () => ({
                    ContinuousBackupsDescription: {
                        PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: "ENABLED" },
                    },
                }),
            },
            calls,
        );

        const outcome = await runExportBackfill(clients, TARGET, {
            dryRun: true,
            log: (line) => lines.push(line),
        });

        assert.equal(outcome.kind, "dry-run");
        assert.deepEqual(lines, [
            "Would export orders as of now to s3://backfill-bucket/exports/ (DYNAMODB_JSON, full), then start arn:aws:states:us-east-1:123456789012:stateMachine:backfill on its manifest.",
        ]);
        assert.deepEqual(calls, ["ListExecutions", "ListExecutions", "DescribeContinuousBackups"]);
    });

    it("names the permissions it needs when AWS denies one, with AWS's message naming the action", () => {
        const denied = Object.assign(
            new Error(
                "User: arn:aws:iam::1:user/ops is not authorized to perform: dynamodb:ExportTableToPointInTime on resource: table/orders",
            ),
            { name: "AccessDeniedException" },
        );

        const message = explainOpsError(denied, "backfillFromExport");

        assert.match(
            message,
            /^Missing permissions: .*not authorized to perform: dynamodb:ExportTableToPointInTime/,
        );
        assert.match(
            message,
            /need dynamodb:DescribeContinuousBackups, dynamodb:ExportTableToPointInTime and dynamodb:DescribeExport/,
        );
        assert.match(message, /states:RedriveExecution/);
    });

    it("says a stack without point-in-time recovery has no backfill state machine, and what to set", async () => {
        await assert.rejects(
            resolveExportBackfill({
                stack: "dev",
                local: false,
                stackOutputs: () => ({ sourceTableName: "orders" }),
            }),
            (error: Error) => {
                assert.equal(error.name, "NoBackfillStateMachine");
                assert.match(
                    error.message,
                    /Stack "dev" has no backfill state machine: .*pulumi config set ddb-changefeed:pointInTimeRecovery true/,
                );
                return true;
            },
        );
    });

    for (const [args, message] of [
        [["--export-arn", "arn:x"], /--export-arn only go with --from-export/],
        [
            ["--from-export", "--segments", "2"],
            /--segments belong to the scan backfill, not to --from-export/,
        ],
    ] as const) {
        it(`refuses ${args.join(" ")} as a usage error`, async function () {
            this.timeout(60_000);
            const run = await runOps("backfill.ts", [...args]);

            assert.equal(run.code, EXIT_CODES.usage);
            assert.match(run.output, message);
        });
    }
});
