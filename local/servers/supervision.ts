import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

/** A local stand-in for an AWS service, running in its own process on 127.0.0.1. */
export type LocalServer = {
    /** Base URL for SDK clients, e.g. `http://127.0.0.1:41234`. */
    readonly endpoint: string;
    readonly port: number;
    /** Pid of the server process itself (never a shell wrapper), so it can be killed directly. */
    readonly pid: number;
    /** Stops the server and resolves once its process has exited. Safe to call more than once. */
    stop(): Promise<void>;
};

/** Region every local client uses; neither server cares, but the SDK insists on one. */
export const LOCAL_REGION = "us-east-1";

/**
 * Finds a non-TypeScript file that lives in `local/servers/` next to these modules.
 *
 * Under ts-node the caller runs from `local/servers/`; compiled, it runs from `bin/local/servers/`, and tsc does
 * not copy `.java`/`.js` files there, so fall back to the source tree.
 */
export function localSourceFile(fileName: string): string {
    const candidates = [
        path.join(__dirname, fileName),
        path.join(__dirname, "..", "..", "..", "local", "servers", fileName),
    ];
    const found = candidates.find((candidate) => existsSync(candidate));
    if (found === undefined)
        throw new Error(`Cannot find ${fileName}; looked in:\n  ${candidates.join("\n  ")}`);
    return found;
}

/** How a supervised process ended. */
export type ExitStatus = { readonly code: number | null; readonly signal: NodeJS.Signals | null };

/** A spawned child process whose lifetime is tied to ours. */
export type SupervisedProcess = {
    readonly pid: number;
    readonly child: ChildProcess;
    /** Resolves when the process has exited (and been reaped, so its pid is gone). */
    readonly exited: Promise<ExitStatus>;
    hasExited(): boolean;
    /** The last lines the process wrote to stdout/stderr, for error messages. */
    output(): string;
    /** SIGTERM, then SIGKILL if still alive after the grace period; resolves once exited. Idempotent. */
    stop(): Promise<void>;
};

export type SuperviseOptions = {
    /** Called with each line of the child's stdout/stderr. */
    log?: (line: string) => void;
    /** Lines of output kept for error messages. */
    maxLines?: number;
    /** Grace period between SIGTERM and SIGKILL. */
    killAfterMs?: number;
};

const DEFAULT_MAX_LINES = 50;
const DEFAULT_KILL_AFTER_MS = 3_000;
const STDIO_DRAIN_MS = 500;

/**
 * Spawns `command` and supervises it: collects its output, and makes sure it cannot outlive this
 * Node process when that exits normally (a `process.on("exit")` hook SIGKILLs it).
 *
 * Resolves once the OS has started the process; rejects if it could not be spawned at all.
 * Output is only collected from stdout/stderr that `spawnOptions.stdio` pipes (the default).
 */
export async function spawnSupervised(
    command: string,
    args: readonly string[],
    spawnOptions: SpawnOptions,
    options: SuperviseOptions = {},
): Promise<SupervisedProcess> {
    const child = spawn(command, args, { ...spawnOptions, shell: false });
    await new Promise<void>((resolve, reject) => {
        child.once("spawn", resolve);
        child.once("error", reject);
    });
    if (child.pid === undefined) throw new Error(`${command} started without a pid`);
    return supervise(child, child.pid, options);
}

function supervise(child: ChildProcess, pid: number, options: SuperviseOptions): SupervisedProcess {
    const maxLines = options.maxLines ?? DEFAULT_MAX_LINES;
    const lines: string[] = [];
    const collect = (stream: Readable | null): void => {
        if (stream === null) return;
        createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
            lines.push(line);
            if (lines.length > maxLines) lines.shift();
            options.log?.(line);
        });
    };
    collect(child.stdout);
    collect(child.stderr);

    let exitStatus: ExitStatus | undefined;
    // Set as soon as the child is reaped: from then on its pid may belong to someone else.
    let reaped = false;
    const send = (sig: NodeJS.Signals): void => {
        if (!reaped) signal(pid, sig);
    };
    // Exit hooks must be synchronous, so only a signal can be sent here; SIGKILL because a JVM
    // may take seconds to honour SIGTERM and we are not waiting for it.
    const removeExitHook = onProcessExit(() => send("SIGKILL"));
    // Only after spawn, errors come from signalling or IPC; without a listener they would crash us.
    child.on("error", (err) => lines.push(`[supervisor] ${err.message}`));

    const exited = new Promise<ExitStatus>((resolve) => {
        child.once("exit", (code, sig) => {
            reaped = true;
            const status: ExitStatus = { code, signal: sig };
            removeExitHook();
            // 'exit' can arrive before the last output lines (often the error message) have been read;
            // 'close' comes after stdio is drained. Don't wait forever in case a grandchild holds a pipe.
            const settle = (): void => {
                clearTimeout(fallback);
                exitStatus = status;
                resolve(status);
            };
            const fallback = setTimeout(settle, STDIO_DRAIN_MS);
            child.once("close", settle);
        });
    });

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
        stopping ??= (async () => {
            if (exitStatus !== undefined) return;
            send("SIGTERM");
            const escalate = setTimeout(() => send("SIGKILL"), options.killAfterMs ?? DEFAULT_KILL_AFTER_MS);
            try {
                await exited;
            } finally {
                clearTimeout(escalate);
            }
        })();
        return stopping;
    };

    return {
        pid,
        child,
        exited,
        hasExited: () => exitStatus !== undefined,
        output: () => lines.join("\n"),
        stop,
    };
}

const exitHooks = new Set<() => void>();

function runExitHooks(): void {
    for (const hook of exitHooks) {
        try {
            hook();
        } catch {
            // Keep going: one failed cleanup must not leave the other servers running.
        }
    }
}

/**
 * Runs `hook` synchronously when this Node process exits (normally or via `process.exit`), in
 * registration order. Returns a function that unregisters it.
 *
 * One shared `process.on("exit")` listener, so many servers do not trip MaxListenersExceeded.
 */
export function onProcessExit(hook: () => void): () => void {
    if (exitHooks.size === 0) process.on("exit", runExitHooks);
    exitHooks.add(hook);
    return () => {
        exitHooks.delete(hook);
        if (exitHooks.size === 0) process.removeListener("exit", runExitHooks);
    };
}

/** Sends `sig` to `pid`, ignoring a process that is already gone. */
function signal(pid: number, sig: NodeJS.Signals): void {
    try {
        process.kill(pid, sig);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
    }
}

/** Describes an exit status for error messages, e.g. `exit code 1` or `signal SIGKILL`. */
export function describeExit(status: ExitStatus): string {
    return status.signal !== null ? `signal ${status.signal}` : `exit code ${String(status.code)}`;
}

export type WaitUntilReadyOptions = {
    /** Human-readable server name for error messages. */
    name: string;
    /** Absolute deadline (`Date.now()` ms) after which start-up counts as failed. */
    deadline: number;
    /** Pause between probes. */
    intervalMs?: number;
    /** Upper bound for a single probe, so a hung connection cannot eat the whole deadline. */
    probeTimeoutMs?: number;
};

/**
 * Repeats `probe` until it succeeds, the process exits, or the deadline passes.
 *
 * Probing with a real API call (rather than watching for a log line or an open port) proves
 * the server can actually serve requests.
 *
 * @throws Error including the process's recent output when it exits or never answers.
 */
export async function waitUntilReady(
    proc: SupervisedProcess,
    probe: (signal: AbortSignal) => Promise<unknown>,
    options: WaitUntilReadyOptions,
): Promise<void> {
    const intervalMs = options.intervalMs ?? 100;
    const probeTimeoutMs = options.probeTimeoutMs ?? 2_000;
    let lastError: unknown;
    for (;;) {
        if (proc.hasExited()) throw exitedEarly(proc, options.name, await proc.exited);
        const remaining = options.deadline - Date.now();
        if (remaining <= 0) break;
        const abort = new AbortController();
        const timer = setTimeout(
            () => abort.abort(new Error("probe timed out")),
            Math.min(probeTimeoutMs, remaining),
        );
        try {
            // Race the exit too: if the port is held by something that never answers, the probe would
            // otherwise hang for its whole timeout after the server has already died.
            const outcome = await Promise.race([
                probe(abort.signal).then(() => "ready" as const),
                proc.exited.then(() => "exited" as const),
            ]);
            if (outcome === "ready") return;
            continue;
        } catch (err) {
            lastError = err;
        } finally {
            clearTimeout(timer);
            abort.abort();
        }
        await Promise.race([delay(intervalMs), proc.exited]);
    }
    const last = lastError instanceof Error ? lastError.message : String(lastError);
    throw new Error(
        `${options.name} (pid ${proc.pid}) did not answer before the start-up deadline; last error: ${last}\n` +
            `--- ${options.name} output ---\n${proc.output()}`,
    );
}

/** The error for a server process that exited while we were waiting for it to start. */
export function exitedEarly(proc: SupervisedProcess, name: string, status: ExitStatus): Error {
    return new Error(
        `${name} (pid ${proc.pid}) exited with ${describeExit(status)} during start-up\n--- ${name} output ---\n${proc.output()}`,
    );
}

function delay(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
