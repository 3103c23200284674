import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { startEventSourceMapping, type RunningMapping } from "./mapping/start-mapping";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { checkDemo, writeDemoWorkload, type DemoKeyAttribute, type DemoKeySchema } from "./demo";
import { createTeamTable } from "./team-table";
import { declaredFunctionEnvironment, PROJECT_ROOT } from "./program";
import { formatProgress, ProgressLine } from "./mapping/progress";
import { startExportBackfill, type RunningExportBackfill } from "./export/start-export-backfill";
import { replaySampleEvents } from "./sample-events";
import { removeLocalStackFile, writeLocalStackFile } from "./stack-file";
import { startLocalStack, type LocalStack } from "./stack";

const USAGE = `Usage: npm start [-- options]

Runs the change feed on this machine: DynamoDB Local and s3rver on 127.0.0.1, the program
(index.ts) deployed to them under Pulumi's mock engine, and a local event source mapping that
polls the source table's stream and drives the packaged handler with the mapping's settings.

  --stack <name>       stack config from stacks/Pulumi.<name>.yaml (default: dev)
  --demo               write a sample workload (with one poison record), wait for the stream to
                       drain, check that everything converged, print a summary and exit
                       (0 when it converged, 1 otherwise)
  --events             invoke the packaged handler once with each sample event in events/ and exit
  --fresh              discard the kept local state before starting
  --create-source      with a stack that attaches to an existing table (sourceTableName), create
                       that table first if it does not exist (pk S + sk S, stream NEW_AND_OLD_IMAGES),
                       as a team's table would be; --demo does this by itself
  --state-dir <path>   where to keep the local state (default: .local/<stack>/)
  --verbose            also print the function's INFO lines and metrics
  --dynamodb-port <n>  fixed port for DynamoDB Local (default: a free port)
  --s3-port <n>        fixed port for s3rver (default: a free port)
  --help               this text

Without --demo or --events it keeps running, with tables, streams, buckets and checkpoints kept in
.local/<stack>/ across restarts, until Ctrl-C.`;

type Options = {
    readonly stack: string;
    readonly stateDirectory: string | undefined;
    readonly verbose: boolean;
    readonly demo: boolean;
    readonly events: boolean;
    readonly fresh: boolean;
    readonly createSource: boolean;
    readonly ports: { dynamodb?: number; s3?: number };
};

function parseOptions(argv: string[]): Options | undefined {
    const { values } = parseArgs({
        args: argv,
        options: {
            stack: { type: "string", default: "dev" },
            demo: { type: "boolean", default: false },
            events: { type: "boolean", default: false },
            fresh: { type: "boolean", default: false },
            "create-source": { type: "boolean", default: false },
            "state-dir": { type: "string" },
            verbose: { type: "boolean", default: false },
            "dynamodb-port": { type: "string" },
            "s3-port": { type: "string" },
            help: { type: "boolean", default: false },
        },
        strict: true,
    });
    if (values.help) return undefined;
    const port = (flag: string, text: string | undefined): number | undefined => {
        if (text === undefined) return undefined;
        const value = Number(text);
        if (!Number.isInteger(value) || value < 1 || value > 65_535) {
            throw new Error(`--${flag} is "${text}"; allowed: a port number from 1 to 65535.`);
        }
        return value;
    };
    if (values.demo && values.events) throw new Error("--demo and --events are separate modes; choose one.");
    return {
        stack: values.stack,
        stateDirectory: values["state-dir"],
        verbose: values.verbose,
        demo: values.demo,
        events: values.events,
        fresh: values.fresh,
        createSource: values["create-source"] || values.demo,
        ports: {
            dynamodb: port("dynamodb-port", values["dynamodb-port"]),
            s3: port("s3-port", values["s3-port"]),
        },
    };
}

async function main(): Promise<number> {
    // The function runs on Lambda's Node 22+, where the SDK has nothing to warn about.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    const options = parseOptions(process.argv.slice(2));
    if (!options) {
        console.log(USAGE);
        return 0;
    }
    const interactive = !options.demo && !options.events;
    const stateDirectory = interactive
        ? path.resolve(options.stateDirectory ?? path.join(PROJECT_ROOT, ".local", options.stack))
        : undefined;
    if (stateDirectory && options.fresh) fs.rmSync(stateDirectory, { recursive: true, force: true });

    console.log(`Deploying the ${options.stack} stack to local servers…`);
    const startedAt = Date.now();
    const progress = new ProgressLine(process.stdout);
    const stack = await startLocalStack({
        stack: options.stack,
        ports: options.ports,
        ...(stateDirectory ? { stateDirectory } : {}),
        ...(options.createSource
            ? {
                  beforeDeploy: async (clients, run) => {
                      const tableName = run.config["ddb-changefeed:sourceTableName"];
                      if (!tableName) return;
                      if (await createTeamTable(clients.dynamodb, tableName)) {
                          console.log(
                              `  created ${tableName} (pk S + sk S, stream NEW_AND_OLD_IMAGES), the table this stack attaches to`,
                          );
                      }
                  },
              }
            : {}),
        onFunctionLog: (line) => {
            if (options.verbose || !isRoutine(line)) progress.log(`  [function] ${line}`);
        },
    });
    let feed: RunningMapping | undefined;
    let backfill: RunningExportBackfill | undefined;
    let stopping: Promise<number> | undefined;
    const shutdown = (code: number): Promise<number> =>
        (stopping ??= (async () => {
            progress.done();
            if (stateDirectory) removeLocalStackFile(stateDirectory);
            await feed?.stop();
            await backfill?.stop();
            await stack.stop();
            console.log("Stopped the mapping, the function's process, DynamoDB Local and s3rver.");
            return code;
        })());
    const onSignal = (): void => {
        progress.log("\nShutting down…");
        void shutdown(0).then((code) => process.exit(code));
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);

    try {
        printDeployment(stack, stateDirectory);
        if (options.events) {
            await replaySampleEvents(stack, path.join(PROJECT_ROOT, "events"));
            return await shutdown(0);
        }
        const repairsSeen = new Set<string>();
        feed = startEventSourceMapping(stack, {
            ...(stateDirectory ? { stateDirectory } : {}),
            onRepair: (repair) => {
                if (repairsSeen.has(repair.what)) return;
                repairsSeen.add(repair.what);
                progress.log(`  note: ${repair.attribute}: ${repair.what}`);
            },
        });
        printMapping(feed);
        if (options.demo) return await shutdown(await runDemo(stack, feed, progress, startedAt));
        backfill = await startExportBackfill(stack, {
            onFunctionLog: (line) => {
                if (options.verbose || !isRoutine(line)) progress.log(`  [backfill] ${line}`);
            },
        });
        if (backfill) {
            console.log(
                `  backfill         state machine run locally (MaxConcurrency ${backfill.maxConcurrency}), exports to s3://${backfill.bucket}/exports/; ` +
                    `npm run backfill -- --stack ${options.stack} --local --from-export`,
            );
        }
        if (stateDirectory) publishStack(stack, stateDirectory, backfill);

        printHowToWrite(stack, await sourceKeySchema(stack));
        const poller = feed.poller;
        const timer = setInterval(() => progress.update(formatProgress(poller.progress)), 500);
        await new Promise<void>(() => undefined); // until a signal arrives
        clearInterval(timer);
        return 0;
    } catch (error) {
        await shutdown(1);
        throw error;
    }
}

async function runDemo(
    stack: LocalStack,
    feed: RunningMapping,
    progress: ProgressLine,
    startedAt: number,
): Promise<number> {
    const keys = await sourceKeySchema(stack);
    console.log("\nWriting the demo workload (orders created, updated, cancelled, and one poison order)…");
    const timer = setInterval(() => progress.update(formatProgress(feed.poller.progress)), 250);
    const workload = await writeDemoWorkload(stack.clients.dynamodb, stack.names.sourceTable, keys);
    await feed.poller.whenIdle();
    clearInterval(timer);
    progress.update(formatProgress(feed.poller.progress));
    progress.done();

    const report = await checkDemo(
        stack.clients,
        { ...stack.names, failureBucket: feed.failureBucket },
        keys,
        workload.poisonKey,
    );
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    console.log(`
Demo summary
  changes written         ${workload.changes} (to ${report.sourceItems} source items)
  projection rows         ${report.projectionItems} live, ${report.tombstones} tombstones
  archive                 ${report.archiveObjects} objects, ${report.archiveLines} lines
  failure destination     ${report.failureObjects} objects, ${report.failedRecords.length} records${listSome(report.failedRecords.map((record) => `${record.eventName} ${JSON.stringify(record.dynamodb?.Keys)}`))}
  duration                ${seconds} s`);
    if (report.divergences.length === 0) {
        console.log(
            "\nConverged: every change but the poison record is in the projection, and the poison record is in the failure destination.",
        );
        return 0;
    }
    console.log(`\nDid not converge (${report.divergences.length} problems):`);
    for (const divergence of report.divergences.slice(0, 20)) console.log(`  - ${truncate(divergence, 300)}`);
    if (report.divergences.length > 20) console.log(`  … and ${report.divergences.length - 20} more`);
    return 1;
}

/** `aws:s3/bucketPolicy:BucketPolicy ×2 (why)`: one line per kind of resource not emulated. */
function groupNotEmulated(entries: readonly string[]): string[] {
    const groups = new Map<string, number>();
    for (const entry of entries) {
        const [, type, why] = /^(\S+) \S+ \((.*)\)$/.exec(entry) ?? [];
        const key = `${type ?? entry} (${why ?? ""})`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    return [...groups].map(([key, count]) => key.replace(/ \(/, count > 1 ? ` ×${count} (` : " ("));
}

/** ` (a, b, c … and 7 more)`, or nothing for an empty list. */
function listSome(items: readonly string[], shown = 3): string {
    if (items.length === 0) return "";
    const more = items.length > shown ? ` … and ${items.length - shown} more` : "";
    return ` (${items.slice(0, shown).join(", ")}${more})`;
}

function truncate(text: string, length: number): string {
    return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

function printDeployment(stack: LocalStack, stateDirectory: string | undefined): void {
    const [deployed] = stack.deployment.functions;
    console.log(`  DynamoDB Local   ${stack.dynamodbServer.endpoint} (pid ${stack.dynamodbServer.pid})`);
    console.log(`  s3rver           ${stack.s3Server.endpoint} (pid ${stack.s3Server.pid})`);
    console.log(`  tables           ${stack.deployment.tables.join(", ")}`);
    console.log(`  buckets          ${stack.deployment.buckets.join(", ")}`);
    console.log(
        `  function         ${String(deployed?.resource.state.name)} (code archive ${((deployed?.zipBytes ?? 0) / 1024).toFixed(0)} KB zipped, run as on Lambda in its own process)`,
    );
    for (const line of groupNotEmulated(stack.deployment.notEmulated))
        console.log(`  not emulated     ${line}`);
    console.log(
        `  state            ${stateDirectory ? `${stateDirectory} (kept across restarts; --fresh discards it)` : "temporary"}`,
    );
}

function printMapping(feed: RunningMapping): void {
    const { settings, startingPosition, batchingWindowSeconds, parallelizationFactor } = feed.mapping;
    console.log(
        `  mapping          batch ${settings.batchSize}, window ${batchingWindowSeconds} s, start ${startingPosition}, ` +
            `retries ${settings.maximumRetryAttempts}, record age ${settings.maximumRecordAgeInSeconds} s, ` +
            `bisect ${settings.bisectBatchOnFunctionError ? "on" : "off"}, failures → s3://${feed.failureBucket}`,
    );
    if (parallelizationFactor > 1) {
        console.log(
            `  not emulated     parallelizationFactor ${parallelizationFactor}: the local mapping runs one batch per shard at a time`,
        );
    }
}

function printHowToWrite(stack: LocalStack, keys: DemoKeySchema): void {
    const sample = ({ name, type }: DemoKeyAttribute): string => {
        const value = type === "N" ? "1" : type === "B" ? "aGVsbG8=" : "hello-1";
        return `"${name}":{"${type}":"${value}"}`;
    };
    const item = `{${[keys.partitionKey, ...(keys.sortKey ? [keys.sortKey] : [])].map(sample).join(",")},"greeting":{"S":"hi"}}`;
    const credentials = "AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1";
    console.log(`
Write to the source table (any AWS CLI v2):
  ${credentials} aws dynamodb put-item --endpoint-url ${stack.dynamodbServer.endpoint} --table-name ${stack.names.sourceTable} --item '${item}'
Read the projection and the archive:
  ${credentials} aws dynamodb scan --endpoint-url ${stack.dynamodbServer.endpoint} --table-name ${stack.names.projectionTable}
  ${credentials} aws s3 ls --endpoint-url ${stack.s3Server.endpoint} --recursive s3://${stack.names.archiveBucket}/
Ctrl-C stops everything.
`);
}

/** The function's per-batch INFO lines and EMF metrics: useful, but noise while watching a feed. */
function isRoutine(line: string): boolean {
    try {
        const entry = JSON.parse(line) as { level?: string; _aws?: unknown };
        return entry._aws !== undefined || entry.level === "INFO" || entry.level === "DEBUG";
    } catch {
        return false;
    }
}

/** Lets `npm run backfill -- --local` and `npm run redrive -- --local` find this running stack. */
function publishStack(
    stack: LocalStack,
    stateDirectory: string,
    backfill: RunningExportBackfill | undefined,
): void {
    writeLocalStackFile(stateDirectory, {
        stack: stack.run.stack,
        pid: process.pid,
        region: stack.region,
        dynamodbEndpoint: stack.dynamodbServer.endpoint,
        s3Endpoint: stack.s3Server.endpoint,
        names: { ...stack.names },
        functionEnvironment: declaredFunctionEnvironment(stack.run),
        ...(backfill
            ? {
                  backfill: {
                      endpoint: backfill.endpoint,
                      stateMachineArn: backfill.stateMachineArn,
                      bucket: backfill.bucket,
                  },
              }
            : {}),
    });
}

/** The source table's key schema as DynamoDB Local holds it: created by the program, or adopted. */
async function sourceKeySchema(stack: LocalStack): Promise<DemoKeySchema> {
    const { Table: table } = await stack.clients.dynamodb.send(
        new DescribeTableCommand({ TableName: stack.names.sourceTable }),
    );
    const attribute = (keyType: "HASH" | "RANGE"): DemoKeyAttribute | undefined => {
        const name = table?.KeySchema?.find((element) => element.KeyType === keyType)?.AttributeName;
        const type = table?.AttributeDefinitions?.find(
            (definition) => definition.AttributeName === name,
        )?.AttributeType;
        return name && type ? { name, type } : undefined;
    };
    const partitionKey = attribute("HASH");
    if (!partitionKey) throw new Error(`Table ${stack.names.sourceTable} has no partition key.`);
    const sortKey = attribute("RANGE");
    return { partitionKey, ...(sortKey ? { sortKey } : {}) };
}

main().then(
    (code) => process.exit(code),
    (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        // Pulumi wraps an input's failure once per property it sits in; the cause is what helps.
        console.error(
            `\nnpm start failed: ${message.replace(/^(error serializing property "[^"]*": )+/, "")}`,
        );
        process.exit(1);
    },
);
