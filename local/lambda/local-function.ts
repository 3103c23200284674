import { fork, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import { LAMBDA_RUNTIME } from "./runtime-modules";
import { runtimeNodeBinary } from "./runtime-node";

/** What Lambda would know about the function: where its code is and how it is configured. */
export type LocalFunctionSpec = {
    readonly functionName: string;
    readonly functionArn: string;
    /** The unpacked code archive. */
    readonly codeDirectory: string;
    /** `file.export`, as in the function's `handler` setting (e.g. `__index.handler`). */
    readonly handler: string;
    readonly timeoutSeconds: number;
    readonly memoryMb: number;
    /** The function's own environment variables. */
    readonly environment: Readonly<Record<string, string>>;
    /** What the AWS SDK needs to reach the local servers: endpoints, region, credentials. */
    readonly awsEnvironment: Readonly<Record<string, string>>;
    /** A node_modules holding only what the Lambda runtime provides, at its versions (see runtime-modules.ts). */
    readonly runtimeModules: string;
    /** Receives every line the function writes to stdout or stderr. */
    readonly onLog?: (line: string) => void;
};

export type FunctionError = { readonly errorType: string; readonly errorMessage: string };

/** Per-invocation choices of the caller. */
export type InvokeOptions = {
    /**
     * A shorter timeout for this invocation only, in milliseconds (the local mapping's chaos mode
     * uses it to time out a slow invocation, as a function at its configured timeout would be).
     */
    readonly timeoutMs?: number;
};

/** The outcome of one invocation, as Lambda reports it to an event source mapping. */
export type Invocation =
    | { readonly ok: true; readonly value: unknown; readonly durationMs: number }
    | {
          readonly ok: false;
          readonly error: FunctionError;
          readonly timedOut: boolean;
          readonly durationMs: number;
      };

type WorkerMessage =
    | { type: "ready"; initMs: number }
    | { type: "init-error"; error: FunctionError }
    | { type: "result"; id: number; ok: true; value: unknown }
    | { type: "result"; id: number; ok: false; error: FunctionError };

type Environment = {
    readonly child: ChildProcess;
    readonly ready: Promise<{ initMs: number } | { error: FunctionError }>;
};

/**
 * Runs a function's packaged code the way Lambda does: in its own process (an execution
 * environment) with Lambda's environment variables, the runtime's modules on NODE_PATH, one
 * invocation at a time, and the configured timeout, after which the environment is killed and the
 * next invocation starts a fresh one (a cold start).
 */
export class LocalFunction {
    private environment: Environment | undefined;
    private nextId = 1;
    private queue: Promise<unknown> = Promise.resolve();
    /** Cold start times of the environments started so far, in ms. */
    public readonly initDurationsMs: number[] = [];

    public constructor(private readonly spec: LocalFunctionSpec) {}

    /** The pid of the current execution environment, if one is running. */
    public get pid(): number | undefined {
        return this.environment?.child.pid;
    }

    /** Invokes the function with an event; invocations queue behind each other. */
    public invoke(event: unknown, options: InvokeOptions = {}): Promise<Invocation> {
        const run = this.queue.then(() => this.invokeNow(event, options));
        this.queue = run.catch(() => undefined);
        return run;
    }

    /** Stops the execution environment (by pid) and waits for it to exit. */
    public async stop(): Promise<void> {
        const environment = this.environment;
        this.environment = undefined;
        if (environment) await terminate(environment.child);
    }

    private async invokeNow(event: unknown, options: InvokeOptions): Promise<Invocation> {
        const started = Date.now();
        const environment = this.environment ?? this.startEnvironment();
        const ready = await environment.ready;
        if ("error" in ready) {
            await this.stop();
            return { ok: false, error: ready.error, timedOut: false, durationMs: Date.now() - started };
        }
        const id = this.nextId++;
        const timeoutMs = options.timeoutMs ?? this.spec.timeoutSeconds * 1000;
        const deadline = Date.now() + timeoutMs;
        const result = await new Promise<Invocation>((resolve) => {
            const finish = (invocation: Invocation): void => {
                clearTimeout(timer);
                environment.child.off("message", onMessage);
                environment.child.off("exit", onExit);
                resolve(invocation);
            };
            const onMessage = (message: WorkerMessage): void => {
                if (message.type !== "result" || message.id !== id) return;
                const durationMs = Date.now() - started;
                finish(
                    message.ok
                        ? { ok: true, value: message.value, durationMs }
                        : { ok: false, error: message.error, timedOut: false, durationMs },
                );
            };
            const onExit = (code: number | null, signal: string | null): void =>
                finish({
                    ok: false,
                    error: {
                        errorType: "Runtime.ExitError",
                        errorMessage: `The execution environment exited (code ${code}, signal ${signal}).`,
                    },
                    timedOut: false,
                    durationMs: Date.now() - started,
                });
            const timer = setTimeout(
                () =>
                    finish({
                        ok: false,
                        error: {
                            errorType: "Sandbox.Timedout",
                            errorMessage: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`,
                        },
                        timedOut: true,
                        durationMs: Date.now() - started,
                    }),
                Math.max(0, deadline - Date.now()),
            );
            environment.child.on("message", onMessage);
            environment.child.once("exit", onExit);
            environment.child.send({
                type: "invoke",
                id,
                event,
                deadline,
                functionArn: this.spec.functionArn,
                logGroupName: `/aws/lambda/${this.spec.functionName}`,
            });
        });
        // Lambda discards an environment whose invocation timed out or crashed.
        if (!result.ok && (result.timedOut || result.error.errorType === "Runtime.ExitError"))
            await this.stop();
        return result;
    }

    private startEnvironment(): Environment {
        const spec = this.spec;
        const child = fork(path.join(__dirname, "worker.js"), [spec.codeDirectory, spec.handler], {
            cwd: spec.codeDirectory,
            stdio: ["ignore", "pipe", "pipe", "ipc"],
            // Only what Lambda sets, so nothing from the developer's shell leaks into the function.
            env: {
                PATH: process.env.PATH ?? "/usr/bin:/bin",
                TZ: "UTC",
                LANG: "en_US.UTF-8",
                NODE_PATH: spec.runtimeModules,
                LAMBDA_TASK_ROOT: spec.codeDirectory,
                AWS_EXECUTION_ENV: `AWS_Lambda_${LAMBDA_RUNTIME.name}`,
                AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
                AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
                AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
                AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${spec.functionName}`,
                ...spec.awsEnvironment,
                ...spec.environment,
            },
            // The runtime's Node.js, whatever Node runs the local stack.
            execPath: runtimeNodeBinary(),
            execArgv: [],
        });
        const forward = (chunk: Buffer): void => {
            for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) spec.onLog?.(line);
        };
        child.stdout?.on("data", forward);
        child.stderr?.on("data", forward);
        const ready = new Promise<{ initMs: number } | { error: FunctionError }>((resolve) => {
            child.once("message", (message: WorkerMessage) => {
                if (message.type === "ready") {
                    this.initDurationsMs.push(message.initMs);
                    resolve({ initMs: message.initMs });
                } else if (message.type === "init-error") {
                    resolve({ error: message.error });
                }
            });
            child.once("exit", (code) =>
                resolve({
                    error: {
                        errorType: "Runtime.ExitError",
                        errorMessage: `The function exited during init (code ${code}).`,
                    },
                }),
            );
        });
        const environment = { child, ready };
        this.environment = environment;
        return environment;
    }
}

async function terminate(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
}
