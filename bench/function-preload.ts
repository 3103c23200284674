/**
 * Loaded into a function's process with `NODE_OPTIONS=--require <this file, transpiled>`: it makes
 * the AWS SDK clients the function builds count their calls (see `api-calls.ts`), and appends one
 * JSON line of counts per invocation to `BENCH_CALLS_FILE`, written synchronously just before the
 * invocation's result goes back to the runner, so the file is complete when `invoke` resolves.
 *
 * The function's code is untouched: this is the same packaged archive `pulumi up` would upload.
 */
import { appendFileSync } from "node:fs";
import * as path from "node:path";
import { CallCounter, countCallsOfClientClass } from "./api-calls";

const callsFile = process.env.BENCH_CALLS_FILE;
if (callsFile) {
    const counter = new CallCounter();
    // The client base class as the function's SDK packages resolve it (from the runtime's modules).
    const instrumented = new Set<unknown>();
    for (const client of ["@aws-sdk/client-dynamodb", "@aws-sdk/client-s3"]) {
        const core = require(
            require.resolve("@smithy/core/client", { paths: [path.dirname(require.resolve(client))] }),
        ) as { Client: { prototype: { send: (...args: unknown[]) => unknown } } };
        if (instrumented.has(core.Client)) continue;
        instrumented.add(core.Client);
        countCallsOfClientClass(core.Client, counter);
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
