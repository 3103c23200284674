// `npm run bench`: measures (bench/measure/), prints the summary, writes results and page (bench/report/).
import * as fs from "node:fs";
import { runBenchmark, type BenchResults } from "../bench/measure/measure";
import { BenchProcesses } from "../bench/measure/processes";
import { problemLines, summarySections } from "../bench/report/markdown";
import { DOCS_PAGE, formatted, writeOutputs } from "../bench/report/write";
import { BENCH_FLAGS, benchOptions, USAGE } from "./bench-flags";
import { runCommand } from "./runner/run-command";

runCommand({
    name: "npm run bench",
    usage: USAGE,
    options: BENCH_FLAGS,
    run: async (flags, context) => {
        const options = benchOptions(flags);
        const processes = new BenchProcesses();
        context.onInterrupt(() => {
            console.error("\nInterrupted: stopping the servers, the proxy and the functions…");
            void processes.stopAll().finally(() => process.exit(130));
        });
        const results: BenchResults = options.fromResults
            ? (JSON.parse(fs.readFileSync(options.fromResults, "utf8")) as BenchResults)
            : await runBenchmark(options, { log: (line) => console.error(line), processes });
        console.log(await formatted(summarySections(results).join("\n\n"), DOCS_PAGE));
        // A results file given as input is left alone: only the docs are written from it.
        const resultsFile = options.fromResults ? undefined : options.resultsFile;
        const written = await writeOutputs(results, { resultsFile, docsDirectory: options.docsDirectory });
        console.error(`Wrote ${written.join(", ")}.`);
        // A missed floor is a finding, reported above; counts that do not add up mean the bench is broken.
        return problemLines(results).length === 0 ? 0 : 3;
    },
    explainError: (error) => (error instanceof Error ? (error.stack ?? error.message) : String(error)),
});
