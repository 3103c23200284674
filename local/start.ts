import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { isTombstone } from "../handler/projection-item";
import { PROJECT_ROOT } from "./program";
import { startLocalStack, type LocalStack } from "./stack";

const USAGE = `Usage: npm start [-- --stack <name>]

Deploys the program (index.ts, run under Pulumi's mock engine) to DynamoDB Local and s3rver on
127.0.0.1, runs the packaged handler over each sample event in events/, prints the projection
table and the archive, and shuts everything down.

  --stack <name>   stack config to use, from stacks/Pulumi.<name>.yaml (default: dev)
  --help           this text`;

async function main(): Promise<number> {
    // The function runs on Lambda's Node 22+, where the SDK has nothing to warn about.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    const { values } = parseArgs({
        options: { stack: { type: "string", default: "dev" }, help: { type: "boolean", default: false } },
        strict: true,
    });
    if (values.help) {
        console.log(USAGE);
        return 0;
    }

    console.log(`Starting the ${values.stack} stack on local servers…`);
    const stack = await startLocalStack({
        stack: values.stack,
        onFunctionLog: (line) => console.log(`  [function] ${line}`),
    });
    const stopOnSignal = (): void => {
        console.log("\nStopping…");
        void stack.stop().then(() => process.exit(130));
    };
    process.once("SIGINT", stopOnSignal);
    process.once("SIGTERM", stopOnSignal);
    try {
        printStack(stack);
        await replaySampleEvents(stack);
        await printProjection(stack);
        await printArchive(stack);
        return 0;
    } finally {
        await stack.stop();
        console.log("Stopped DynamoDB Local, s3rver and the function's process.");
    }
}

function printStack(stack: LocalStack): void {
    const [deployed] = stack.deployment.functions;
    console.log(`  DynamoDB Local  ${stack.dynamodbServer.endpoint} (pid ${stack.dynamodbServer.pid})`);
    console.log(`  s3rver          ${stack.s3Server.endpoint} (pid ${stack.s3Server.pid})`);
    console.log(`  tables          ${stack.deployment.tables.join(", ")}`);
    console.log(`  buckets         ${stack.deployment.buckets.join(", ")}`);
    console.log(
        `  function        ${deployed?.resource.state.name} (code archive ${((deployed?.zipBytes ?? 0) / 1024).toFixed(0)} KB zipped)`,
    );
    for (const line of stack.deployment.notEmulated) console.log(`  not emulated    ${line}`);
}

async function replaySampleEvents(stack: LocalStack): Promise<void> {
    const directory = path.join(PROJECT_ROOT, "events");
    const files = fs
        .readdirSync(directory)
        .filter((name) => name.endsWith(".json"))
        .sort();
    console.log(`\nInvoking the packaged handler with ${files.length} sample events from events/:`);
    for (const file of files) {
        const event = JSON.parse(fs.readFileSync(path.join(directory, file), "utf8")) as {
            Records: unknown[];
        };
        const invocation = await stack.handler.invoke(event);
        const outcome = invocation.ok
            ? `batchItemFailures ${JSON.stringify((invocation.value as { batchItemFailures: unknown[] }).batchItemFailures)}`
            : `function error ${invocation.error.errorType}: ${invocation.error.errorMessage}`;
        console.log(
            `  events/${file}: ${event.Records.length} records → ${outcome} (${invocation.durationMs} ms)`,
        );
    }
}

async function printProjection(stack: LocalStack): Promise<void> {
    const items =
        (await stack.clients.dynamodb.send(new ScanCommand({ TableName: stack.names.projectionTable })))
            .Items ?? [];
    const live = items.filter((item) => !isTombstone(item));
    console.log(
        `\nProjection table ${stack.names.projectionTable} (${live.length} items, ${items.length - live.length} tombstones):`,
    );
    for (const item of items) {
        const plain = JSON.stringify(unmarshall(item, { wrapNumbers: (text) => text }), plainJson);
        console.log(`  ${isTombstone(item) ? "tombstone " : ""}${plain}`);
    }
}

async function printArchive(stack: LocalStack): Promise<void> {
    const bucket = stack.names.archiveBucket;
    const objects =
        (await stack.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents ?? [];
    console.log(`\nArchive bucket ${bucket} (${objects.length} objects):`);
    for (const object of objects) {
        const body = await stack.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
        const lines = gunzipSync(await body.Body!.transformToByteArray())
            .toString("utf8")
            .trimEnd()
            .split("\n");
        console.log(`  s3://${bucket}/${object.Key} (${object.Size} bytes gzip, ${lines.length} lines)`);
        for (const line of lines) {
            const change = JSON.parse(line) as { eventName: string; sequenceNumber: string; keys: unknown };
            console.log(
                `    ${change.sequenceNumber} ${change.eventName.padEnd(6)} ${JSON.stringify(change.keys)}`,
            );
        }
    }
}

function plainJson(_key: string, value: unknown): unknown {
    if (value instanceof Set) return [...(value as Set<unknown>)];
    if (value instanceof Uint8Array) return `base64:${Buffer.from(value).toString("base64")}`;
    return value;
}

main().then(
    (code) => process.exit(code),
    (error: unknown) => {
        console.error(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
    },
);
