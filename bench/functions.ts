import * as fs from "node:fs";
import type { LocalFunction } from "../local/lambda/local-function";
import type { LocalStack } from "../local/stack";
import type { CallTally } from "./api-calls";
import type { BenchFunctionCode } from "./function-code";

/** Where a contender writes: its own projection table and archive bucket. */
export type Target = { readonly table: string; readonly bucket: string };

/** A function whose SDK calls are counted, one line per invocation in `callsFile`. */
export type CountedFunction = { readonly fn: LocalFunction; readonly callsFile: string };

/**
 * A contender in a Lambda-like process, pointed at its own table and bucket, with the
 * call-counting preload: the program's packaged handler exactly as deployed, or the naive
 * baseline in the same kind of environment (memory, timeout, runtime modules, endpoints).
 */
export function countedFunction(
    contender: "handler" | "naive",
    stack: LocalStack,
    code: BenchFunctionCode,
    target: Target,
    callsFile: string,
    onLog: (line: string) => void,
): CountedFunction {
    fs.writeFileSync(callsFile, "");
    const fn = stack.createFunction({
        ...(contender === "naive"
            ? {
                  code: {
                      directory: code.naive.codeDirectory,
                      handler: code.naive.handler,
                      functionName: "naive-baseline",
                  },
              }
            : {}),
        environment: {
            PROJECTION_TABLE: target.table,
            ARCHIVE_BUCKET: target.bucket,
            ...counting(code, callsFile),
        },
        onLog,
    });
    return { fn, callsFile };
}

function counting(code: BenchFunctionCode, callsFile: string): Record<string, string> {
    return { NODE_OPTIONS: `--require ${code.preload}`, BENCH_CALLS_FILE: callsFile };
}

/** The per-invocation counts a counted function has written so far, in invocation order. */
export function readCallWindows(callsFile: string): CallTally[] {
    return fs
        .readFileSync(callsFile, "utf8")
        .split("\n")
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as CallTally);
}
