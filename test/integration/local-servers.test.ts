import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { promisify } from "node:util";

import {
    CreateTableCommand,
    DynamoDBClient,
    ListTablesCommand,
    PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
    DescribeStreamCommand,
    DynamoDBStreamsClient,
    GetRecordsCommand,
    GetShardIteratorCommand,
    ListStreamsCommand,
    type _Record as StreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

import { dynamoDBClientConfig, startDynamoDBLocal } from "../../local/servers/dynamodb-local";
import { parseJavaMajorVersion } from "../../local/servers/java";
import type { LocalServer } from "../../local/servers/supervision";
import { s3ClientConfig, startS3rver } from "../../local/servers/s3rver";

const BUCKET = "local-servers-test";
const REPO_ROOT = path.resolve(__dirname, "..", "..");

describe("parseJavaMajorVersion", () => {
    const cases: ReadonlyArray<[string, string, number | undefined]> = [
        [
            "Java 17 (OpenJDK)",
            'openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)',
            17,
        ],
        [
            "Java 21 without minor",
            'openjdk version "21" 2023-09-19\nOpenJDK 64-Bit Server VM (build 21+35-2513, mixed mode)',
            21,
        ],
        [
            "Java 8 legacy scheme",
            'java version "1.8.0_392"\nJava(TM) SE Runtime Environment (build 1.8.0_392-b08)',
            8,
        ],
        ["early access", 'openjdk version "22-ea" 2024-03-19', 22],
        [
            "after a JAVA_TOOL_OPTIONS notice",
            'Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nopenjdk version "17.0.2" 2022-01-18',
            17,
        ],
        ["bare version string", "17.0.15", 17],
        ["bare legacy version", "1.8.0_392", 8],
        ["unrelated output", "bash: java: command not found", undefined],
        ["empty output", "", undefined],
    ];
    for (const [name, output, expected] of cases) {
        it(`parses ${name}`, () => assert.equal(parseJavaMajorVersion(output), expected));
    }
});

describe("local servers", function () {
    this.timeout(40_000);

    let dynamo: LocalServer | undefined;
    let s3rver: LocalServer | undefined;

    before(async () => {
        // allSettled, so a failure of one still leaves the other assigned for after() to stop.
        const [d, s] = await Promise.allSettled([
            timed("DynamoDB Local", () => startDynamoDBLocal()),
            timed("s3rver", () => startS3rver({ buckets: [BUCKET] })),
        ]);
        if (d.status === "fulfilled") dynamo = d.value;
        if (s.status === "fulfilled") s3rver = s.value;
        if (d.status === "rejected") throw d.reason;
        if (s.status === "rejected") throw s.reason;
    });

    after(async () => {
        await Promise.all([dynamo?.stop(), s3rver?.stop()]);
    });

    describe("DynamoDB Local", () => {
        it("answers on 127.0.0.1 from a live Java process", async () => {
            const server = required(dynamo);
            assert.match(server.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
            assert.ok(Number.isInteger(server.pid) && server.pid > 0);
            assert.doesNotThrow(() => process.kill(server.pid, 0));
            const client = new DynamoDBClient(dynamoDBClientConfig(server.endpoint));
            try {
                const out = await client.send(new ListTablesCommand({}));
                assert.ok(Array.isArray(out.TableNames));
            } finally {
                client.destroy();
            }
        });

        it("listens on loopback only", function () {
            if (!existsSync("/proc/net/tcp")) this.skip();
            const server = required(dynamo);
            const addresses = listeningAddresses(server.port);
            assert.ok(addresses.length > 0, `nothing listens on port ${server.port}`);
            assert.deepEqual([...new Set(addresses)], ["127.0.0.1"]);
        });

        it("emits an INSERT through the Streams API for a written item", async () => {
            const server = required(dynamo);
            const client = new DynamoDBClient(dynamoDBClientConfig(server.endpoint));
            const tableName = `stream-test-${Date.now()}`;
            try {
                await client.send(
                    new CreateTableCommand({
                        TableName: tableName,
                        AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
                        KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
                        BillingMode: "PAY_PER_REQUEST",
                        StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
                    }),
                );
                await client.send(
                    new PutItemCommand({
                        TableName: tableName,
                        Item: { pk: { S: "item-1" }, note: { S: "hello" } },
                    }),
                );
            } finally {
                client.destroy();
            }

            const streams = new DynamoDBStreamsClient(dynamoDBClientConfig(server.endpoint));
            try {
                const listed = await streams.send(new ListStreamsCommand({ TableName: tableName }));
                const streamArn = listed.Streams?.find((s) => s.TableName === tableName)?.StreamArn;
                assert.ok(streamArn, "table has no stream");
                const described = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
                assert.equal(described.StreamDescription?.StreamViewType, "NEW_AND_OLD_IMAGES");

                const records: StreamRecord[] = [];
                for (const shard of described.StreamDescription?.Shards ?? []) {
                    const { ShardIterator } = await streams.send(
                        new GetShardIteratorCommand({
                            StreamArn: streamArn,
                            ShardId: shard.ShardId,
                            ShardIteratorType: "TRIM_HORIZON",
                        }),
                    );
                    const page = await streams.send(new GetRecordsCommand({ ShardIterator }));
                    records.push(...(page.Records ?? []));
                }
                const insert = records.find(
                    (r) => r.eventName === "INSERT" && r.dynamodb?.Keys?.pk?.S === "item-1",
                );
                assert.ok(insert, `no INSERT for item-1 among ${JSON.stringify(records)}`);
                assert.equal(insert.dynamodb?.NewImage?.note?.S, "hello");
                assert.equal(insert.dynamodb?.OldImage, undefined);
            } finally {
                streams.destroy();
            }
        });
    });

    describe("s3rver", () => {
        it("stores exactly the bytes of a Buffer body", async () => {
            const client = new S3Client(s3ClientConfig(required(s3rver).endpoint));
            try {
                // Random bytes include invalid UTF-8, so any text re-encoding would corrupt them.
                const body = randomBytes(64 * 1024);
                await client.send(
                    new PutObjectCommand({ Bucket: BUCKET, Key: "bytes/random.bin", Body: body }),
                );
                const got = await client.send(
                    new GetObjectCommand({ Bucket: BUCKET, Key: "bytes/random.bin" }),
                );
                assert.ok(got.Body);
                const stored = Buffer.from(await got.Body.transformToByteArray());
                assert.equal(stored.length, body.length);
                assert.ok(stored.equals(body), "stored bytes differ from the uploaded Buffer");
            } finally {
                client.destroy();
            }
        });

        it("stores an upload cut off mid-body not at all, as S3 does", async () => {
            const client = new S3Client(s3ClientConfig(required(s3rver).endpoint));
            try {
                const url = new URL(`${required(s3rver).endpoint}/${BUCKET}/cut/object.gz`);
                // Half the promised body, then the connection dies: a function killed at its timeout.
                await new Promise<void>((resolve) => {
                    const request = httpRequest(url, {
                        method: "PUT",
                        headers: { "content-length": "200000" },
                    });
                    request.on("error", () => resolve());
                    request.write(randomBytes(100_000), () => setTimeout(() => request.destroy(), 200));
                });
                await new Promise((resolve) => setTimeout(resolve, 300));

                const listed = await client.send(
                    new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "cut/" }),
                );
                assert.deepEqual(listed.Contents ?? [], []);
                await assert.rejects(
                    client.send(new GetObjectCommand({ Bucket: BUCKET, Key: "cut/object.gz" })),
                    (error: Error) => error.name === "NoSuchKey",
                );
            } finally {
                client.destroy();
            }
        });

        it("paginates ListObjectsV2", async () => {
            const client = new S3Client(s3ClientConfig(required(s3rver).endpoint));
            try {
                const keys = ["page/a", "page/b", "page/c", "page/d", "page/e"];
                for (const key of keys)
                    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
                const pages: string[][] = [];
                let token: string | undefined;
                do {
                    const page = await client.send(
                        new ListObjectsV2Command({
                            Bucket: BUCKET,
                            Prefix: "page/",
                            MaxKeys: 2,
                            ContinuationToken: token,
                        }),
                    );
                    pages.push((page.Contents ?? []).map((o) => o.Key ?? ""));
                    token = page.IsTruncated ? page.NextContinuationToken : undefined;
                } while (token !== undefined && pages.length < 10);
                assert.deepEqual(pages, [["page/a", "page/b"], ["page/c", "page/d"], ["page/e"]]);
            } finally {
                client.destroy();
            }
        });
    });

    describe("refusing a busy port", () => {
        let blocker: Server | undefined;
        let busyPort = 0;
        before(async () => {
            blocker = createServer();
            busyPort = await listen(blocker);
        });
        after((done) => {
            if (blocker === undefined) done();
            else blocker.close(() => done());
        });

        it("DynamoDB Local names the port", async () => {
            await assert.rejects(startDynamoDBLocal({ port: busyPort }), (err: Error) => {
                assert.match(err.message, new RegExp(`\\b${busyPort}\\b.*in use`));
                return true;
            });
        });

        it("s3rver names the port", async () => {
            await assert.rejects(startS3rver({ port: busyPort }), (err: Error) => {
                assert.match(err.message, new RegExp(`\\b${busyPort}\\b.*in use`));
                return true;
            });
        });
    });

    describe("lifetime", () => {
        // A fresh Node process starts both servers and then dies without calling stop().
        for (const ending of ["process.exit(0)", 'process.kill(process.pid, "SIGKILL")']) {
            it(`servers do not outlive a parent that ends with ${ending}`, async () => {
                const pids = await startServersInChild(ending);
                await waitFor(() => pids.every((pid) => !isRunning(pid)), 5_000);
                const survivors = pids.filter(isRunning);
                // Don't leave a regression's leftovers running for the rest of the suite.
                for (const pid of survivors) process.kill(pid, "SIGKILL");
                assert.deepEqual(survivors, []);
            });
        }

        // Runs last in this suite: it stops the shared servers; after() then calls stop() again, a no-op.
        it("stop() ends each server process", async () => {
            const servers = [required(dynamo), required(s3rver)];
            await Promise.all(servers.map((s) => s.stop()));
            for (const server of servers) {
                assert.throws(
                    () => process.kill(server.pid, 0),
                    (err: NodeJS.ErrnoException) => err.code === "ESRCH",
                );
            }
        });
    });
});

async function timed<T>(name: string, start: () => Promise<T>): Promise<T> {
    const began = Date.now();
    const result = await start();
    console.log(`      ${name} ready in ${Date.now() - began} ms`);
    return result;
}

function required<T>(value: T | undefined): T {
    assert.ok(value !== undefined, "server did not start");
    return value;
}

function listen(server: Server): Promise<number> {
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            if (address !== null && typeof address === "object") resolve(address.port);
            else reject(new Error("no port"));
        });
    });
}

/** Local addresses of IPv4/IPv6 sockets listening on `port`, from /proc (Linux only). */
function listeningAddresses(port: number): string[] {
    const LISTEN = "0A";
    const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
    const found: string[] = [];
    for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
        if (!existsSync(file)) continue;
        for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
            const fields = line.trim().split(/\s+/);
            const [address, socketPort] = (fields[1] ?? "").split(":");
            if (socketPort !== hexPort || fields[3] !== LISTEN || address === undefined) continue;
            found.push(decodeProcAddress(address));
        }
    }
    return found;
}

/** /proc/net/tcp{,6} addresses are hex, 32-bit words in host (little-endian) order. */
function decodeProcAddress(hex: string): string {
    const bytes = (word: string): number[] => Buffer.from(word, "hex").reverse().toJSON().data;
    if (hex.length === 8) return bytes(hex).join(".");
    const words = hex.match(/.{8}/g) ?? [];
    const raw = Buffer.from(words.flatMap(bytes));
    if (raw.subarray(0, 10).every((b) => b === 0) && raw[10] === 0xff && raw[11] === 0xff)
        return [...raw.subarray(12)].join(".");
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(raw.readUInt16BE(i).toString(16));
    return groups.join(":");
}

/** Starts both servers in a separate ts-node process that then ends with `ending`; returns their pids. */
async function startServersInChild(ending: string): Promise<number[]> {
    const script = `
    const { startDynamoDBLocal } = require(${JSON.stringify(path.join(REPO_ROOT, "local", "servers", "dynamodb-local.ts"))});
    const { startS3rver } = require(${JSON.stringify(path.join(REPO_ROOT, "local", "servers", "s3rver.ts"))});
    Promise.all([startDynamoDBLocal(), startS3rver()]).then((servers) => {
      process.stdout.write(JSON.stringify(servers.map((s) => s.pid)) + "\\n", () => ${ending});
    }, (err) => { console.error(err); process.exit(2); });
  `;
    const run = promisify(execFile);
    const result = await run(process.execPath, ["-r", "ts-node/register", "-e", script], {
        cwd: REPO_ROOT,
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
        timeout: 30_000,
    }).catch((err: { stdout?: string; stderr?: string; signal?: string }) => {
        // SIGKILL is the expected ending in one case; anything else is a real failure.
        if (err.signal === "SIGKILL" && err.stdout) return { stdout: err.stdout };
        throw new Error(`child failed: ${String(err.stderr ?? err)}`);
    });
    const pids: unknown = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "[]");
    assert.ok(
        Array.isArray(pids) && pids.length === 2 && pids.every((p) => typeof p === "number"),
        `unexpected child output: ${result.stdout}`,
    );
    return pids as number[];
}

/** True while `pid` exists and is not a zombie (an orphan may wait for a reaper that never comes). */
function isRunning(pid: number): boolean {
    try {
        process.kill(pid, 0);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ESRCH") return false;
        throw err;
    }
    if (!existsSync("/proc/self/stat")) return true;
    try {
        // Field 3 (after the parenthesised command name) is the state; Z = zombie.
        const state = readFileSync(`/proc/${pid}/stat`, "utf8")
            .replace(/^.*\) /s, "")
            .charAt(0);
        return state !== "Z";
    } catch {
        return false; // vanished between the two checks
    }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}
