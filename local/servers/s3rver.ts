import { ListBucketsCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { rmSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LOCAL_CREDENTIALS } from "../../stack-access/local-stack-file";

import { assertValidPort, PortInUseError } from "./free-port";
import {
    LOCAL_REGION,
    exitedEarly,
    localSourceFile,
    onProcessExit,
    spawnSupervised,
    waitUntilReady,
    type LocalServer,
    type SupervisedProcess,
} from "./supervision";

export type { LocalServer } from "./supervision";

/** Options for {@link startS3rver}. */
export type S3rverOptions = {
    /** Port to listen on (127.0.0.1 only). Defaults to a free port chosen by the OS. */
    port?: number;
    /** Where s3rver stores buckets. Defaults to a fresh temp dir that is removed on stop. */
    directory?: string;
    /** Buckets to create before the server accepts requests. */
    buckets?: string[];
};

const NAME = "s3rver";
const START_TIMEOUT_MS = 30_000;

/**
 * SDK client config for an s3rver endpoint.
 *
 * s3rver only serves path-style URLs, only accepts the S3RVER/S3RVER credentials, and predates
 * the flexible checksums newer SDKs send and validate by default, hence `WHEN_REQUIRED`.
 */
export function s3ClientConfig(endpoint: string): S3ClientConfig {
    return {
        endpoint,
        region: LOCAL_REGION,
        forcePathStyle: true,
        credentials: { ...LOCAL_CREDENTIALS },
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
    };
}

/**
 * Starts s3rver on 127.0.0.1 in a child Node process and resolves once it answers a real
 * `ListBuckets` call.
 *
 * It runs out of process because its ListObjectsV2 continuation tokens use DES, which needs
 * `--openssl-legacy-provider` in the Node process that serves them; this keeps that flag out of
 * the caller's process.
 *
 * @throws {@link PortInUseError} if `options.port` is taken; Error with the server's output if it
 *   exits or does not answer within 30 s.
 */
export async function startS3rver(options: S3rverOptions = {}): Promise<LocalServer> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    if (options.port !== undefined) assertValidPort(options.port);
    const ownedDirectory =
        options.directory === undefined ? await mkdtemp(path.join(os.tmpdir(), "s3rver-")) : undefined;
    const directory = ownedDirectory ?? path.resolve(options.directory ?? ".");
    // s3rver lists buckets by reading this directory, so it must exist even when empty.
    await mkdir(directory, { recursive: true });
    let removeExitHook = (): void => undefined;
    const removeOwnedDirectory = async (): Promise<void> => {
        removeExitHook();
        if (ownedDirectory !== undefined) await rm(ownedDirectory, { recursive: true, force: true });
    };

    let proc: SupervisedProcess;
    try {
        const config = {
            port: options.port ?? 0,
            directory,
            buckets: options.buckets ?? [],
            removeDirectoryOnDisconnect: ownedDirectory !== undefined,
        };
        proc = await spawnSupervised(
            process.execPath,
            [localSourceFile("s3rver-child.js"), JSON.stringify(config)],
            {
                stdio: ["ignore", "pipe", "pipe", "ipc"],
                // Replaced, not appended to: inherited flags such as --inspect or `-r ts-node/register`
                // would clash with the parent or slow the child down.
                env: { ...process.env, NODE_OPTIONS: "--openssl-legacy-provider" },
            },
        );
    } catch (err) {
        await removeOwnedDirectory();
        throw err;
    }
    if (ownedDirectory !== undefined) {
        // If this process exits without stop(), the supervisor SIGKILLs the child (its hook was
        // registered first, so it runs first) and only we can clean up, synchronously. If we are
        // SIGKILLed ourselves, the child cleans up instead.
        removeExitHook = onProcessExit(() => rmSync(ownedDirectory, { recursive: true, force: true }));
    }

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
        stopping ??= proc.stop().then(removeOwnedDirectory);
        return stopping;
    };

    try {
        const port = await boundPort(proc, deadline, options.port);
        const endpoint = `http://127.0.0.1:${port}`;
        const client = new S3Client({ ...s3ClientConfig(endpoint), maxAttempts: 1 });
        try {
            await waitUntilReady(
                proc,
                (abortSignal) => client.send(new ListBucketsCommand({}), { abortSignal }),
                { name: NAME, deadline },
            );
        } finally {
            client.destroy();
        }
        return { endpoint, port, pid: proc.pid, stop };
    } catch (err) {
        await stop();
        throw err;
    }
}

type ChildMessage =
    { type: "ready"; port: number } | { type: "error"; code: string | undefined; message: string };

/** Waits for the child to report the port it bound (it binds port 0 itself, so no race). */
async function boundPort(
    proc: SupervisedProcess,
    deadline: number,
    requestedPort: number | undefined,
): Promise<number> {
    let onMessage: ((value: unknown) => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    const reported = new Promise<ChildMessage>((resolve) => {
        onMessage = (value: unknown): void => {
            const message = parseChildMessage(value);
            if (message !== undefined) resolve(message);
        };
        proc.child.on("message", onMessage);
    });
    const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
            () =>
                reject(
                    new Error(
                        `${NAME} (pid ${proc.pid}) did not report a port in time\n--- ${NAME} output ---\n${proc.output()}`,
                    ),
                ),
            Math.max(0, deadline - Date.now()),
        );
    });
    const exited = proc.exited.then((status): never => {
        throw exitedEarly(proc, NAME, status);
    });
    try {
        const message = await Promise.race([reported, timedOut, exited]);
        if (message.type === "ready") return message.port;
        if (message.code === "EADDRINUSE" && requestedPort !== undefined)
            throw new PortInUseError(requestedPort);
        throw new Error(`${NAME} failed to start: ${message.message}`);
    } finally {
        clearTimeout(timer);
        if (onMessage !== undefined) proc.child.removeListener("message", onMessage);
    }
}

function parseChildMessage(value: unknown): ChildMessage | undefined {
    if (typeof value !== "object" || value === null) return undefined;
    const record = value as Record<string, unknown>;
    if (record.type === "ready" && typeof record.port === "number")
        return { type: "ready", port: record.port };
    if (record.type === "error") {
        return {
            type: "error",
            code: typeof record.code === "string" ? record.code : undefined,
            message: typeof record.message === "string" ? record.message : "unknown error",
        };
    }
    return undefined;
}
