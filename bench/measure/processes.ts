/** Something a run started that must be stopped: the local stack, the latency proxy, a function. */
export type Stoppable = { stop(): Promise<unknown> };

/**
 * Every process a bench run starts, so all of them are stopped by pid however the run ends
 * (success, failure or Ctrl-C): the latest first, so functions stop before the servers they use.
 */
export class BenchProcesses {
    private readonly running: Stoppable[] = [];
    private readonly cleanups: (() => void)[] = [];
    private stopping: Promise<void> | undefined;

    public track<T extends Stoppable>(item: T): T {
        this.running.push(item);
        return item;
    }

    /** Stops one of them now; resolves with what its `stop` does. */
    public release<T>(item: { stop(): Promise<T> }): Promise<T> {
        const index = this.running.indexOf(item);
        if (index >= 0) this.running.splice(index, 1);
        return item.stop();
    }

    /** Something to undo once everything is stopped, e.g. removing a work directory. */
    public addCleanup(cleanup: () => void): void {
        this.cleanups.push(cleanup);
    }

    /** Stops everything, latest first, then runs the cleanups. Safe to call more than once. */
    public stopAll(): Promise<void> {
        return (this.stopping ??= (async () => {
            for (const item of this.running.splice(0).reverse()) await item.stop().catch(() => undefined);
            for (const cleanup of this.cleanups.splice(0)) cleanup();
        })());
    }
}
