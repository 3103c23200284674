/**
 * Loaded into a function's process with `NODE_OPTIONS=--require <this file, transpiled>`: it makes
 * the AWS SDK clients the function builds count their calls (see `api-calls.ts`), and appends one
 * JSON line of counts per invocation to `BENCH_CALLS_FILE`, written synchronously just before the
 * invocation's result goes back to the runner, so the file is complete when `invoke` resolves.
 *
 * The function's code is untouched: this is the same packaged archive `pulumi up` would upload.
 */
import { appendFileSync } from "node:fs";
import { CallCounter, countCallsOfClientClass } from "./api-calls";

type ClientClass = { prototype: { send: (...args: unknown[]) => unknown } };

/** The clients the functions build, by package, with the name of their client class. */
const CLIENTS = { "@aws-sdk/client-dynamodb": "DynamoDBClient", "@aws-sdk/client-s3": "S3Client" } as const;

const callsFile = process.env.BENCH_CALLS_FILE;
if (callsFile) {
    const counter = new CallCounter();
    // The base class of the clients as the function's SDK resolves them (from the runtime's
    // modules), taken from the client class itself: which package defines it varies by SDK version.
    const instrumented = new Set<unknown>();
    for (const [client, className] of Object.entries(CLIENTS)) {
        const clientClass = (require(client) as Record<string, ClientClass>)[className];
        const base = clientClass && (Object.getPrototypeOf(clientClass) as ClientClass);
        if (!base?.prototype?.send)
            throw new Error(`${client} has no ${className} with a base class to count.`);
        if (instrumented.has(base)) continue;
        instrumented.add(base);
        countCallsOfClientClass(base, counter);
    }
    const send = process.send?.bind(process);
    if (!send) throw new Error("function-preload must run in a process forked with an IPC channel.");
    process.send = ((message: unknown, ...rest: unknown[]) => {
        if ((message as { type?: unknown } | null)?.type === "result") {
            appendFileSync(callsFile, `${JSON.stringify(counter.takeWindow())}\n`);
        }
        return (send as (...args: unknown[]) => boolean)(message, ...rest);
    }) as typeof process.send;
}
