"use strict";
// Child-process entry for local/s3rver.ts: runs s3rver on 127.0.0.1 and reports over IPC.
// Plain CommonJS so it starts without ts-node.
//
// argv[2]: JSON { port: number, directory: string, buckets: string[], removeDirectoryOnDisconnect: boolean }
//          (port 0 = any free port)
// IPC out: { type: "ready", port } once listening, or { type: "error", code, message } before exiting 1.

const crypto = require("node:crypto");
const fs = require("node:fs");
const S3rver = require("s3rver");

function report(message, then) {
    if (process.send !== undefined && process.connected) process.send(message, then);
    else then();
}

function fail(err) {
    const code = err && typeof err === "object" && "code" in err ? String(err.code) : undefined;
    const message = err instanceof Error ? err.stack || err.message : String(err);
    process.stderr.write(`s3rver-child: ${message}\n`);
    report({ type: "error", code, message }, () => process.exit(1));
}

// A listen failure (EADDRINUSE) surfaces as an unhandled 'error' event on s3rver's http server.
process.on("uncaughtException", fail);
process.on("unhandledRejection", fail);

function main() {
    // s3rver's ListObjectsV2 continuation tokens use DES, which OpenSSL 3 only offers through the
    // legacy provider; without it the first paginated listing fails with an opaque 500.
    try {
        crypto.createCipheriv("des", Buffer.alloc(8), Buffer.alloc(8));
    } catch (err) {
        fail(
            new Error(
                `DES cipher unavailable, start node with --openssl-legacy-provider (${err && err.message})`,
            ),
        );
        return;
    }

    const config = JSON.parse(process.argv[2]);

    // The IPC channel closes when the parent dies, even by SIGKILL, so this server cannot be
    // orphaned; a parent killed that way cannot remove its temp dir either, so do it here.
    process.on("disconnect", () => {
        if (config.removeDirectoryOnDisconnect) fs.rmSync(config.directory, { recursive: true, force: true });
        process.exit(0);
    });
    const server = new S3rver({
        address: "127.0.0.1",
        port: config.port,
        directory: config.directory,
        silent: true,
        configureBuckets: config.buckets.map((name) => ({ name })),
    });
    server.run().then((address) => report({ type: "ready", port: address.port }, () => {}), fail);
}

main();
