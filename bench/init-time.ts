import type { LocalStack } from "../local/stack";
import type { BenchProcesses } from "./processes";

/**
 * Cold init of the packaged function: for each run a fresh Node process (local/lambda/worker.js,
 * with the runtime's NODE_PATH and the function's own environment) requires the unpacked
 * `__index.js`, which runs the handler's factory; the worker times that require. No call counting
 * is loaded, so nothing but the function's own code is timed.
 *
 * @returns each run's init time in ms
 * @throws {Error} when the function fails to initialize
 */
export async function measureColdInits(
    stack: LocalStack,
    processes: BenchProcesses,
    runs: number,
): Promise<number[]> {
    const durations: number[] = [];
    for (let run = 0; run < runs; run++) {
        const fn = processes.track(stack.createFunction({ onLog: () => undefined }));
        try {
            // An empty batch: the environment starts, inits and answers without touching a server.
            const invocation = await fn.invoke({ Records: [] });
            if (!invocation.ok) {
                throw new Error(`The packaged function failed to start: ${invocation.error.errorMessage}`);
            }
            const [initMs] = fn.initDurationsMs;
            if (initMs === undefined) throw new Error("The function reported no init time.");
            durations.push(initMs);
        } finally {
            await processes.release(fn);
        }
    }
    return durations;
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1
        ? (sorted[middle] ?? NaN)
        : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}
