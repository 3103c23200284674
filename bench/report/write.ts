import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../local/program";
import type { BenchResults } from "../measure/measure";
import { renderMarkdown } from "./markdown";

/** The page's committed path: its Prettier settings apply wherever it is written. */
export const DOCS_PAGE = path.join(PROJECT_ROOT, "docs", "benchmarks.md");

/**
 * Writes results.json (unless `resultsFile` is undefined) and, with a docs directory, benchmarks.md,
 * both through Prettier as if at their committed paths, so `prettier --check` passes on them.
 *
 * @returns the files written
 */
export async function writeOutputs(
    results: BenchResults,
    { resultsFile, docsDirectory }: { readonly resultsFile?: string; readonly docsDirectory?: string },
): Promise<string[]> {
    const write = async (file: string, source: string, asFile: string) => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, await formatted(source, asFile));
        return [file];
    };
    return [
        ...(resultsFile
            ? await write(
                  resultsFile,
                  JSON.stringify(results, null, 2),
                  path.join(PROJECT_ROOT, "bench", "results.json"),
              )
            : []),
        ...(docsDirectory
            ? await write(path.join(docsDirectory, "benchmarks.md"), renderMarkdown(results), DOCS_PAGE)
            : []),
    ];
}

/** Source formatted by Prettier as the file at `asFile` would be. */
export async function formatted(source: string, asFile: string): Promise<string> {
    const prettier = await import("prettier");
    return prettier.format(source, { ...(await prettier.resolveConfig(asFile)), filepath: asFile });
}
