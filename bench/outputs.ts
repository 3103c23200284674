import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../local/program";
import { renderChart } from "./chart";
import { renderMarkdown } from "./markdown";
import type { BenchResults } from "./bench-results";

/** Where a run's files go. */
export type OutputPaths = {
    /** undefined to leave results.json alone (when rendering from it). */
    readonly resultsFile: string | undefined;
    readonly docsDirectory: string | undefined;
};

/** The files a run wrote. */
export type WrittenFiles = { readonly results?: string; readonly markdown?: string; readonly chart?: string };

const CHART_FILE = "benchmarks.svg";

/**
 * Writes results.json (unless told not to) and, with a docs directory, benchmarks.md and
 * benchmarks.svg. JSON and markdown go through Prettier with the repository's settings (as if they
 * lived at their committed paths), so `prettier --check` passes on what the bench writes.
 */
export async function writeOutputs(results: BenchResults, paths: OutputPaths): Promise<WrittenFiles> {
    const written: { results?: string; markdown?: string; chart?: string } = {};
    if (paths.resultsFile !== undefined) {
        written.results = paths.resultsFile;
        write(
            paths.resultsFile,
            await formatted(
                JSON.stringify(results, null, 2),
                path.join(PROJECT_ROOT, "bench", "results.json"),
            ),
        );
    }
    if (paths.docsDirectory !== undefined) {
        written.chart = path.join(paths.docsDirectory, CHART_FILE);
        write(written.chart, renderChart(results));
        written.markdown = path.join(paths.docsDirectory, "benchmarks.md");
        write(
            written.markdown,
            await formatted(
                renderMarkdown(results, CHART_FILE),
                path.join(PROJECT_ROOT, "docs", "benchmarks.md"),
            ),
        );
    }
    return written;
}

function write(file: string, content: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
}

async function formatted(source: string, asFile: string): Promise<string> {
    const prettier = await import("prettier");
    const options = (await prettier.resolveConfig(asFile)) ?? {};
    return prettier.format(source, { ...options, filepath: asFile });
}
