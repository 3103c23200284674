import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { PROJECT_ROOT } from "../local/program";
import { prepareRuntimeModules } from "../local/lambda/runtime-modules";

/** Code the bench runs inside Lambda-like processes, built into a work directory. */
export type BenchFunctionCode = {
    /** The call-counting preload, for `NODE_OPTIONS=--require`. */
    readonly preload: string;
    /** The naive baseline's code directory and handler setting. */
    readonly naive: { readonly codeDirectory: string; readonly handler: string };
    /** Only what the Lambda runtime provides, for NODE_PATH (see local/runtime-modules.ts). */
    readonly runtimeModules: string;
};

/**
 * Transpiles the preload and the naive handler (TypeScript in bench/) to CommonJS in
 * `directory`: a function's process runs bare Node, with no ts-node.
 *
 * The naive handler packages `@aws-sdk/util-dynamodb` next to its code, as a first handler
 * would bundle it (the local runtime modules only hold the two SDK clients).
 */
export function buildBenchFunctionCode(directory: string): BenchFunctionCode {
    const instrumentation = path.join(directory, "instrumentation");
    const naive = path.join(directory, "naive");
    for (const [file, into] of [
        ["api-calls.ts", instrumentation],
        ["function-preload.ts", instrumentation],
        ["naive-handler.ts", naive],
    ] as const) {
        transpileInto(path.join(__dirname, file), into);
    }
    const utilDynamodb = path.join(naive, "node_modules", "@aws-sdk", "util-dynamodb");
    fs.mkdirSync(path.dirname(utilDynamodb), { recursive: true });
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules", "@aws-sdk", "util-dynamodb"), utilDynamodb, "dir");
    return {
        preload: path.join(instrumentation, "function-preload.js"),
        naive: { codeDirectory: naive, handler: "naive-handler.handler" },
        runtimeModules: prepareRuntimeModules(path.join(directory, "runtime")),
    };
}

function transpileInto(source: string, directory: string): void {
    const output = ts.transpileModule(fs.readFileSync(source, "utf8"), {
        fileName: source,
        compilerOptions: {
            module: ts.ModuleKind.CommonJS,
            target: ts.ScriptTarget.ES2022,
            esModuleInterop: true,
        },
    });
    fs.mkdirSync(directory, { recursive: true });
    fs.writeFileSync(path.join(directory, path.basename(source).replace(/\.ts$/, ".js")), output.outputText);
}
