import { zipCodeArchive, type LocalStack } from "../../local";
import { createFunction, type BenchCode } from "./functions";
import type { BenchProcesses } from "./processes";
import type { StackSettings } from "./stack-settings";

/**
 * Cold init of the packaged function and of a function that only loads and builds the two SDK
 * clients it needs, alternating, each in a fresh process without the counting preload
 * (local/lambda/worker.js times the require of the function's module, which for the handler runs
 * its factory). The ratio of their medians is what the handler's own code adds, on any machine.
 *
 * @throws {Error} when a function fails to initialize
 */
export async function measureColdInits(
    stack: LocalStack,
    code: BenchCode,
    settings: StackSettings,
    processes: BenchProcesses,
    runs: number,
) {
    const times = { packaged: [] as number[], sdkOnly: [] as number[] };
    for (let run = 0; run < runs; run++)
        for (const [kind, into] of [
            ["handler", times.packaged],
            ["sdk-only", times.sdkOnly],
        ] as const) {
            const fn = processes.track(createFunction(stack, code, kind, settings));
            try {
                // An empty batch: the environment starts, inits and answers without touching a server.
                const invocation = await fn.invoke({ Records: [] });
                const [initMs] = fn.initDurationsMs;
                if (!invocation.ok || initMs === undefined)
                    throw new Error(`The ${kind} function failed to start.`);
                into.push(initMs);
            } finally {
                await processes.release(fn);
            }
        }
    return times;
}

/** The code archive as `pulumi up` would upload it: its zipped size and its number of entries. */
export async function codeArchiveFigures(stack: LocalStack) {
    const fn = stack.deployment.functions.find((declared) => declared.resource.name === "changefeed-handler");
    if (!fn) throw new Error("The program declared no function.");
    const archive = await zipCodeArchive(fn.resource.inputs.code);
    return { zipBytes: archive.zip.length, entries: archive.entries.length };
}
