/**
 * `npm run bench`: records a stream of changes on DynamoDB Local and replays it to the packaged
 * handler, a naive baseline and the servers' ceiling; prints the tables on stdout (progress goes
 * to stderr) and writes bench/results.json, docs/benchmarks.md and docs/benchmarks.svg.
 */
import * as fs from "node:fs";
import { runBenchmark } from "./bench";
import { runCommand, type CommandContext } from "../ops/command-line";
import { BENCH_FLAGS, benchOptions, USAGE, type BenchOptions } from "./options";
import { writeOutputs } from "./outputs";
import { BenchProcesses } from "./processes";
import { renderReport } from "./report";
import type { BenchResults } from "./bench-results";
import { problemLines } from "./report-rows";

runCommand({
    name: "npm run bench",
    usage: USAGE,
    options: BENCH_FLAGS,
    run: (flags, context) => bench(benchOptions(flags), context),
    explainError: (error) => (error instanceof Error ? (error.stack ?? error.message) : String(error)),
});

async function bench(options: BenchOptions, context: CommandContext): Promise<number> {
    const processes = new BenchProcesses();
    context.onInterrupt(() => {
        console.error("\nInterrupted: stopping the servers and functions…");
        void processes.stopAll().finally(() => process.exit(130));
    });

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
