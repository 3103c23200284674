import AdmZip from "adm-zip";
import { zipCodeArchive } from "../../local/lambda/code-archive";
import type { LocalStack } from "../../local/stack";
import { createFunction, type BenchCode } from "./functions";
import type { BenchProcesses } from "./processes";
import type { StackSettings } from "./stack-settings";

/**
 * Cold init of the packaged function and of a function that only loads and builds the two SDK
 * clients it needs, alternating, each in a fresh process (local/lambda/worker.js times the require
 * of the function's module, which for the handler runs its factory), without the counting preload.
 * The ratio of their medians is what the handler's own code adds, on any machine.
 *
 * @returns each run's init time in ms, per function
 * @throws {Error} when a function fails to initialize
 */
export async function measureColdInits(
    stack: LocalStack,
    code: BenchCode,
    settings: StackSettings,
    processes: BenchProcesses,
    runs: number,
): Promise<{ readonly packaged: number[]; readonly sdkOnly: number[] }> {
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

/** Files in a code archive that Node never loads for a CommonJS function, by kind. */
export const NEVER_LOADED: Readonly<Record<string, RegExp>> = {
    typeDeclarations: /\.d\.[cm]?ts$/,
    sourceMaps: /\.map$/,
    esmBuilds: /\/lib\/esm\/.*\.js$/,
    docs: /\.md$/i,
};

/**
 * The code archive as `pulumi up` would upload it: its zipped size, entries, and the compressed bytes
 * of files the function never loads (type declarations, source maps, the ESM builds of dual-format
 * packages the CommonJS handler never imports, README and CHANGELOG files), by kind.
 */
export async function codeArchiveFigures(stack: LocalStack) {
    const fn = stack.deployment.functions.find((declared) => declared.resource.name === "changefeed-handler");
    if (!fn) throw new Error("The program declared no function.");
    const archive = await zipCodeArchive(fn.resource.inputs.code);
    const neverLoadedBytes = Object.fromEntries(Object.keys(NEVER_LOADED).map((kind) => [kind, 0]));
    for (const entry of new AdmZip(archive.zip).getEntries()) {
        const kind = Object.keys(NEVER_LOADED).find((name) => NEVER_LOADED[name]?.test(entry.entryName));
        if (kind) neverLoadedBytes[kind] = (neverLoadedBytes[kind] ?? 0) + entry.header.compressedSize;
    }
    return { zipBytes: archive.zip.length, entries: archive.entries.length, neverLoadedBytes };
}
