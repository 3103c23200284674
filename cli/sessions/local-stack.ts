import * as fs from "node:fs";
import * as path from "node:path";
import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { readSettings } from "../../handler/settings";
import {
    checkDemo,
    checkFilter,
    createChaos,
    createTeamTable,
    declaredFunctionEnvironment,
    describeChaos,
    formatProgress,
    replaySampleEvents,
    startEventSourceMapping,
    startExportBackfill,
    startLocalStack,
    writeDemoWorkload,
    type Chaos,
    type DemoKeyAttribute,
    type DemoKeySchema,
    type LocalStack,
    type RunningExportBackfill,
    type RunningMapping,
} from "../../local";
import {
    defaultLocalStateDirectory,
    removeLocalStackFile,
    writeLocalStackFile,
} from "../../stack-access/local-stack-file";
import { PROJECT_ROOT } from "../../stack-access/project";
import { createProgressLine, type ProgressLine } from "../runner/progress-line";
import type { CommandContext } from "../runner/run-command";

/** What `npm start` runs, from its flags. */
export type StartOptions = {
    readonly stack: string;
    readonly stateDirectory: string | undefined;
    readonly verbose: boolean;
    readonly demo: boolean;
    readonly events: boolean;
    readonly fresh: boolean;
    readonly createSource: boolean;
    readonly ports: { dynamodb?: number; s3?: number };
    /** The chaos mode's seed, when it is on. */
    readonly chaosSeed: number | undefined;
};

/**
 * Deploys the program to local servers and runs it: the sample events once (`--events`), the demo
 * workload to convergence (`--demo`), or the event source mapping until Ctrl-C. Resolves to the
 * exit code.
 */
export async function runLocalStack(options: StartOptions, context: CommandContext): Promise<number> {
    const interactive = !options.demo && !options.events;
    const stateDirectory = interactive
        ? path.resolve(options.stateDirectory ?? defaultLocalStateDirectory(options.stack))
        : undefined;
    if (stateDirectory && options.fresh) fs.rmSync(stateDirectory, { recursive: true, force: true });

    console.log(`Deploying the ${options.stack} stack to local servers…`);
    const startedAt = Date.now();
    const progress = createProgressLine(process.stdout);
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
    context.onInterrupt(() => {
        progress.log("\nShutting down…");
        void shutdown(0).then((code) => process.exit(code));
    });

    try {
        printDeployment(stack, stateDirectory);
        if (options.events) {
            await replaySampleEvents(stack, path.join(PROJECT_ROOT, "events"));
            return await shutdown(0);
        }
        const repairsSeen = new Set<string>();
        const chaos = options.chaosSeed === undefined ? undefined : createChaos(options.chaosSeed);
        feed = startEventSourceMapping(stack, {
            ...(stateDirectory ? { stateDirectory } : {}),
            ...(chaos ? { chaos } : {}),
            onNotice: (notice) => progress.log(`  ${notice}`),
            onRepair: (repair) => {
                if (repairsSeen.has(repair.what)) return;
                repairsSeen.add(repair.what);
                progress.log(`  note: ${repair.attribute}: ${repair.what}`);
            },
        });
        printMapping(feed);
        if (chaos) printChaos(chaos);
        if (options.demo) return await shutdown(await runDemo(stack, feed, progress, startedAt, chaos));
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
    chaos: Chaos | undefined,
): Promise<number> {
    const keys = await sourceKeySchema(stack);
    console.log("\nWriting the demo workload (orders created, updated, cancelled, and one poison order)…");
    const timer = setInterval(() => progress.update(formatProgress(feed.poller.progress)), 250);
    const workload = await writeDemoWorkload(stack.clients.dynamodb, stack.names.sourceTable, keys);
    await feed.poller.whenIdle();
    clearInterval(timer);
    progress.update(formatProgress(feed.poller.progress));
    progress.done();

    const settings = readSettings(declaredFunctionEnvironment(stack.run));
    const report = await checkDemo(
        stack.clients,
        { ...stack.names, failureBucket: feed.failureBucket },
        keys,
        workload.poisonKey,
        {
            ...(settings.routes ? { routes: settings.routes } : {}),
            ...(settings.archiveExcludeAttributes
                ? { archiveExcludeAttributes: settings.archiveExcludeAttributes }
                : {}),
        },
    );
    const filter =
        settings.routes && feed.mapping.filterPatterns
            ? await checkFilter(
                  stack.clients.streams,
                  { arn: stack.sourceStreamArn, region: stack.region },
                  settings.routes,
                  feed.poller.progress.filtered,
                  report.archivedEventIds,
              )
            : undefined;
    const divergences = [...report.divergences, ...(filter?.divergences ?? [])];
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const routeLines = settings.routes
        ? report.routes
              .map(
                  (route) =>
                      `\n  route ${route.route.padEnd(17)} ${route.items} live, ${route.tombstones} tombstones (${route.table})`,
              )
              .join("")
        : "";
    const filterLine = filter
        ? `\n  filtered at the mapping ${filter.filtered} of ${filter.streamRecords} changes (${filter.unneeded} needed by no route)`
        : "";
    console.log(`
Demo summary
  changes written         ${workload.changes} (to ${report.sourceItems} source items)
  projection rows         ${report.projectionItems} live, ${report.tombstones} tombstones${routeLines}${filterLine}
  archive                 ${report.archiveObjects} objects, ${report.archiveLines} lines
  invocations             ${feed.poller.progress.batches} (up to ${feed.functions.peakConcurrency} at once)
  failure destination     ${report.failureObjects} objects, ${report.failedRecords.length} records${listSome(report.failedRecords.map((record) => `${record.eventName} ${JSON.stringify(record.dynamodb?.Keys)}`))}${chaos ? `\n  chaos                   seed ${chaos.seed}: ${chaos.counts.redelivered} batches re-delivered, ${chaos.counts.throttled} invocations throttled, ${chaos.counts.timedOut} timed out` : ""}
  duration                ${seconds} s`);
    if (divergences.length === 0) {
        console.log(
            "\nConverged: every change but the poison record is in the projection, and the poison record is in the failure destination.",
        );
        if (filter) {
            console.log(
                "Each route's projection holds exactly the items that match it, and the mapping filtered out exactly the changes no route needs.",
            );
        }
        return 0;
    }
    console.log(`\nDid not converge (${divergences.length} problems):`);
    for (const divergence of divergences.slice(0, 20)) console.log(`  - ${truncate(divergence, 300)}`);
    if (divergences.length > 20) console.log(`  … and ${divergences.length - 20} more`);
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
            `bisect ${settings.bisectBatchOnFunctionError ? "on" : "off"}, ` +
            `${parallelizationFactor} batch${parallelizationFactor > 1 ? "es" : ""} per shard at once, ` +
            `failures → s3://${feed.failureBucket}`,
    );
    if (feed.mapping.filterPatterns) {
        console.log(
            `  filter           ${feed.mapping.filterPatterns.length} patterns: records no route needs are dropped before ` +
                `batching, as Lambda does (never delivered, never retried): ${feed.mapping.filterPatterns.map((pattern) => JSON.stringify(pattern)).join(" | ")}`,
        );
    }
}

function printChaos(chaos: Chaos): void {
    console.log(
        `  chaos            seed ${chaos.seed} (replay with --chaos-seed ${chaos.seed}): ${describeChaos(chaos)}`,
    );
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
${projectionTables(stack)
    .map(
        (table) =>
            `  ${credentials} aws dynamodb scan --endpoint-url ${stack.dynamodbServer.endpoint} --table-name ${table}`,
    )
    .join("\n")}
  ${credentials} aws s3 ls --endpoint-url ${stack.s3Server.endpoint} --recursive s3://${stack.names.archiveBucket}/
Ctrl-C stops everything.
`);
}

/** The projection tables: one, or one per route. */
function projectionTables(stack: LocalStack): string[] {
    const routes = readSettings(declaredFunctionEnvironment(stack.run)).routes;
    return routes ? routes.map((route) => route.table) : [stack.names.projectionTable];
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
