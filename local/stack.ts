import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { S3Client } from "@aws-sdk/client-s3";
import { answerFromDynamoDBLocal } from "./data-sources";
import { deployLocally, type LocalClients, type LocalDeployment } from "./deploy";
import { dynamoDBClientConfig, startDynamoDBLocal } from "./servers/dynamodb-local";
import { LocalFunction } from "./lambda/local-function";
import { LOCAL_CREDENTIALS } from "../stack-access/local-stack-file";
import { LOCAL_REGION, type LocalServer } from "./servers/supervision";
import {
    declaredFunctionEnvironment,
    LOCAL_ACCOUNT_ID,
    type ProgramRun,
    readStackConfig,
    runProgram,
} from "./program";
import { credentialsOf, type LocalPrincipal } from "./iam/principals";
import { startLocalAccess, type AmendPolicies, type LocalAccess } from "./iam/local-access";
import { prepareRuntimeModules } from "./lambda/runtime-modules";
import { s3ClientConfig, startS3rver } from "./servers/s3rver";

/** The program deployed to local servers, with its function ready to invoke. */
export type LocalStack = {
    readonly run: ProgramRun;
    readonly deployment: LocalDeployment;
    readonly dynamodbServer: LocalServer;
    readonly s3Server: LocalServer;
    readonly clients: {
        readonly dynamodb: DynamoDBClient;
        readonly streams: DynamoDBStreamsClient;
        readonly s3: S3Client;
    };
    /**
     * IAM as enforced on this stack (unless `iam: false`): the gates every principal's request
     * passes, who may pass, and what was allowed and denied.
     */
    readonly access: LocalAccess | undefined;
    /**
     * SDK clients that sign as a role the program declares (by the role's name), through the IAM
     * gates; the stack's own clients when IAM is off. The caller destroys them.
     */
    clientsAs(roleName: string): { dynamodb: DynamoDBClient; streams: DynamoDBStreamsClient; s3: S3Client };
    /** The role a declared function runs with, by the function's logical name (default: the stream handler). */
    roleOf(declared?: string): string;
    /** The program's function, packaged, talking to the local servers. */
    readonly handler: LocalFunction;
    /**
     * Another execution of the same packaged function with some settings changed, e.g. endpoints
     * pointed at a fault-injecting proxy or a shorter timeout. The caller stops it.
     */
    createFunction(overrides?: FunctionOverrides): LocalFunction;
    /** Names the program's outputs gave each resource. */
    readonly names: {
        readonly sourceTable: string;
        readonly projectionTable: string;
        readonly archiveBucket: string;
        readonly failureBucket: string;
    };
    /** The source table's stream ARN on DynamoDB Local (not the one the mock engine invented). */
    readonly sourceStreamArn: string;
    readonly region: string;
    /** Stops the function's environment and both servers, by pid, and removes the work directory. */
    stop(): Promise<void>;
};

export type FunctionOverrides = {
    /** Another function of the program to run, by logical name (default: the stream handler). */
    readonly declared?: string;
    /** Other code to run in the same kind of environment (e.g. a benchmark's baseline handler). */
    readonly code?: { readonly directory: string; readonly handler: string; readonly functionName: string };
    readonly dynamodbEndpoint?: string;
    readonly s3Endpoint?: string;
    readonly timeoutSeconds?: number;
    /** Extra variables for the function's environment (e.g. AWS_MAX_ATTEMPTS). */
    readonly environment?: Readonly<Record<string, string>>;
    readonly onLog?: (line: string) => void;
};

export type LocalStackOptions = {
    readonly stack?: string;
    readonly configOverrides?: Record<string, string>;
    /** Receives each line the function logs. */
    readonly onFunctionLog?: (line: string) => void;
    /**
     * Keep tables, streams and buckets here across restarts (DynamoDB Local's files and s3rver's
     * directory); by default everything lives in memory or a temporary directory.
     */
    readonly stateDirectory?: string;
    /** Fixed ports instead of free ones; a port in use is an error that names it. */
    readonly ports?: { readonly dynamodb?: number; readonly s3?: number };
    /** Full JIT for DynamoDB Local (benchmarks); slower to start. */
    readonly peakPerformance?: boolean;
    /**
     * Runs once the servers are up and before the program is deployed: e.g. creates the table an
     * adopting stack (`sourceTableName`) attaches to, as a team's table would already exist.
     */
    readonly beforeDeploy?: (
        clients: LocalClients,
        run: { readonly config: Record<string, string> },
    ) => Promise<void>;
    /**
     * Where s3rver keeps its objects when there is no state directory (default: a new temporary
     * directory). The caller owns it: it is not removed on stop.
     */
    readonly s3Directory?: string;
    /** Enforce IAM on the program's requests (default true; `npm start -- --no-iam` turns it off). */
    readonly iam?: boolean;
    /** Changes a role's declared policies before they are enforced (what a statement less would break). */
    readonly amendPolicies?: AmendPolicies;
};

/**
 * Starts DynamoDB Local and s3rver on 127.0.0.1, runs index.ts under Pulumi's mock engine,
 * creates what it declared on those servers and prepares the packaged function to run as Lambda
 * would. On any failure everything started so far is stopped.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
    const stackName = options.stack ?? "dev";
    const config = { ...readStackConfig(stackName), ...options.configOverrides };
    const workDirectory = fs.mkdtempSync(path.join(os.tmpdir(), `changefeed-${stackName}-`));
    const started: { stop(): Promise<void> }[] = [];
    const stopAll = async (): Promise<void> => {
        for (const item of started.reverse()) await item.stop().catch(() => undefined);
        fs.rmSync(workDirectory, { recursive: true, force: true });
    };
    try {
        const state = options.stateDirectory;
        const s3Directory = state ? path.join(state, "s3") : options.s3Directory;
        const servers = await Promise.allSettled([
            startDynamoDBLocal({
                ...(state ? { dbPath: path.join(state, "dynamodb") } : {}),
                ...(options.ports?.dynamodb ? { port: options.ports.dynamodb } : {}),
                ...(options.peakPerformance ? { peakPerformance: true } : {}),
            }),
            startS3rver({
                ...(s3Directory ? { directory: s3Directory } : {}),
                ...(options.ports?.s3 ? { port: options.ports.s3 } : {}),
            }),
        ]);
        for (const server of servers) if (server.status === "fulfilled") started.push(server.value);
        const failedStart = servers.find((server) => server.status === "rejected");
        if (failedStart) throw failedStart.reason;
        const [dynamodbServer, s3Server] = servers.map(
            (server) => (server as PromiseFulfilledResult<LocalServer>).value,
        ) as [LocalServer, LocalServer];
        const clients = {
            dynamodb: new DynamoDBClient(dynamoDBClientConfig(dynamodbServer.endpoint)),
            streams: new DynamoDBStreamsClient(dynamoDBClientConfig(dynamodbServer.endpoint)),
            s3: new S3Client(s3ClientConfig(s3Server.endpoint)),
        };
        started.push({
            stop: async () => Object.values(clients).forEach((client) => client.destroy()),
        });
        await options.beforeDeploy?.(clients, { config });
        // The program reads existing tables from DynamoDB Local, as it would from AWS.
        const run = await runProgram(stackName, options.configOverrides, {
            invoke: answerFromDynamoDBLocal(clients.dynamodb),
        });
        const deployment = await deployLocally(run, clients, workDirectory);
        const access =
            options.iam === false
                ? undefined
                : await startLocalAccess({
                      run,
                      accountId: LOCAL_ACCOUNT_ID,
                      servers: { dynamodb: dynamodbServer.endpoint, s3: s3Server.endpoint },
                      declaredStreamArns: declaredStreamArns(run, deployment.streamArns),
                      ...(options.amendPolicies ? { amendPolicies: options.amendPolicies } : {}),
                  });
        if (access) started.push(access);
        const names = {
            sourceTable: String(run.outputs.sourceTableName),
            projectionTable: String(run.outputs.projectionTableName),
            archiveBucket: String(run.outputs.archiveBucketName),
            failureBucket: String(run.outputs.failureBucketName),
        };
        // An adopted table is not the program's: its stream is the one DynamoDB Local gave it.
        const sourceStreamArn =
            deployment.streamArns.get(names.sourceTable) ??
            (await clients.dynamodb.send(new DescribeTableCommand({ TableName: names.sourceTable }))).Table
                ?.LatestStreamArn;
        if (!sourceStreamArn) throw new Error(`Table ${names.sourceTable} has no stream.`);
        // The stream handler, by name: the program declares other functions too (the backfill's).
        const handlerFunction = deployment.functions.find((fn) => fn.resource.name === "changefeed-handler");
        if (!handlerFunction) throw new Error("The program declared no stream handler function.");
        const region = run.config["aws:region"] ?? LOCAL_REGION;
        const runtimeModules = prepareRuntimeModules(path.join(workDirectory, "runtime"));
        const findFunction = (declared: string | undefined) => {
            const deployedFunction = declared
                ? deployment.functions.find((fn) => fn.resource.name === declared)
                : handlerFunction;
            if (!deployedFunction) throw new Error(`The program declared no function ${declared}.`);
            return deployedFunction;
        };
        const roleOf = (declared?: string): string =>
            String(findFunction(declared).resource.inputs.role).split("/").at(-1) ?? "";
        const principalOf = (roleName: string): LocalPrincipal => {
            const principal = access?.roles.get(roleName);
            if (!principal) throw new Error(`The program declares no role ${roleName}.`);
            return principal;
        };
        const clientsAs = (roleName: string) => {
            if (!access) return clients;
            const credentials = credentialsOf(principalOf(roleName));
            return {
                dynamodb: new DynamoDBClient({
                    ...dynamoDBClientConfig(access.endpoints.dynamodb),
                    credentials,
                }),
                streams: new DynamoDBStreamsClient({
                    ...dynamoDBClientConfig(access.endpoints.dynamodb),
                    credentials,
                }),
                s3: new S3Client({ ...s3ClientConfig(access.endpoints.s3), credentials }),
            };
        };
        const createFunction = (overrides: FunctionOverrides = {}): LocalFunction => {
            const deployedFunction = findFunction(overrides.declared);
            // Endpoints pointed elsewhere (a fault proxy in front of a server) bypass the gates, and
            // the servers accept only their own key.
            const gated = access && !overrides.dynamodbEndpoint && !overrides.s3Endpoint ? access : undefined;
            const credentials = gated
                ? credentialsOf(principalOf(roleOf(overrides.declared)))
                : { ...LOCAL_CREDENTIALS };
            const inputs = deployedFunction.resource.inputs as {
                handler: string;
                timeout: number;
                memorySize: number;
                environment?: { variables?: Record<string, string> };
            };
            const declaredEnvironment = overrides.declared
                ? { ...inputs.environment?.variables }
                : declaredFunctionEnvironment(run);
            return new LocalFunction({
                functionName: overrides.code?.functionName ?? String(deployedFunction.resource.state.name),
                functionArn: overrides.code
                    ? `arn:aws:lambda:${region}:000000000000:function:${overrides.code.functionName}`
                    : String(deployedFunction.resource.state.arn),
                codeDirectory: overrides.code?.directory ?? deployedFunction.codeDirectory,
                handler: overrides.code?.handler ?? inputs.handler,
                timeoutSeconds: overrides.timeoutSeconds ?? inputs.timeout,
                memoryMb: inputs.memorySize,
                environment: { ...declaredEnvironment, ...overrides.environment },
                awsEnvironment: {
                    AWS_REGION: region,
                    AWS_DEFAULT_REGION: region,
                    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
                    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
                    AWS_ENDPOINT_URL_DYNAMODB:
                        overrides.dynamodbEndpoint ?? gated?.endpoints.dynamodb ?? dynamodbServer.endpoint,
                    AWS_ENDPOINT_URL_S3: overrides.s3Endpoint ?? gated?.endpoints.s3 ?? s3Server.endpoint,
                    // s3rver predates the SDK's default flexible checksums.
                    AWS_REQUEST_CHECKSUM_CALCULATION: "WHEN_REQUIRED",
                    AWS_RESPONSE_CHECKSUM_VALIDATION: "WHEN_REQUIRED",
                    // Lambda runs Node 22+, where the SDK has nothing to warn about; Node 20 here does.
                    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
                },
                runtimeModules,
                ...((overrides.onLog ?? options.onFunctionLog)
                    ? { onLog: overrides.onLog ?? options.onFunctionLog }
                    : {}),
            });
        };
        const handler = createFunction();
        started.push(handler);
        return {
            run,
            deployment,
            dynamodbServer,
            s3Server,
            clients,
            access,
            clientsAs,
            roleOf,
            handler,
            createFunction,
            names,
            sourceStreamArn,
            region,
            stop: stopAll,
        };
    } catch (error) {
        await stopAll();
        throw error;
    }
}

/** Each declared table's stream: DynamoDB Local's ARN for it → the ARN the program's policies name. */
function declaredStreamArns(
    run: ProgramRun,
    localStreamArns: ReadonlyMap<string, string>,
): Map<string, string> {
    const declared = new Map<string, string>();
    for (const resource of run.resources) {
        const local = localStreamArns.get(String(resource.state.name));
        if (resource.type === "aws:dynamodb/table:Table" && local && resource.state.streamArn) {
            declared.set(local, String(resource.state.streamArn));
        }
    }
    return declared;
}
