import { strict as assert } from "node:assert";
import type { S3Client } from "@aws-sdk/client-s3";
import { backfillStateMachineDefinition } from "../../infra/backfill-definition";
import { backfillStateMachinePolicyDocument } from "../../infra/backfill-permissions";
import { unsupportedFeatures } from "../../local/export/asl-subset";
import { LAMBDA_SERVICE_EXCEPTION, LocalStateMachineRunner } from "../../local/export/state-machine-runner";
import { authorizeCall } from "../../local/iam/access-gate";
import { accessSummary, createAccessLog } from "../../local/iam/access-log";
import { evaluatePolicies, type PolicyDocument } from "../../local/iam/evaluator";
import type { RequiredAuthorization } from "../../local/iam/mapped-request";
import { principalForRole } from "../../local/iam/principals";
import type { Invocation } from "../../local/lambda/local-function";
import { readMapResults, summarizeResults } from "../../ops/map-results";

const ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:backfill";
const FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:apply";

/** An in-memory S3 for the runner: the manifest to read, the results it writes. */
function fakeS3(objects: Map<string, string>): S3Client {
    return {
        send: async (command: { constructor: { name: string }; input: { Key: string; Body?: string } }) => {
            if (command.constructor.name === "GetObjectCommand") {
                const text = objects.get(command.input.Key);
                if (text === undefined) throw new Error(`NoSuchKey ${command.input.Key}`);
                return { Body: { transformToString: async () => text } };
            }
            objects.set(command.input.Key, String(command.input.Body));
            return {};
        },
    } as unknown as S3Client;
}

function runner(options: {
    files: number;
    maxConcurrency: number;
    tolerated: number;
    invoke: (payload: Record<string, unknown>) => Promise<Invocation>;
    authorize?: (authorization: RequiredAuthorization) => Promise<string | undefined>;
}) {
    const objects = new Map<string, string>([
        [
            "exports/m.json",
            Array.from({ length: options.files }, (_, i) =>
                JSON.stringify({ dataFileS3Key: `f${i}`, itemCount: 10 }),
            ).join("\n") + "\n",
        ],
    ]);
    const definition = backfillStateMachineDefinition({
        functionArn: FUNCTION,
        bucket: "b",
        maxConcurrency: options.maxConcurrency,
        toleratedFailurePercentage: options.tolerated,
    });
    return {
        objects,
        runner: new LocalStateMachineRunner({
            stateMachineArn: ARN,
            definition,
            s3: fakeS3(objects),
            invoke: async (_arn, payload) => options.invoke(payload as Record<string, unknown>),
            ...(options.authorize ? { authorize: options.authorize } : {}),
            retryDelayScale: 0,
        }),
    };
}

const ok = (value: unknown): Invocation => ({ ok: true, value, durationMs: 1 });
const fileOf = (payload: Record<string, unknown>) =>
    (payload.file as { dataFileS3Key: string }).dataFileS3Key;
const INPUT = {
    manifestFilesKey: "exports/m.json",
    export: { exportArn: "e", exportTime: "2026-11-27T00:00:00Z", tableArn: "t" },
};

describe("the local state machine runner", () => {
    it("runs the backfill definition: one child per manifest line, never more than MaxConcurrency at once, resuming until done", async () => {
        let running = 0;
        let peak = 0;
        const { runner: machine, objects } = runner({
            files: 7,
            maxConcurrency: 3,
            tolerated: 0,
            invoke: async (payload) => {
                running++;
                peak = Math.max(peak, running);
                await new Promise((resolve) => setTimeout(resolve, 5));
                running--;
                const resumeAtLine = Number(payload.resumeAtLine ?? 0) + 5;
                return ok({
                    ...payload,
                    done: resumeAtLine >= 10,
                    resumeAtLine,
                    totals: { items: resumeAtLine, applied: resumeAtLine, stale: 0 },
                });
            },
        });

        const execution = machine.start(INPUT);
        await execution.done;

        assert.equal(execution.status, "SUCCEEDED");
        assert.equal(peak, 3);
        const run = execution.mapRun!;
        assert.deepEqual(
            run.items.map((item) => [item.status, (item.output as { resumeAtLine: number }).resumeAtLine]),
            Array(7).fill(["SUCCEEDED", 10]),
        );
        assert.deepEqual(run.items[0]!.input, {
            bucket: "b",
            file: { dataFileS3Key: "f0", itemCount: 10 },
            export: INPUT.export,
        });
        const key = (execution.output as { ResultWriterDetails: { Key: string } }).ResultWriterDetails.Key;
        assert.equal(key, `results/${run.mapRunArn.split(":").pop()}/manifest.json`);
        const manifest = JSON.parse(objects.get(key)!) as { ResultFiles: Record<string, { Key: string }[]> };
        assert.deepEqual(
            Object.fromEntries(
                Object.entries(manifest.ResultFiles).map(([status, files]) => [status, files.length]),
            ),
            { FAILED: 0, PENDING: 0, SUCCEEDED: 1 },
        );
    });

    it("fails the run past the tolerated failures, starts no new child, and a redrive runs only what did not succeed", async () => {
        let broken = true;
        const calls: string[] = [];
        const { runner: machine } = runner({
            files: 6,
            maxConcurrency: 1,
            tolerated: 10,
            invoke: async (payload) => {
                calls.push(fileOf(payload));
                if (broken && fileOf(payload) === "f2")
                    return {
                        ok: false,
                        error: { errorType: "ExportFileError", errorMessage: "bad line" },
                        timedOut: false,
                        durationMs: 1,
                    };
                return ok({
                    ...payload,
                    done: true,
                    resumeAtLine: 10,
                    totals: { items: 10, applied: 10, stale: 0 },
                });
            },
        });

        const execution = machine.start(INPUT);
        await execution.done;
        const afterFailure = [
            execution.status,
            execution.error,
            machine.redriveStatus(execution),
            [...calls],
        ];
        broken = false;
        calls.length = 0;
        machine.redrive(execution.executionArn);
        await execution.done;

        assert.deepEqual(afterFailure, [
            "FAILED",
            "States.ExceedToleratedFailureThreshold",
            "REDRIVABLE",
            ["f0", "f1", "f2"],
        ]);
        assert.deepEqual(calls, ["f2", "f3", "f4", "f5"]);
        assert.equal(execution.status, "SUCCEEDED");
        assert.equal(machine.redriveStatus(execution), "NOT_REDRIVABLE");
        assert.throws(() => machine.redrive(execution.executionArn), { name: "ExecutionNotRedrivable" });
    });

    it("fails each child as Step Functions does when its role may not invoke the function, and the run's summary says so", async () => {
        const declared = backfillStateMachinePolicyDocument({
            stateMachineArn: ARN,
            functionArn: FUNCTION,
            bucketArn: "arn:aws:s3:::b",
        });
        const withoutInvoke: PolicyDocument = {
            Version: "2012-10-17",
            Statement: (declared.Statement as { Sid?: string }[]).filter(
                (statement) => statement.Sid !== "InvokeBackfillFunction",
            ),
        };
        const role = principalForRole(
            { name: "backfill-role", sessionName: "backfill", policies: [withoutInvoke] },
            "000000000000",
        );
        const log = createAccessLog();
        const invoked: string[] = [];
        const { runner: machine, objects } = runner({
            files: 3,
            maxConcurrency: 1,
            tolerated: 0,
            invoke: async (payload) => {
                invoked.push(fileOf(payload));
                return ok(payload);
            },
            authorize: (call) =>
                authorizeCall(role, call, {
                    scope: { region: "us-east-1", accountId: "000000000000" },
                    principals: [role],
                    resourcePolicies: new Map(),
                    evaluate: evaluatePolicies,
                    log,
                }),
        });

        const execution = machine.start(INPUT);
        await execution.done;
        const summary = summarizeResults(
            await readMapResults(
                fakeS3(objects),
                "b",
                `results/${execution.mapRun!.mapRunArn.split(":").pop()}/manifest.json`,
            ),
        );

        assert.deepEqual(
            {
                status: execution.status,
                error: execution.error,
                invoked,
                files: summary.files,
                failures: summary.failures.map((failure) => [failure.dataFileS3Key, failure.error]),
            },
            {
                status: "FAILED",
                error: "States.ExceedToleratedFailureThreshold",
                invoked: [],
                files: { total: 3, succeeded: 0, failed: 1, notRun: 2 },
                failures: [["f0", LAMBDA_SERVICE_EXCEPTION]],
            },
        );
        assert.match(
            summary.failures[0]!.cause,
            new RegExp(
                `^User: arn:aws:sts::000000000000:assumed-role/backfill-role/backfill is not authorized to perform: ` +
                    `lambda:InvokeFunction on resource: ${FUNCTION} because no identity-based policy allows the ` +
                    `lambda:InvokeFunction action \\(Service: Lambda, Status Code: 403, Request ID: [0-9a-f-]+\\)$`,
            ),
        );
        assert.match(accessSummary(log)[1]!, /^ {2}backfill-role: 0 allowed, [1-9]\d* denied$/);
    });

    it("accepts the program's definition and refuses every state type or field it does not implement", () => {
        const definition = backfillStateMachineDefinition({
            functionArn: FUNCTION,
            bucket: "b",
            maxConcurrency: 10,
            toleratedFailurePercentage: 0,
        }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a definition edited for the test
        assert.deepEqual(unsupportedFeatures(definition), []);

        definition.TimeoutSeconds = 60;
        definition.States.ApplyDataFiles.ItemBatcher = { MaxItemsPerBatch: 2 };
        definition.States.ApplyDataFiles.ItemReader.ReaderConfig.InputType = "CSV";
        definition.States.ApplyDataFiles.ItemProcessor.States.Wait = { Type: "Wait", Seconds: 1, End: true };
        definition.States.ApplyDataFiles.ItemProcessor.States.ApplyDataFile.Catch = [];

        assert.deepEqual(unsupportedFeatures(definition), [
            "definition: field TimeoutSeconds",
            "States.ApplyDataFiles: field ItemBatcher",
            'States.ApplyDataFiles.ItemReader.ReaderConfig.InputType is "CSV"; only "JSONL" runs locally',
            "States.ApplyDataFiles.ItemProcessor.ApplyDataFile: field Catch",
            "States.ApplyDataFiles.ItemProcessor.Wait: state type Wait",
        ]);
        assert.throws(
            () =>
                new LocalStateMachineRunner({
                    stateMachineArn: ARN,
                    definition,
                    s3: fakeS3(new Map()),
                    invoke: async () => ok(null),
                }),
            /does not implement what this definition uses, so it will not run it:\n {2}- definition: field TimeoutSeconds/,
        );
    });
});
