import { execFileSync } from "node:child_process";
import { GetFunctionConfigurationCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { createChangeFeedClients, type ChangeFeedClients } from "../handler/clients";
import { SETTING_VARIABLES, type DeployedRoute } from "../handler/contract";
import { readSettings } from "../handler/settings";
import type { HandlerSettings } from "../handler/types";
import {
    defaultLocalStateDirectory,
    localClientConfig,
    readLocalStackFile,
    type LocalStackFile,
} from "../stack-access/local-stack-file";
import { PROJECT_ROOT, stackRegion } from "../stack-access/project";

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
    /** The handler's settings as the deployed function has them. */
    readonly settings: HandlerSettings;
    close(): void;
};

/** Reads a deployed function's environment variables (Lambda's GetFunctionConfiguration). */
export type FunctionEnvironmentReader = (
    functionName: string,
    region: string,
) => Promise<Record<string, string>>;

export type TargetOptions = {
    readonly stack: string;
    /** Work on the local stack that `npm start` is running for this stack. */
    readonly local: boolean;
    /** Where that local stack keeps its state (default `.local/<stack>/`). */
    readonly stateDirectory?: string;
    /** Names given as flags; missing ones come from `pulumi stack output --json`. */
    readonly names?: Partial<TargetNames>;
    /** The stream handler's function name; by default the stack output `functionName`. */
    readonly functionName?: string;
    /** Reads the stack's outputs; by default the Pulumi CLI. */
    readonly stackOutputs?: (stack: string) => Record<string, unknown>;
    /** Reads the deployed function's settings; by default Lambda's GetFunctionConfiguration. */
    readonly functionEnvironment?: FunctionEnvironmentReader;
};

/** Where each name is among the stack's outputs (index.ts exports them). */
export const OUTPUT_FOR_NAME: Record<keyof TargetNames, string> = {
    sourceTable: "sourceTableName",
    projectionTable: "projectionTableName",
    archiveBucket: "archiveBucketName",
    failureBucket: "failureBucketName",
};

/**
 * Resolves where an ops command acts and with which handler settings, from what is deployed: on
 * AWS, the names from `pulumi stack output --json` (or flags) and the settings from the deployed
 * function's configuration; locally, both from the stack file a running `npm start` publishes.
 *
 * @throws {Error} naming the missing stack config, the local stack that is not running, or the
 *   output that could not be found, with what to do about it
 */
export async function resolveTarget(options: TargetOptions): Promise<OpsTarget> {
    if (options.local) {
        const file = readLocalTarget(options);
        const names = { ...file.names, ...options.names };
        const clients = localClients(file);
        return {
            description: `local stack "${options.stack}" (npm start, pid ${file.pid})`,
            names,
            region: file.region,
            clients,
            settings: settingsFor(file.functionEnvironment, names),
            close: () => Object.values(clients).forEach((client) => client.destroy()),
        };
    }

    const region = stackRegion(options.stack) ?? process.env.AWS_REGION ?? "us-east-1";
    let outputs: Record<string, unknown> | undefined;
    const readOutputs = () => (outputs ??= (options.stackOutputs ?? pulumiStackOutputs)(options.stack));
    const functionName =
        options.functionName ?? requiredOutput(options.stack, readOutputs(), "functionName", "function-name");
    const environment = await (options.functionEnvironment ?? deployedFunctionEnvironment)(
        functionName,
        region,
    );
    // A routed feed has no one projection table: its function's routes name each route's table.
    const routeTables = routeTablesOf(environment);
    const names = resolveNames(
        routeTables && !options.names?.projectionTable
            ? { ...options, names: { ...options.names, projectionTable: routeTables.join(", ") } }
            : options,
        readOutputs,
    );
    const clients = createChangeFeedClients({ dynamodb: { region }, s3: { region } });
    return {
        description: `stack "${options.stack}" on AWS (${region})`,
        names,
        region,
        clients,
        settings: settingsFor(environment, names),
        close: () => Object.values(clients).forEach((client) => client.destroy()),
    };
}

/** The stack file of the running local stack (`--local`), from its state directory. */
export function readLocalTarget(options: Pick<TargetOptions, "stack" | "stateDirectory">): LocalStackFile {
    const stateDirectory = options.stateDirectory ?? defaultLocalStateDirectory(options.stack);
    return readLocalStackFile(stateDirectory, options.stack);
}

function localClients(file: LocalStackFile): ChangeFeedClients {
    return createChangeFeedClients({
        dynamodb: localClientConfig(file.dynamodbEndpoint, file.region, file.credentials),
        s3: localClientConfig(file.s3Endpoint, file.region, file.credentials),
    });
}

function resolveNames(options: TargetOptions, outputs: () => Record<string, unknown>): TargetNames {
    const given = options.names ?? {};
    const missing = (Object.keys(OUTPUT_FOR_NAME) as (keyof TargetNames)[]).filter((name) => !given[name]);
    if (missing.length === 0) return given as TargetNames;
    const values = outputs();
    const resolved = { ...given } as Record<keyof TargetNames, string>;
    for (const name of missing) {
        resolved[name] = requiredOutput(options.stack, values, OUTPUT_FOR_NAME[name], kebab(name));
    }
    return resolved;
}

/**
 * One of the stack's outputs, which must be a non-empty string.
 *
 * @throws {Error} naming the output and the flag that can stand in for it
 */
export function requiredOutput(
    stack: string,
    outputs: Record<string, unknown>,
    output: string,
    flag?: string,
): string {
    const value = outputs[output];
    if (typeof value !== "string" || value === "") {
        throw new Error(
            `Stack "${stack}" has no output ${output}; deploy it with pulumi up` +
                `${flag ? `, or pass --${flag}` : ""}.`,
        );
    }
    return value;
}

/** The tables a routed function writes to, from its ROUTES setting; undefined without routes. */
function routeTablesOf(environment: Readonly<Record<string, string>>): string[] | undefined {
    const routes = environment[SETTING_VARIABLES.routes];
    if (!routes) return undefined;
    return (JSON.parse(routes) as DeployedRoute[]).map((route) => route.table);
}

function settingsFor(environment: Readonly<Record<string, string>>, names: TargetNames): HandlerSettings {
    return readSettings({
        ...environment,
        PROJECTION_TABLE: names.projectionTable,
        ARCHIVE_BUCKET: names.archiveBucket,
    });
}

/**
 * The environment of a deployed function, as Lambda reports it.
 *
 * @throws the SDK's error (e.g. AccessDeniedException, naming lambda:GetFunctionConfiguration)
 */
export async function deployedFunctionEnvironment(
    functionName: string,
    region: string,
): Promise<Record<string, string>> {
    const lambda = new LambdaClient({ region });
    try {
        const configuration = await lambda.send(
            new GetFunctionConfigurationCommand({ FunctionName: functionName }),
        );
        return { ...configuration.Environment?.Variables };
    } finally {
        lambda.destroy();
    }
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
                    "--source-table, --projection-table, --archive-bucket, --failure-bucket and --function-name, " +
                    "or use --local.",
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
