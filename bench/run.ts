/**
 * `npm run bench`: measures (bench/measure/), then prints the figures and writes bench/results.json
 * and docs/benchmarks.md (bench/report/). Progress goes to stderr, figures to stdout.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../local/program";
import type { BenchResults } from "./bench-results";
import { runBenchmark } from "./measure/measure";
import { BenchProcesses } from "./measure/processes";
import { parse, USAGE, type BenchOptions } from "./options";
import { summarySections } from "./report/markdown";
import { problemLines } from "./report/tables";
import { formatted, writeOutputs } from "./report/write";

async function main(): Promise<number> {
    // The function runs on Lambda's Node 22+, where the SDK has nothing to warn about.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    let options: BenchOptions;
    try {
        options = parse(process.argv.slice(2));
    } catch (error) {
        console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
        return 2;
    }
    if (options.help) {
        console.log(USAGE);
        return 0;
    }
    const processes = new BenchProcesses();
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
            console.error(`\n${signal}: stopping the servers, the proxy and the functions…`);
            void processes.stopAll().finally(() => process.exit(130));
        });
    }
    const results: BenchResults = options.fromResults
        ? (JSON.parse(fs.readFileSync(options.fromResults, "utf8")) as BenchResults)
        : await runBenchmark(options, { log: (line) => console.error(line), processes });
    console.log(
        await formatted(
            summarySections(results).join("\n"),
            path.join(PROJECT_ROOT, "docs", "benchmarks.md"),
        ),
    );
    // A results file given as input is left alone: only the docs are written from it.
    const written = await writeOutputs(results, {
        resultsFile: options.fromResults ? undefined : options.resultsFile,
        docsDirectory: options.docsDirectory,
    });
    console.error(`Wrote ${written.join(", ")}.`);
    // A missed floor is a finding, reported above; counts that do not add up mean the bench is broken.
    return problemLines(results).length === 0 ? 0 : 3;
}

main().then(
    (code) => process.exit(code),
    (error: unknown) => {
        console.error(
            `\nnpm run bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        process.exit(1);
    },
);
