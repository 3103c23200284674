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
import type { LocalFunction, LocalStack } from "../../local";
import { PROJECT_ROOT } from "../../stack-access/project";
import type { StackSettings } from "./stack-settings";

/** The three contenders, and the function that only loads the SDK clients (for cold init). */
export type Contender = "handler" | "naive" | "ceiling";
type FunctionKind = Contender | "sdk-only";

/** Where a contender writes: a new projection table and archive bucket, and a new table per route. */
type Target = {
    readonly table: string;
    readonly bucket: string;
    readonly routeTables: Record<string, string>;
};

/** The bench's own code, transpiled to plain JavaScript: function processes and the proxy run bare Node. */
export type BenchCode = { readonly directory: string; readonly preload: string; readonly proxy: string };

/** Each function but the packaged handler: its folder in the built code, its source and its handler. */
const CODE = {
    naive: { folder: "naive", source: "naive-handler.ts", handler: "naive-handler.handler" },
    ceiling: { folder: "ceiling", source: "ceiling-function.ts", handler: "ceiling-function.handler" },
    "sdk-only": { folder: "sdk-only", source: undefined, handler: "index.handler" },
} as const;

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
    const transpile = (folder: string, file: string) => {
        const source = path.join(__dirname, file);
        const compilerOptions = {
            module: ts.ModuleKind.CommonJS,
            target: ts.ScriptTarget.ES2022,
            esModuleInterop: true,
        };
        const { outputText } = ts.transpileModule(fs.readFileSync(source, "utf8"), {
            fileName: source,
            compilerOptions,
        });
        fs.mkdirSync(path.join(directory, folder), { recursive: true });
        fs.writeFileSync(path.join(directory, folder, file.replace(/\.ts$/, ".js")), outputText);
    };
    for (const file of ["function-preload.ts", "latency-proxy.ts", "latency.ts"]) transpile("tools", file);
    for (const { folder, source } of Object.values(CODE)) if (source) transpile(folder, source);
    fs.mkdirSync(path.join(directory, "sdk-only"));
    fs.writeFileSync(path.join(directory, "sdk-only", "index.js"), SDK_ONLY);
    const utilDynamodb = path.join(directory, "naive", "node_modules", "@aws-sdk", "util-dynamodb");
    fs.mkdirSync(path.dirname(utilDynamodb), { recursive: true });
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules", "@aws-sdk", "util-dynamodb"), utilDynamodb, "dir");
    const tool = (file: string) => path.join(directory, "tools", file);
    return { directory, preload: tool("function-preload.js"), proxy: tool("latency-proxy.js") };
}

/**
 * A function of one kind in its own Lambda-like process with a stack's settings, writing to
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
    const { target, callsFile, endpoints } = options;
    if (callsFile) fs.writeFileSync(callsFile, "");
    const routes = settings.environment[SETTING_VARIABLES.routes];
    const other = kind === "handler" ? undefined : CODE[kind];
    return stack.createFunction({
        ...(other && {
            code: {
                directory: path.join(code.directory, other.folder),
                handler: other.handler,
                functionName: `bench-${kind}`,
            },
        }),
        ...(endpoints && { dynamodbEndpoint: endpoints.dynamodb, s3Endpoint: endpoints.s3 }),
        environment: {
            ...settings.environment,
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(settings.memoryMb),
            ...(target && { PROJECTION_TABLE: target.table, ARCHIVE_BUCKET: target.bucket }),
            ...(target && routes && { [SETTING_VARIABLES.routes]: withTables(routes, target.routeTables) }),
            ...(callsFile && { NODE_OPTIONS: `--require ${code.preload}`, BENCH_CALLS_FILE: callsFile }),
            ...options.environment,
        },
        onLog: () => undefined,
    });
}

/** A new, empty projection table (the program's key schema) and archive bucket, and a table per route in `routes`. */
export async function createTarget(
    stack: LocalStack,
    name: string,
    routes: readonly string[],
): Promise<Target> {
    const table = `${stack.names.projectionTable}-${name}`;
    const routeTables = Object.fromEntries(routes.map((route) => [route, `${table}-${route}`]));
    const client = stack.clients.dynamodb;
    const template = await client.send(new DescribeTableCommand({ TableName: stack.names.projectionTable }));
    const { KeySchema, AttributeDefinitions } = template.Table ?? {};
    for (const TableName of [table, ...Object.values(routeTables)]) {
        const BillingMode = "PAY_PER_REQUEST";
        await client.send(
            new CreateTableCommand({ TableName, KeySchema, AttributeDefinitions, BillingMode }),
        );
        await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName });
    }
    const bucket = `${stack.names.archiveBucket}-${name}`;
    await stack.clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    return { table, bucket, routeTables };
}

/** Drops a measured contender's tables, so DynamoDB Local's memory stays flat. */
export async function dropTarget(stack: LocalStack, target: Target): Promise<void> {
    for (const TableName of [target.table, ...Object.values(target.routeTables)])
        await stack.clients.dynamodb.send(new DeleteTableCommand({ TableName }));
}

/** The function's ROUTES setting with each route writing to its table in `tables`. */
function withTables(routes: string, tables: Readonly<Record<string, string>>): string {
    const declared = JSON.parse(routes) as DeployedRoute[];
    return JSON.stringify(declared.map((route) => ({ ...route, table: tables[route.name] ?? route.table })));
}
