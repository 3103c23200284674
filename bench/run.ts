/**
 * `npm run bench`: records a stream of changes on DynamoDB Local and replays it to the packaged
 * handler, a naive baseline and the servers' ceiling; prints the tables on stdout (progress goes
 * to stderr) and writes bench/results.json, docs/benchmarks.md and docs/benchmarks.svg.
 */
import * as fs from "node:fs";
import { runBenchmark } from "./bench";
import { parseBenchArgs, USAGE, type BenchOptions } from "./options";
import { writeOutputs } from "./outputs";
import { BenchProcesses } from "./processes";
import { renderReport } from "./report";
import type { BenchResults } from "./bench-results";
import { problemLines } from "./report-rows";

async function main(): Promise<number> {
    // The function runs on Lambda's Node 22+, where the SDK has nothing to warn about.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
    let options: BenchOptions;
    try {
        const parsed = parseBenchArgs(process.argv.slice(2));
        if (parsed.help) {
            console.log(USAGE);
            return 0;
        }
        options = parsed.options;
    } catch (error) {
        console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
        return 2;
    }

    const processes = new BenchProcesses();
    const stopOnSignal = (signal: string): void => {
        console.error(`\n${signal}: stopping the servers and functions…`);
        void processes.stopAll().finally(() => process.exit(130));
    };
    process.once("SIGINT", () => stopOnSignal("SIGINT"));
    process.once("SIGTERM", () => stopOnSignal("SIGTERM"));

    if (options.fromResults !== undefined) {
        const results = JSON.parse(fs.readFileSync(options.fromResults, "utf8")) as BenchResults;
        console.log(renderReport(results));
        // The results file is the input here: only the docs are written.
        const written = await writeOutputs(results, {
            resultsFile: undefined,
            docsDirectory: options.docsDirectory,
        });
        console.error(`\nWrote ${[written.markdown, written.chart].filter(Boolean).join(", ")}.`);
        return 0;
    }
    const results = await runBenchmark(options, { log: (line) => console.error(line), processes });
    console.log(renderReport(results));
    const written = await writeOutputs(results, options);
    console.error(
        `\nWrote ${[written.results, written.markdown, written.chart].filter(Boolean).join(", ")}.`,
    );
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
