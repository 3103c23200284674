import { randomUUID } from "node:crypto";
import { GetObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { RequiredAuthorization } from "../iam/mapped-request";
import type { Invocation } from "../lambda/local-function";
import { assertSupported, evaluateTemplate, readPath, type PathContext } from "./asl-subset";

type Json = Record<string, unknown>;

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED";
export type ItemStatus = "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED";

/** One child workflow execution of a Map Run: one item of its manifest. */
export type MapRunItem = {
    readonly index: number;
    readonly name: string;
    readonly executionArn: string;
    readonly input: unknown;
    status: ItemStatus;
    output?: unknown;
    error?: string;
    cause?: string;
    startDate?: Date;
    stopDate?: Date;
    redriveCount: number;
};

export type MapRun = {
    readonly mapRunArn: string;
    readonly executionArn: string;
    readonly maxConcurrency: number;
    readonly toleratedFailurePercentage: number;
    readonly startDate: Date;
    status: ExecutionStatus;
    stopDate?: Date;
    readonly items: MapRunItem[];
    redriveCount: number;
    redriveDate?: Date;
    /** Where the results went: `<prefix>/<map run id>/manifest.json`. */
    resultWriterDetails?: { readonly Bucket: string; readonly Key: string };
};

export type Execution = {
    readonly executionArn: string;
    readonly stateMachineArn: string;
    readonly name: string;
    readonly input: unknown;
    readonly startDate: Date;
    status: ExecutionStatus;
    stopDate?: Date;
    output?: unknown;
    error?: string;
    cause?: string;
    redriveCount: number;
    redriveDate?: Date;
    mapRun?: MapRun;
    /** Settles when the current run (or redrive) ends. */
    done: Promise<void>;
};

export type StateMachineRunnerOptions = {
    readonly stateMachineArn: string;
    readonly definition: Json;
    readonly s3: S3Client;
    /** Invokes a function by ARN, as Lambda would (`lambda:invoke`). */
    readonly invoke: (functionArn: string, payload: unknown) => Promise<Invocation>;
    /**
     * Authorizes a call the state machine makes as its role (`lambda:InvokeFunction` before each
     * invocation), as IAM would; answers AWS's denial message, or undefined when it is allowed.
     * Absent: every call is allowed.
     */
    readonly authorize?: (authorization: RequiredAuthorization) => Promise<string | undefined>;
    /** Scales Retry intervals (tests: 0). */
    readonly retryDelayScale?: number;
};

/** The error AWS reports when a Map Run fails more items than it tolerates. */
export const EXCEED_TOLERATED_FAILURE = "States.ExceedToleratedFailureThreshold";

/** What Step Functions reports when Lambda refuses the invocation (access denied included). */
export const LAMBDA_SERVICE_EXCEPTION = "Lambda.AWSLambdaException";

/** A child workflow may loop (a file resumed over invocations), but never forever. */
const MAX_TRANSITIONS = 10_000;

/**
 * Runs executions of one state machine locally, as Step Functions would for the subset of the
 * Amazon States Language in `asl-subset.ts` (it refuses a definition that uses anything else): a
 * Distributed Map reads a JSON Lines object from S3 and runs a child workflow per line, at most
 * `MaxConcurrency` at once; the Map Run fails once the failed items exceed
 * `ToleratedFailurePercentage` (no new child starts; those running finish, as AWS allows); its
 * results go to S3 in the ResultWriter's layout; and a failed execution can be redriven, which
 * runs again only the items that did not succeed.
 */
export class LocalStateMachineRunner {
    private readonly executions = new Map<string, Execution>();

    public constructor(private readonly options: StateMachineRunnerOptions) {
        assertSupported(options.definition);
    }

    public get stateMachineArn(): string {
        return this.options.stateMachineArn;
    }

    /** @throws {Error} named ExecutionAlreadyExists when an execution of that name exists */
    public start(input: unknown, name: string = randomUUID()): Execution {
        const executionArn = `${this.options.stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
        if (this.executions.has(executionArn)) {
            throw Object.assign(new Error(`Execution Already Exists: '${executionArn}'`), {
                name: "ExecutionAlreadyExists",
            });
        }
        const execution: Execution = {
            executionArn,
            stateMachineArn: this.options.stateMachineArn,
            name,
            input,
            startDate: new Date(),
            status: "RUNNING",
            redriveCount: 0,
            done: Promise.resolve(),
        };
        this.executions.set(executionArn, execution);
        execution.done = this.run(execution, false);
        return execution;
    }

    public describe(executionArn: string): Execution | undefined {
        return this.executions.get(executionArn);
    }

    /** Newest first, as ListExecutions answers. */
    public list(status?: ExecutionStatus): Execution[] {
        return [...this.executions.values()]
            .filter((execution) => status === undefined || execution.status === status)
            .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
    }

    public mapRun(mapRunArn: string): MapRun | undefined {
        return [...this.executions.values()].find((execution) => execution.mapRun?.mapRunArn === mapRunArn)
            ?.mapRun;
    }

    /** REDRIVABLE while a failed execution's Map Run has items that did not succeed. */
    public redriveStatus(execution: Execution): "REDRIVABLE" | "NOT_REDRIVABLE" {
        const unfinished = execution.mapRun?.items.some((item) => item.status !== "SUCCEEDED") ?? true;
        return execution.status === "FAILED" && unfinished ? "REDRIVABLE" : "NOT_REDRIVABLE";
    }

    /** @throws {Error} named ExecutionNotRedrivable unless the execution failed with items left to run */
    public redrive(executionArn: string): Execution {
        const execution = this.executions.get(executionArn);
        if (!execution)
            throw Object.assign(new Error(`Execution Does Not Exist: '${executionArn}'`), {
                name: "ExecutionDoesNotExist",
            });
        if (this.redriveStatus(execution) !== "REDRIVABLE") {
            throw Object.assign(
                new Error(`Execution is ${execution.status} and cannot be redriven: '${executionArn}'`),
                {
                    name: "ExecutionNotRedrivable",
                },
            );
        }
        execution.status = "RUNNING";
        execution.redriveCount++;
        execution.redriveDate = new Date();
        delete execution.stopDate;
        delete execution.error;
        delete execution.cause;
        execution.done = this.run(execution, true);
        return execution;
    }

    private async run(execution: Execution, redrive: boolean): Promise<void> {
        const finish = (
            status: ExecutionStatus,
            outcome: { output?: unknown; error?: string; cause?: string },
        ) => {
            Object.assign(execution, { status, stopDate: new Date() }, outcome);
        };
        try {
            const machine = this.options.definition;
            let stateName = String(machine.StartAt);
            let input = execution.input;
            for (;;) {
                const state = (machine.States as Record<string, Json>)[stateName]!;
                if (state.Type === "Succeed") return finish("SUCCEEDED", { output: input });
                const result = await this.runMap(execution, stateName, state, input, redrive);
                if ("error" in result) return finish("FAILED", result);
                input = result.output;
                if (state.End === true) return finish("SUCCEEDED", { output: input });
                stateName = String(state.Next);
            }
        } catch (error) {
            finish("FAILED", {
                error: "States.Runtime",
                cause: error instanceof Error ? error.message : String(error),
            });
        }
    }

    private async runMap(
        execution: Execution,
        stateName: string,
        state: Json,
        input: unknown,
        redrive: boolean,
    ): Promise<{ output: unknown } | { error: string; cause: string }> {
        const label = String(state.Label ?? stateName);
        let mapRun = execution.mapRun;
        if (!mapRun || !redrive) {
            const values = await this.readItems(state.ItemReader as Json, input);
            const runId = randomUUID();
            mapRun = {
                mapRunArn: `${this.options.stateMachineArn.replace(":stateMachine:", ":mapRun:")}/${label}:${runId}`,
                executionArn: execution.executionArn,
                maxConcurrency: Number(state.MaxConcurrency ?? 0) || values.length || 1,
                toleratedFailurePercentage: Number(state.ToleratedFailurePercentage ?? 0),
                startDate: new Date(),
                status: "RUNNING",
                redriveCount: 0,
                items: values.map((value, index) => {
                    const name = randomUUID();
                    const context: PathContext = { Map: { Item: { Value: value, Index: index } } };
                    return {
                        index,
                        name,
                        executionArn: `${this.options.stateMachineArn.replace(":stateMachine:", ":execution:")}/${label}:${name}`,
                        input:
                            state.ItemSelector === undefined
                                ? value
                                : evaluateTemplate(state.ItemSelector, input, context),
                        status: "PENDING",
                        redriveCount: 0,
                    };
                }),
            };
            execution.mapRun = mapRun;
        } else {
            mapRun.status = "RUNNING";
            mapRun.redriveCount++;
            mapRun.redriveDate = new Date();
            delete mapRun.stopDate;
            for (const item of mapRun.items) {
                if (item.status === "SUCCEEDED") continue;
                if (item.status !== "PENDING") item.redriveCount++;
                item.status = "PENDING";
                delete item.error;
                delete item.cause;
            }
        }

        const run = mapRun;
        const queue = run.items.filter((item) => item.status === "PENDING");
        const breached = () =>
            (run.items.filter((item) => item.status === "FAILED").length / Math.max(1, run.items.length)) *
                100 >
            run.toleratedFailurePercentage;
        const processor = state.ItemProcessor as Json;
        const worker = async (): Promise<void> => {
            for (let item = queue.shift(); item && !breached(); item = queue.shift()) {
                item.status = "RUNNING";
                item.startDate = new Date();
                const outcome = await this.runChild(processor, item.input);
                Object.assign(item, outcome, { stopDate: new Date() });
            }
        };
        await Promise.all(Array.from({ length: Math.min(run.maxConcurrency, queue.length) }, worker));

        run.status = breached() ? "FAILED" : "SUCCEEDED";
        run.stopDate = new Date();
        if (state.ResultWriter !== undefined) {
            run.resultWriterDetails = await this.writeResults(run, state.ResultWriter as Json, input);
        }
        if (run.status === "FAILED") {
            const failed = run.items.filter((item) => item.status === "FAILED").length;
            return {
                error: EXCEED_TOLERATED_FAILURE,
                cause: `The specified tolerated failure threshold was exceeded: ${failed} of ${run.items.length} items failed (${run.toleratedFailurePercentage}% tolerated).`,
            };
        }
        return {
            output: {
                MapRunArn: run.mapRunArn,
                ...(run.resultWriterDetails ? { ResultWriterDetails: run.resultWriterDetails } : {}),
            },
        };
    }

    /** A JSON Lines object, one item per non-empty line, as the ItemReader reads it. */
    private async readItems(reader: Json, input: unknown): Promise<unknown[]> {
        const { Bucket, Key } = evaluateTemplate(reader.Parameters, input) as { Bucket: string; Key: string };
        const object = await this.options.s3.send(new GetObjectCommand({ Bucket, Key }));
        const text = (await object.Body?.transformToString()) ?? "";
        return text
            .split("\n")
            .filter((line) => line.trim() !== "")
            .map((line) => JSON.parse(line) as unknown);
    }

    /** One child workflow: Task (lambda:invoke), Choice and Succeed states. */
    private async runChild(
        processor: Json,
        input: unknown,
    ): Promise<
        { status: "SUCCEEDED"; output: unknown } | { status: "FAILED"; error: string; cause: string }
    > {
        const states = processor.States as Record<string, Json>;
        let stateName = String(processor.StartAt);
        let current = input;
        for (let transitions = 0; transitions < MAX_TRANSITIONS; transitions++) {
            const state = states[stateName]!;
            if (state.Type === "Succeed") return { status: "SUCCEEDED", output: current };
            if (state.Type === "Choice") {
                const rule = (state.Choices as Json[]).find(
                    (choice) => readPath(String(choice.Variable), current) === choice.BooleanEquals,
                );
                const next = rule?.Next ?? state.Default;
                if (next === undefined)
                    return {
                        status: "FAILED",
                        error: "States.NoChoiceMatched",
                        cause: `No choice of ${stateName} matched.`,
                    };
                stateName = String(next);
                continue;
            }
            const outcome = await this.runTask(state, current);
            if ("error" in outcome) return { status: "FAILED", ...outcome };
            current =
                state.OutputPath === undefined
                    ? outcome.result
                    : readPath(String(state.OutputPath), outcome.result);
            if (state.End === true) return { status: "SUCCEEDED", output: current };
            stateName = String(state.Next);
        }
        return {
            status: "FAILED",
            error: "States.Runtime",
            cause: `More than ${MAX_TRANSITIONS} state transitions.`,
        };
    }

    /** A lambda:invoke Task with its Retry rules; a function error fails it with the function's errorType. */
    private async runTask(
        state: Json,
        input: unknown,
    ): Promise<{ result: unknown } | { error: string; cause: string }> {
        const parameters = evaluateTemplate(state.Parameters, input) as {
            FunctionName: string;
            Payload: unknown;
        };
        const retriers = (state.Retry ?? []) as {
            ErrorEquals: string[];
            IntervalSeconds?: number;
            MaxAttempts?: number;
            BackoffRate?: number;
        }[];
        const attempts = new Map<number, number>();
        for (;;) {
            const outcome = await this.invokeOnce(parameters.FunctionName, parameters.Payload);
            if ("result" in outcome) return outcome;
            const index = retriers.findIndex(
                (retrier) =>
                    retrier.ErrorEquals.includes(outcome.error) || retrier.ErrorEquals.includes("States.ALL"),
            );
            const retrier = retriers[index];
            const attempt = (attempts.get(index) ?? 0) + 1;
            if (!retrier || attempt > (retrier.MaxAttempts ?? 3)) return outcome;
            attempts.set(index, attempt);
            const seconds = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** (attempt - 1);
            await new Promise((resolve) =>
                setTimeout(resolve, seconds * 1000 * (this.options.retryDelayScale ?? 1)),
            );
        }
    }

    /**
     * One Invoke as the state machine's role: refused by IAM, it fails as Step Functions reports
     * Lambda's AccessDeniedException (`Lambda.AWSLambdaException`, the message as its cause); a
     * function error fails with the function's errorType.
     */
    private async invokeOnce(
        functionArn: string,
        payload: unknown,
    ): Promise<{ result: unknown } | { error: string; cause: string }> {
        const denial = await this.options.authorize?.({
            action: "lambda:InvokeFunction",
            arn: functionArn,
            context: {},
        });
        if (denial) {
            return {
                error: LAMBDA_SERVICE_EXCEPTION,
                cause: `${denial} (Service: Lambda, Status Code: 403, Request ID: ${randomUUID()})`,
            };
        }
        const invocation = await this.options.invoke(functionArn, payload);
        if (invocation.ok) {
            return { result: { ExecutedVersion: "$LATEST", Payload: invocation.value, StatusCode: 200 } };
        }
        return {
            error: invocation.timedOut ? "Sandbox.Timedout" : invocation.error.errorType,
            cause: JSON.stringify({
                errorType: invocation.error.errorType,
                errorMessage: invocation.error.errorMessage,
            }),
        };
    }

    /** The results in ResultWriter's layout: a manifest and one JSON array per status. */
    private async writeResults(
        run: MapRun,
        writer: Json,
        input: unknown,
    ): Promise<{ Bucket: string; Key: string }> {
        const { Bucket, Prefix } = evaluateTemplate(writer.Parameters, input) as {
            Bucket: string;
            Prefix?: string;
        };
        const runId = run.mapRunArn.slice(run.mapRunArn.lastIndexOf(":") + 1);
        const base = `${Prefix ? `${Prefix.replace(/\/$/, "")}/` : ""}${runId}/`;
        const groups: Record<"SUCCEEDED" | "FAILED" | "PENDING", MapRunItem[]> = {
            SUCCEEDED: [],
            FAILED: [],
            PENDING: [],
        };
        for (const item of run.items) {
            groups[
                item.status === "SUCCEEDED" ? "SUCCEEDED" : item.status === "FAILED" ? "FAILED" : "PENDING"
            ].push(item);
        }
        const resultFiles: Record<string, { Key: string; Size: number }[]> = {
            FAILED: [],
            PENDING: [],
            SUCCEEDED: [],
        };
        for (const [status, items] of Object.entries(groups)) {
            if (items.length === 0) continue;
            const key = `${base}${status}_0.json`;
            const body = JSON.stringify(items.map((item) => this.resultEntry(item)));
            await this.options.s3.send(
                new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: "application/json" }),
            );
            resultFiles[status]!.push({ Key: key, Size: Buffer.byteLength(body) });
        }
        const manifestKey = `${base}manifest.json`;
        await this.options.s3.send(
            new PutObjectCommand({
                Bucket,
                Key: manifestKey,
                Body: JSON.stringify({
                    DestinationBucket: Bucket,
                    MapRunArn: run.mapRunArn,
                    ResultFiles: resultFiles,
                }),
                ContentType: "application/json",
            }),
        );
        return { Bucket, Key: manifestKey };
    }

    private resultEntry(item: MapRunItem): Json {
        return {
            ExecutionArn: item.executionArn,
            Input: JSON.stringify(item.input),
            InputDetails: { Included: true },
            Name: item.name,
            ...(item.output !== undefined
                ? { Output: JSON.stringify(item.output), OutputDetails: { Included: true } }
                : {}),
            ...(item.error !== undefined ? { Error: item.error, Cause: item.cause } : {}),
            RedriveCount: item.redriveCount,
            RedriveStatus: item.status === "SUCCEEDED" ? "NOT_REDRIVABLE" : "REDRIVABLE",
            StartDate: item.startDate?.toISOString() ?? null,
            StateMachineArn: this.options.stateMachineArn,
            Status: item.status,
            StopDate: item.stopDate?.toISOString() ?? null,
        };
    }
}
