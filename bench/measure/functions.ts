import * as fs from "node:fs";
import * as path from "node:path";
import {
    CreateTableCommand,
    DeleteTableCommand,
    DescribeTableCommand,
    waitUntilTableExists,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import * as ts from "typescript";
import { SETTING_VARIABLES, type DeployedRoute } from "../../handler/contract";
import type { LocalFunction } from "../../local/lambda/local-function";
import { PROJECT_ROOT } from "../../local/program";
import type { LocalStack } from "../../local/stack";
import type { StackSettings } from "./stack-settings";

/** The three contenders, and the function that only loads the SDK clients (for cold init). */
export type Contender = "handler" | "naive" | "ceiling";
export type FunctionKind = Contender | "sdk-only";

/** Where a contender writes: its own new projection table (with routes, one per route) and archive bucket. */
export type Target = {
    readonly table: string;
    readonly bucket: string;
    /** With routes: each route's own new table, by route name. */
    readonly routeTables?: Readonly<Record<string, string>>;
};

/** The bench's own code, transpiled to plain JavaScript: function processes and the proxy run bare Node. */
export type BenchCode = {
    readonly directory: string;
    readonly preload: string;
    readonly proxy: string;
};

const SDK_ONLY = `const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");
const { S3Client } = require("@aws-sdk/client-s3");
new DynamoDBClient({});
new S3Client({});
exports.handler = async () => null;
`;

/**
 * Builds the bench's code into `directory`: the call-counting preload, the latency proxy, the naive
 * and ceiling functions (the naive one packages `@aws-sdk/util-dynamodb`, as a first handler would
 * bundle it), and a function that only loads and builds the two SDK clients.
 */
export function buildBenchCode(directory: string): BenchCode {
    const into = (folder: string, files: readonly string[]): void => {
        fs.mkdirSync(path.join(directory, folder), { recursive: true });
        for (const file of files) {
            const source = path.join(__dirname, file);
            const output = ts.transpileModule(fs.readFileSync(source, "utf8"), {
                fileName: source,
                compilerOptions: {
                    module: ts.ModuleKind.CommonJS,
                    target: ts.ScriptTarget.ES2022,
                    esModuleInterop: true,
                },
            }).outputText;
            fs.writeFileSync(path.join(directory, folder, file.replace(/\.ts$/, ".js")), output);
        }
    };
    into("tools", ["function-preload.ts", "latency-proxy.ts", "latency.ts", "random.ts"]);
    into("naive", ["naive-handler.ts"]);
    into("ceiling", ["ceiling-function.ts"]);
    fs.mkdirSync(path.join(directory, "sdk-only"));
    fs.writeFileSync(path.join(directory, "sdk-only", "index.js"), SDK_ONLY);
    const utilDynamodb = path.join(directory, "naive", "node_modules", "@aws-sdk", "util-dynamodb");
    fs.mkdirSync(path.dirname(utilDynamodb), { recursive: true });
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules", "@aws-sdk", "util-dynamodb"), utilDynamodb, "dir");
    return {
        directory,
        preload: path.join(directory, "tools", "function-preload.js"),
        proxy: path.join(directory, "tools", "latency-proxy.js"),
    };
}

const CODE: Record<Exclude<FunctionKind, "handler">, { folder: string; handler: string }> = {
    naive: { folder: "naive", handler: "naive-handler.handler" },
    ceiling: { folder: "ceiling", handler: "ceiling-function.handler" },
    "sdk-only": { folder: "sdk-only", handler: "index.handler" },
};

/**
 * A function of one kind in its own Lambda-like process, with a stack's settings, writing to
 * `target`, through `endpoints` when given (the latency proxy). The handler is the packaged code
 * archive itself; with `callsFile`, the preload counts its calls and CPU time per invocation.
 */
export function createFunction(
    stack: LocalStack,
    code: BenchCode,
    kind: FunctionKind,
    settings: StackSettings,
    options: {
        readonly target?: Target;
        readonly callsFile?: string;
        readonly endpoints?: { readonly dynamodb: string; readonly s3: string };
        readonly environment?: Readonly<Record<string, string>>;
    } = {},
): LocalFunction {
    const other = kind === "handler" ? undefined : CODE[kind];
    if (options.callsFile) fs.writeFileSync(options.callsFile, "");
    return stack.createFunction({
        ...(other
            ? {
                  code: {
                      directory: path.join(code.directory, other.folder),
                      handler: other.handler,
                      functionName: `bench-${kind}`,
                  },
              }
            : {}),
        ...(options.endpoints
            ? { dynamodbEndpoint: options.endpoints.dynamodb, s3Endpoint: options.endpoints.s3 }
            : {}),
        environment: {
            ...settings.environment,
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(settings.memoryMb),
            ...(options.target
                ? { PROJECTION_TABLE: options.target.table, ARCHIVE_BUCKET: options.target.bucket }
                : {}),
            ...(options.target?.routeTables && settings.environment[SETTING_VARIABLES.routes]
                ? {
                      [SETTING_VARIABLES.routes]: withTables(
                          settings.environment[SETTING_VARIABLES.routes],
                          options.target.routeTables,
                      ),
                  }
                : {}),
            ...(options.callsFile
                ? { NODE_OPTIONS: `--require ${code.preload}`, BENCH_CALLS_FILE: options.callsFile }
                : {}),
            ...options.environment,
        },
        onLog: () => undefined,
    });
}

/**
 * A new, empty projection table (the program's key schema) and archive bucket; with `routes`, a
 * new table for each route as well.
 */
export async function createTarget(
    stack: LocalStack,
    name: string,
    routes: readonly string[] = [],
): Promise<Target> {
    const table = `${stack.names.projectionTable}-${name}`;
    const routeTables = Object.fromEntries(routes.map((route) => [route, `${table}-${route}`]));
    const target: Target = {
        table,
        bucket: `${stack.names.archiveBucket}-${name}`,
        ...(routes.length > 0 ? { routeTables } : {}),
    };
    const client = stack.clients.dynamodb;
    const template = (await client.send(new DescribeTableCommand({ TableName: stack.names.projectionTable })))
        .Table;
    for (const tableName of tablesOf(target)) {
        await client.send(
            new CreateTableCommand({
                TableName: tableName,
                KeySchema: template?.KeySchema,
                AttributeDefinitions: template?.AttributeDefinitions,
                BillingMode: "PAY_PER_REQUEST",
            }),
        );
        await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
    }
    await stack.clients.s3.send(new CreateBucketCommand({ Bucket: target.bucket }));
    return target;
}

/** Drops a measured contender's tables, so DynamoDB Local's memory stays flat. */
export async function dropTarget(stack: LocalStack, target: Target): Promise<void> {
    for (const tableName of tablesOf(target))
        await stack.clients.dynamodb.send(new DeleteTableCommand({ TableName: tableName }));
}

function tablesOf(target: Target): string[] {
    return [target.table, ...Object.values(target.routeTables ?? {})];
}

/** The function's ROUTES setting with each route writing to its table in `tables`. */
function withTables(routes: string, tables: Readonly<Record<string, string>>): string {
    return JSON.stringify(
        (JSON.parse(routes) as DeployedRoute[]).map((route) => ({
            ...route,
            table: tables[route.name] ?? route.table,
        })),
    );
}
