/**
 * `npm run bench`: measures (bench/measure/), then prints the figures and writes bench/results.json
 * and docs/benchmarks.md (bench/report/). Progress goes to stderr, figures to stdout.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../local/program";
import { runCommand, type CommandContext } from "../ops/command-line";
import type { BenchResults } from "./measure/measure";
import { runBenchmark } from "./measure/measure";
import { BenchProcesses } from "./measure/processes";
import { BENCH_FLAGS, benchOptions, USAGE, type BenchOptions } from "./options";
import { summarySections } from "./report/markdown";
import { problemLines } from "./report/tables";
import { formatted, writeOutputs } from "./report/write";

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
        console.error("\nInterrupted: stopping the servers, the proxy and the functions…");
        void processes.stopAll().finally(() => process.exit(130));
    });
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
