import * as fs from "node:fs";

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

/**
 * Starts measuring the CPU time other work takes during a run (a load average cannot tell: the run
 * keeps both cores busy). Ours is this process plus its reaped children, so stop it only once every
 * process of the run has exited. Linux only (/proc); undefined elsewhere.
 *
 * @returns `stop`, giving the shares (0–1) of all CPU time that other processes took and that the
 *   hypervisor gave to other machines (steal)
 */
export function startCpuMeter() {
    if (!fs.existsSync("/proc/stat")) return undefined;
    const start = cpuTicks();
    return {
        stop: () => {
            const end = cpuTicks();
            const share = (ticks: number) => Math.min(1, Math.max(0, ticks) / (end.all - start.all));
            const other = end.busy - start.busy - (end.own - start.own);
            return { otherCpuShare: share(other), stealShare: share(end.steal - start.steal) };
        },
    };
}

/** Ticks of all CPUs (/proc/stat's first line: all, busy, steal) and of this process and its reaped children. */
function cpuTicks() {
    const fields = (fs.readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
        fields.map(Number);
    const self = fs.readFileSync("/proc/self/stat", "utf8");
    // utime, stime, cutime and cstime: the fields after the command name, which may contain spaces.
    const own = self
        .slice(self.lastIndexOf(")") + 2)
        .split(" ")
        .slice(11, 15)
        .map(Number);
    const busy = user + nice + system + irq + softirq;
    return {
        all: busy + idle + iowait + steal,
        busy,
        steal,
        own: own.reduce((sum, ticks) => sum + ticks, 0),
    };
}
