import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

/** CPU time on the machine during a run that was not the run's own. */
export type CpuInterference = {
    /** CPU seconds used by processes other than this one and the children it started and reaped. */
    readonly otherCpuSeconds: number;
    /** The same as a share of all CPU time available during the run (0–1). */
    readonly otherCpuShare: number;
    /** Share of CPU time the hypervisor gave to other machines (steal; 0–1). */
    readonly stealShare: number;
};

/**
 * Starts measuring how much CPU other work took during a run (Linux only: /proc). A load average
 * cannot tell: the run itself keeps both cores busy. The run's own share is this process plus
 * every child it reaped (the servers and function processes), so stop the meter only once they
 * have all exited.
 *
 * @returns undefined where /proc is not available
 */
export function startCpuMeter(): { stop(): CpuInterference } | undefined {
    if (!fs.existsSync("/proc/stat") || !fs.existsSync("/proc/self/stat")) return undefined;
    const ticksPerSecond = clockTicks();
    const cpus = machineTicks().cpus;
    const started = { machine: machineTicks(), self: ownTicks(), at: performance.now() };
    return {
        stop: () => {
            const machine = machineTicks();
            const busy = machine.busy - started.machine.busy;
            const own = ownTicks() - started.self;
            const available = ((performance.now() - started.at) / 1000) * ticksPerSecond * cpus;
            const other = Math.max(0, busy - own);
            return {
                otherCpuSeconds: other / ticksPerSecond,
                otherCpuShare: available > 0 ? Math.min(1, other / available) : 0,
                stealShare:
                    available > 0 ? Math.min(1, (machine.steal - started.machine.steal) / available) : 0,
            };
        },
    };
}

function clockTicks(): number {
    try {
        return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
        return 100;
    }
}

/** Busy and steal ticks over all CPUs, from /proc/stat's first line. */
function machineTicks(): { busy: number; steal: number; cpus: number } {
    const lines = fs.readFileSync("/proc/stat", "utf8").split("\n");
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = (lines[0] ?? "")
        .trim()
        .split(/\s+/)
        .slice(1)
        .map(Number);
    return {
        busy: user + nice + system + irq + softirq,
        steal,
        cpus: lines.filter((line) => /^cpu\d+ /.test(line)).length,
    };
}

/** This process's CPU ticks plus those of its reaped children (utime, stime, cutime, cstime). */
function ownTicks(): number {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index] ?? 0), 0);
}
