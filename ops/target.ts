import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { createChangeFeedClients, type ChangeFeedClients } from "../handler/clients";
import { SETTING_VARIABLES, type DeployedRoute } from "../handler/contract";
import { readSettings } from "../handler/settings";
import type { HandlerSettings } from "../handler/types";
import { dynamoDBClientConfig } from "../local/servers/dynamodb-local";
import { declaredFunctionEnvironment, PROJECT_ROOT, readStackConfig, runProgram } from "../local/program";
import { s3ClientConfig } from "../local/servers/s3rver";
import { readLocalStackFile } from "../local/stack-file";

/** The physical names an ops command works on. */
export type TargetNames = {
    readonly sourceTable: string;
    readonly projectionTable: string;
    readonly archiveBucket: string;
    readonly failureBucket: string;
};

/** A deployed change feed, on AWS or on a running local stack, ready for backfill or redrive. */
export type OpsTarget = {
    readonly description: string;
    readonly names: TargetNames;
    readonly region: string;
    readonly clients: ChangeFeedClients;
    /** The handler's settings as the program sets them on the function for this stack. */
    readonly settings: HandlerSettings;
    close(): void;
};

export type TargetOptions = {
    readonly stack: string;
    /** Work on the local stack that `npm start` is running for this stack. */
    readonly local: boolean;
    /** Where that local stack keeps its state (default `.local/<stack>/`). */
    readonly stateDirectory?: string;
    /** Names given as flags; missing ones come from `pulumi stack output --json`. */
    readonly names?: Partial<TargetNames>;
    /** Reads the stack's outputs; by default the Pulumi CLI. */
    readonly stackOutputs?: (stack: string) => Record<string, unknown>;
};

const OUTPUT_FOR_NAME: Record<keyof TargetNames, string> = {
    sourceTable: "sourceTableName",
    projectionTable: "projectionTableName",
    archiveBucket: "archiveBucketName",
    failureBucket: "failureBucketName",
};

/**
 * Resolves where an ops command acts and with which handler settings: the environment the
 * function runs with, as the running local stack published it, or, on AWS, as the program sets it
 * for the stack (run under Pulumi's mock engine), so the command applies the handler
 * configuration that is deployed.
 *
 * @throws {Error} naming the missing stack config, the local stack that is not running, or the
 *   output that could not be found, with what to do about it
 */
export async function resolveTarget(options: TargetOptions): Promise<OpsTarget> {
    const stackConfig = readStackConfig(options.stack);

    if (options.local) {
        const stateDirectory = options.stateDirectory ?? path.join(PROJECT_ROOT, ".local", options.stack);
        const file = readLocalStackFile(stateDirectory, options.stack);
        const names = { ...file.names, ...options.names };
        // The running stack published the environment it gave its function.
        const settings = settingsFor(file.functionEnvironment, names);
        const clients = createChangeFeedClients({
            dynamodb: dynamoDBClientConfig(file.dynamodbEndpoint),
            s3: s3ClientConfig(file.s3Endpoint),
        });
        return {
            description: `local stack "${options.stack}" (npm start, pid ${file.pid})`,
            names,
            region: file.region,
            clients,
            settings,
            close: () => Object.values(clients).forEach((client) => client.destroy()),
        };
    }

    const region = stackConfig["aws:region"] ?? process.env.AWS_REGION ?? "us-east-1";
    const declared = declaredFunctionEnvironment(await runProgram(options.stack));
    let outputs: Record<string, unknown> | undefined;
    const readOutputs = () => (outputs ??= (options.stackOutputs ?? pulumiStackOutputs)(options.stack));
    // With routes, the route tables come from the projectionTableNames output instead.
    const routeTables = declared[SETTING_VARIABLES.routes]
        ? routeTablesOf(options.stack, readOutputs())
        : undefined;
    const names = resolveNames(
        routeTables
            ? {
                  ...options,
                  names: { projectionTable: Object.values(routeTables).join(", "), ...options.names },
              }
            : options,
        readOutputs,
    );
    const clients = createChangeFeedClients({ dynamodb: { region }, s3: { region } });
    return {
        description: `stack "${options.stack}" on AWS (${region})`,
        names,
        region,
        clients,
        settings: settingsFor(declared, names, routeTables),
        close: () => Object.values(clients).forEach((client) => client.destroy()),
    };
}

function resolveNames(options: TargetOptions, outputs: () => Record<string, unknown>): TargetNames {
    const given = options.names ?? {};
    const missing = (Object.keys(OUTPUT_FOR_NAME) as (keyof TargetNames)[]).filter((name) => !given[name]);
    if (missing.length === 0) return given as TargetNames;
    const values = outputs();
    const resolved = { ...given } as Record<keyof TargetNames, string>;
    for (const name of missing) {
        const value = values[OUTPUT_FOR_NAME[name]];
        if (typeof value !== "string" || value === "") {
            throw new Error(
                `Stack "${options.stack}" has no output ${OUTPUT_FOR_NAME[name]}; deploy it with pulumi up, ` +
                    `or pass --${kebab(name)}.`,
            );
        }
        resolved[name] = value;
    }
    return resolved;
}

/** A routed stack's projection tables, by route name, from its `projectionTableNames` output. */
function routeTablesOf(stack: string, outputs: Record<string, unknown>): Record<string, string> {
    const tables = outputs.projectionTableNames;
    if (typeof tables !== "object" || tables === null) {
        throw new Error(
            `Stack "${stack}" has routes but no output projectionTableNames; deploy it with pulumi up.`,
        );
    }
    return tables as Record<string, string>;
}

/**
 * The function's ROUTES with each route's table as the stack's outputs name it (the program's run
 * under the mock engine only knows the names the engine made up).
 */
export function withRouteTables(routes: string, tables: Readonly<Record<string, string>>): string {
    return JSON.stringify(
        (JSON.parse(routes) as DeployedRoute[]).map((route) => ({
            ...route,
            table: tables[route.name] ?? route.table,
        })),
    );
}

function settingsFor(
    environment: Record<string, string>,
    names: TargetNames,
    routeTables?: Readonly<Record<string, string>>,
): HandlerSettings {
    const routes = environment[SETTING_VARIABLES.routes];
    return readSettings({
        ...environment,
        PROJECTION_TABLE: names.projectionTable,
        ARCHIVE_BUCKET: names.archiveBucket,
        // The program's run names tables as the mock engine does; the stack's outputs name the real ones.
        ...(routes && routeTables
            ? { [SETTING_VARIABLES.routes]: withRouteTables(routes, routeTables) }
            : {}),
    });
}

/**
 * `pulumi stack output --json` for a stack.
 *
 * @throws {Error} when the CLI is missing or the stack does not exist, with Pulumi's own message
 */
export function pulumiStackOutputs(stack: string): Record<string, unknown> {
    try {
        const text = execFileSync("pulumi", ["stack", "output", "--json", "--stack", stack], {
            cwd: PROJECT_ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
        return JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
        const failure = error as { code?: string; stderr?: string };
        if (failure.code === "ENOENT") {
            throw new Error(
                "The Pulumi CLI is not installed, so the stack's outputs cannot be read; pass the names with " +
                    "--source-table, --projection-table, --archive-bucket and --failure-bucket, or use --local.",
                { cause: error },
            );
        }
        throw new Error(
            `pulumi stack output --stack ${stack} failed: ${String(failure.stderr ?? error).trim()}`,
            { cause: error },
        );
    }
}

function kebab(name: string): string {
    return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}
