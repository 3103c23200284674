/** Runs a task when a slot is free; resolves or rejects with the task's own outcome. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Bounds how many tasks run at once. (The maintained concurrency-limit packages are ESM-only,
 * which the handler's CommonJS bundle, whose packages stay `require`s, cannot load on every Node
 * version Lambda runs.)
 *
 * @param concurrency - at least 1
 */
export function createLimiter(concurrency: number): Limiter {
    let running = 0;
    const waiting: (() => void)[] = [];
    return async (task) => {
        // A finishing task hands its slot straight to the next waiter, so no newcomer can
        // slip in between and exceed the bound.
        if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
        else running++;
        try {
            return await task();
        } finally {
            const next = waiting.shift();
            if (next) next();
            else running--;
        }
    };
}
