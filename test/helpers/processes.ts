import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../local/program";

/** A process tree being watched: every descendant ever seen is remembered. */
export type WatchedRun = {
    readonly output: () => string;
    readonly descendants: ReadonlySet<number>;
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    readonly pid: number;
    /** Resolves when the output matches, rejects if the process exits first or time runs out. */
    waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
    kill(signal: NodeJS.Signals): void;
};

/** Runs `npm start`'s entry (cli/start.ts) with arguments, watching its whole process tree. */
export function runStart(args: readonly string[], env: NodeJS.ProcessEnv = process.env): WatchedRun {
    const child = spawn(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "cli/start.ts", ...args],
        {
            cwd: PROJECT_ROOT,
            env: { ...env, TS_NODE_TRANSPILE_ONLY: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    let text = "";
    child.stdout.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    const descendants = new Set<number>();
    const rootPid = child.pid ?? -1;
    const watch = setInterval(() => {
        for (const pid of descendantsOf(rootPid)) descendants.add(pid);
    }, 100);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once("exit", (code, signal) => {
            clearInterval(watch);
            resolve({ code, signal });
        }),
    );
    return {
        pid: rootPid,
        output: () => text,
        descendants,
        exited,
        kill: (signal) => child.kill(signal),
        waitFor: async (pattern, timeoutMs = 60_000) => {
            const deadline = Date.now() + timeoutMs;
            let done = false;
            void exited.then(() => (done = true));
            for (;;) {
                const match = pattern.exec(text);
                if (match) return match;
                if (done) throw new Error(`exited before printing ${pattern}:\n${text}`);
                if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${text}`);
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
        },
    };
}

/** Processes still running (zombies count as gone: they no longer run anything). */
export function stillRunning(pids: Iterable<number>): number[] {
    return [...pids].filter((pid) => {
        const stat = readStat(pid);
        return stat !== undefined && stat.state !== "Z";
    });
}

function descendantsOf(root: number): number[] {
    const children = new Map<number, number[]>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        const stat = readStat(Number(entry));
        if (!stat) continue;
        children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(entry)]);
    }
    const found: number[] = [];
    const queue = [root];
    while (queue.length > 0) {
        for (const child of children.get(queue.shift()!) ?? []) {
            found.push(child);
            queue.push(child);
        }
    }
    return found;
}

function readStat(pid: number): { state: string; ppid: number } | undefined {
    try {
        const stat = fs.readFileSync(path.join("/proc", String(pid), "stat"), "utf8");
        // The command name is in parentheses and may contain spaces; fields follow the last ")".
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return { state: fields[0] ?? "?", ppid: Number(fields[1]) };
    } catch {
        return undefined;
    }
}

/** Runs an ops command (cli/<file>) to completion, returning its exit code and output. */
export async function runOps(
    file: string,
    args: readonly string[],
): Promise<{ code: number | null; output: string }> {
    const child = spawn(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join("cli", file), ...args],
        {
            cwd: PROJECT_ROOT,
            env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    return { code, output };
}
