import type { LocalFunction } from "../local/lambda/local-function";
import type { LocalStack } from "../local/stack";

/**
 * Every process a bench run starts (the local stack's servers and each function's execution
 * environment), so all of them are stopped by pid however the run ends: success, failure or
 * Ctrl-C.
 */
export class BenchProcesses {
    private readonly functions = new Set<LocalFunction>();
    private stack: LocalStack | undefined;
    private readonly cleanups: (() => void)[] = [];
    private stopping: Promise<void> | undefined;

    /** Registers the local stack; `stopAll` stops its servers last. */
    public setStack(stack: LocalStack): void {
        this.stack = stack;
    }

    /** Registers a function whose execution environment the bench started. */
    public track<T extends LocalFunction>(fn: T): T {
        this.functions.add(fn);
        return fn;
    }

    /** Stops one function's environment now (by pid). */
    public async release(fn: LocalFunction): Promise<void> {
        this.functions.delete(fn);
        await fn.stop();
    }

    /** Registers something to undo once everything is stopped, e.g. removing a work directory. */
    public addCleanup(cleanup: () => void): void {
        this.cleanups.push(cleanup);
    }

    /** Stops every function, then the servers, then runs the cleanups. Safe to call more than once. */
    public stopAll(): Promise<void> {
        this.stopping ??= (async () => {
            await Promise.all([...this.functions].map((fn) => fn.stop().catch(() => undefined)));
            this.functions.clear();
            await this.stack?.stop();
            for (const cleanup of this.cleanups.splice(0)) cleanup();
        })();
        return this.stopping;
    }
}
