import { createServer } from "node:net";

/** Loopback only: local servers must never be reachable from other hosts. */
const HOST = "127.0.0.1";

/** Thrown when a caller asks for a specific port that something else already holds. */
export class PortInUseError extends Error {
    constructor(readonly port: number) {
        super(`Port ${port} on ${HOST} is already in use; choose another port or omit it to pick a free one`);
        this.name = "PortInUseError";
    }
}

/** Rejects anything that is not a usable TCP port number (1-65535) with a clear message. */
export function assertValidPort(port: number): void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new RangeError(`Invalid port ${port}: expected an integer from 1 to 65535`);
    }
}

/**
 * Returns a TCP port on 127.0.0.1 that was free a moment ago.
 *
 * The port is released before returning, so another process can still take it before the caller
 * binds it; callers that spawn slow servers should retry on {@link PortInUseError}.
 */
export async function findFreePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, HOST, () => {
            const address = server.address();
            if (address === null || typeof address === "string") {
                server.close();
                reject(new Error(`Unexpected address from an ephemeral listen: ${String(address)}`));
                return;
            }
            server.close((err) => (err ? reject(err) : resolve(address.port)));
        });
    });
}

/**
 * Tells whether `port` can be bound on 127.0.0.1 right now.
 *
 * On Linux this also reports ports held on 0.0.0.0 or [::] as busy, since binding the loopback
 * address would conflict with them.
 */
export async function isPortFree(port: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once("error", (err: NodeJS.ErrnoException) => {
            if (err.code === "EADDRINUSE" || err.code === "EACCES") resolve(false);
            else reject(err);
        });
        server.listen(port, HOST, () => server.close(() => resolve(true)));
    });
}
