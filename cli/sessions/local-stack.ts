import * as fs from "node:fs";
import * as path from "node:path";
import {
    accessSummary,
    createChaos,
    credentialsOf,
    createTeamTable,
    declaredFunctionEnvironment,
    formatProgress,
    replaySampleEvents,
    sourceKeySchema,
    startEventSourceMapping,
    startExportBackfill,
    startLocalStack,
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
import { createProgressLine } from "../runner/progress-line";
import type { CommandContext } from "../runner/run-command";
import { runDemo } from "./demo";
import { printChaos, printDeployment, printHowToWrite, printMapping } from "./local-stack-lines";

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
    /** Enforce IAM on the program's and the ops commands' requests. */
    readonly iam: boolean;
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
        iam: options.iam,
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
            // The demo's summary has these lines already.
            if (stack.access && !options.demo)
                for (const line of accessSummary(stack.access.log)) console.log(line);
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
        dynamodbEndpoint: stack.access?.endpoints.dynamodb ?? stack.dynamodbServer.endpoint,
        s3Endpoint: stack.access?.endpoints.s3 ?? stack.s3Server.endpoint,
        ...(stack.access ? { credentials: credentialsOf(stack.access.operator) } : {}),
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
