import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stack-access/project";
import type { BenchResults } from "../measure/measure";
import { renderMarkdown } from "./markdown";

/** The page's committed path: its Prettier settings apply wherever it is written. */
export const DOCS_PAGE = path.join(PROJECT_ROOT, "docs", "benchmarks.md");
const RESULTS = path.join(PROJECT_ROOT, "bench", "results.json");
type Outputs = { readonly resultsFile?: string; readonly docsDirectory?: string };

/** Writes results.json and benchmarks.md where asked, formatted as at their committed paths; returns the files written. */
export async function writeOutputs(results: BenchResults, { resultsFile, docsDirectory }: Outputs) {
    const write = async (file: string | undefined, asFile: string, render: () => string) => {
        if (!file) return [];
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, await formatted(render(), asFile));
        return [file];
    };
    const page = docsDirectory && path.join(docsDirectory, "benchmarks.md");
    return [
        ...(await write(resultsFile, RESULTS, () => JSON.stringify(results, null, 2))),
        ...(await write(page, DOCS_PAGE, () => renderMarkdown(results))),
    ];
}

/** Source formatted by Prettier as the file at `asFile` would be, so `prettier --check` passes on it. */
export async function formatted(source: string, asFile: string): Promise<string> {
    const prettier = await import("prettier");
    return prettier.format(source, { ...(await prettier.resolveConfig(asFile)), filepath: asFile });
}
