import * as fs from "node:fs";
import * as path from "node:path";
import type { LocalStack } from "./stack";

/** Invokes the packaged handler once with each `*.json` event in a directory, printing each outcome. */
export async function replaySampleEvents(stack: LocalStack, directory: string): Promise<void> {
    const files = fs
        .readdirSync(directory)
        .filter((name) => name.endsWith(".json"))
        .sort();
    console.log(
        `\nInvoking the packaged handler with ${files.length} sample events from ${path.basename(directory)}/:`,
    );
    for (const file of files) {
        const event = JSON.parse(fs.readFileSync(path.join(directory, file), "utf8")) as {
            Records: unknown[];
        };
        const invocation = await stack.handler.invoke(event);
        const outcome = invocation.ok
            ? `batchItemFailures ${JSON.stringify((invocation.value as { batchItemFailures: unknown[] }).batchItemFailures)}`
            : `function error ${invocation.error.errorType}: ${invocation.error.errorMessage}`;
        console.log(`  ${file}: ${event.Records.length} records → ${outcome} (${invocation.durationMs} ms)`);
    }
}
