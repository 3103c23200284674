import { execFileSync } from "node:child_process";
import * as fs from "node:fs";

/**
 * Starts measuring how much CPU other work took during a run (Linux: /proc; a load average cannot
 * tell, the run itself keeps both cores busy). The run's own share is this process plus every child
 * it reaped, so stop the meter only once they have all exited.
 *
 * @returns undefined where /proc is not available; `stop` gives the shares (0–1) of all CPU time
 *   during the run that other processes took, and that the hypervisor gave to other machines (steal)
 */
export function startCpuMeter(): { stop(): { otherCpuShare: number; stealShare: number } } | undefined {
    if (!fs.existsSync("/proc/stat")) return undefined;
    const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    const started = { machine: machineTicks(), own: ownTicks(), at: performance.now() };
    return {
        stop: () => {
            const machine = machineTicks();
            const available = ((performance.now() - started.at) / 1000) * ticksPerSecond * machine.cpus;
            const other = machine.busy - started.machine.busy - (ownTicks() - started.own);
            const share = (ticks: number) => Math.min(1, Math.max(0, ticks) / available);
            return { otherCpuShare: share(other), stealShare: share(machine.steal - started.machine.steal) };
        },
    };
}

/** Busy and steal ticks over all CPUs, from /proc/stat's first line. */
function machineTicks(): { busy: number; steal: number; cpus: number } {
    const lines = fs.readFileSync("/proc/stat", "utf8").split("\n");
    const fields = (lines[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    const cpus = lines.filter((line) => /^cpu\d+ /.test(line)).length;
    return { busy: user + nice + system + irq + softirq, steal, cpus };
}

/** This process's CPU ticks plus those of its reaped children (utime, stime, cutime, cstime). */
function ownTicks(): number {
    const stat = fs.readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index] ?? 0), 0);
}
