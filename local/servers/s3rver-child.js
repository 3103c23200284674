"use strict";
// Child-process entry for local/servers/s3rver.ts: runs s3rver on 127.0.0.1 and reports over IPC.
// Plain CommonJS so it starts without ts-node.
//
// argv[2]: JSON { port: number, directory: string, buckets: string[], removeDirectoryOnDisconnect: boolean }
//          (port 0 = any free port)
// IPC out: { type: "ready", port } once listening, or { type: "error", code, message } before exiting 1.

const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { Readable, Transform } = require("node:stream");
const { pipeline } = require("node:stream/promises");
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

/**
 * S3 stores an object whole or not at all. s3rver streams a body into the object's own file, so an
 * upload cut off mid-body (a function killed at its timeout) would leave a truncated object, and a
 * reader could see one half written. The body goes to a file beside it, which listings skip, and
 * is renamed into place once complete; an upload that fails leaves nothing.
 */
function storeObjectsWhole(store) {
    store.putObject = async function putObjectWhole(object) {
        const objectPath = this.getResourcePath(object.bucket, object.key, "object");
        await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
        const partialPath = `${objectPath}.${crypto.randomUUID()}.partial`;
        const md5 = crypto.createHash("md5");
        let size = 0;
        const body = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
        try {
            await pipeline(
                body,
                new Transform({
                    transform(chunk, encoding, callback) {
                        md5.update(chunk);
                        size += chunk.length;
                        callback(null, chunk);
                    },
                }),
                fs.createWriteStream(partialPath),
            );
            const digest = md5.digest("hex");
            await this.putMetadata(object.bucket, object.key, object.metadata, digest);
            await fs.promises.rename(partialPath, objectPath);
            return { size, md5: digest };
        } catch (err) {
            await fs.promises.rm(partialPath, { force: true });
            throw err;
        }
    };
}

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
    storeObjectsWhole(server.store);
    server.run().then((address) => report({ type: "ready", port: address.port }, () => {}), fail);
}

main();
