/**
 * Loaded into a contender's process with `NODE_OPTIONS=--require <this file, transpiled>`, leaving
 * the function's code untouched: counts every AWS API call its SDK clients send (by operation, with
 * HTTP attempts and errors), measures the process's CPU time per invocation, and appends one JSON
 * line per invocation to `BENCH_CALLS_FILE` just before the result goes back to the runner.
 * Dependency-free: the function's process has only the Lambda runtime's modules.
 */
import { appendFileSync } from "node:fs";

/** The calls of each operation, e.g. `DynamoDB.PutItem`. */
export type CallTally = Record<string, OperationCount>;
type OperationCount = { calls: number; attempts: number; errors: number; bodyBytes: number };
/** What the preload writes per invocation. */
export type InvocationLine = { readonly calls: CallTally; readonly cpuMs: number };

type Context = { readonly clientName?: string; readonly commandName?: string };
type Handler = (args: { readonly input?: { Body?: unknown } }) => Promise<unknown>;
type Stack = { add(middleware: (next: Handler, context: Context) => Handler, options: object): void };
type ClientClass = { prototype: { send: (...args: unknown[]) => unknown } };

/** The clients the functions build, by package, with the name of their client class. */
const CLIENTS = { "@aws-sdk/client-dynamodb": "DynamoDBClient", "@aws-sdk/client-s3": "S3Client" } as const;

const callsFile = process.env.BENCH_CALLS_FILE;
if (callsFile) {
    let calls: CallTally = {};
    let cpuAtStart = process.cpuUsage();
    const count = ({ clientName = "", commandName = "" }: Context, change: Partial<OperationCount>): void => {
        const operation = `${clientName.replace(/Client$/, "")}.${commandName.replace(/Command$/, "")}`;
        const entry = (calls[operation] ??= { calls: 0, attempts: 0, errors: 0, bodyBytes: 0 });
        for (const [key, value] of Object.entries(change)) entry[key as keyof OperationCount] += value;
    };
    const instrument = (stack: Stack): void => {
        // Outermost, before serialization and retries: one count per command, whatever happens.
        stack.add(
            (next, context) => async (args) => {
                const body = args.input?.Body;
                const isBytes = typeof body === "string" || body instanceof Uint8Array;
                count(context, { calls: 1, bodyBytes: isBytes ? Buffer.byteLength(body) : 0 });
                try {
                    return await next(args);
                } catch (error) {
                    count(context, { errors: 1 });
                    throw error;
                }
            },
            { step: "initialize", priority: "high", name: "benchCallCounter" },
        );
        // Inside the retry middleware: once per HTTP request sent.
        const attempt = { step: "finalizeRequest", priority: "low", name: "benchAttemptCounter" };
        stack.add((next, context) => (args) => (count(context, { attempts: 1 }), next(args)), attempt);
    };
    // The clients' base class as the function's SDK resolves it: which package defines it varies by version.
    const classes = new Set<ClientClass>();
    for (const [client, className] of Object.entries(CLIENTS)) {
        const clientClass = (require(client) as Record<string, ClientClass>)[className];
        const base = clientClass && (Object.getPrototypeOf(clientClass) as ClientClass);
        if (!base?.prototype?.send)
            throw new Error(`${client} has no ${className} with a base class to count.`);
        classes.add(base);
    }
    for (const clientClass of classes) {
        const instrumented = new WeakSet<object>();
        const send = clientClass.prototype.send;
        clientClass.prototype.send = function (this: { middlewareStack: Stack }, ...args: unknown[]) {
            if (!instrumented.has(this)) {
                instrumented.add(this);
                instrument(this.middlewareStack);
            }
            return send.apply(this, args);
        };
    }
    // Registered before the runner's own listener: the invocation's CPU time starts here.
    process.on("message", (message: { type?: string }) => {
        if (message?.type === "invoke") cpuAtStart = process.cpuUsage();
    });
    const sendToRunner = process.send?.bind(process);
    if (!sendToRunner) throw new Error("function-preload must run in a process forked with an IPC channel.");
    process.send = ((message: { type?: string }, ...rest: unknown[]) => {
        if (message?.type === "result") {
            const used = process.cpuUsage(cpuAtStart);
            const line: InvocationLine = { calls, cpuMs: (used.user + used.system) / 1000 };
            appendFileSync(callsFile, `${JSON.stringify(line)}\n`);
            calls = {};
        }
        return (sendToRunner as (...args: unknown[]) => boolean)(message, ...rest);
    }) as typeof process.send;
}
