import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../local/program";
import type { BenchResults } from "../measure/measure";
import { renderMarkdown } from "./markdown";

/**
 * Writes results.json (unless `resultsFile` is undefined) and, with a docs directory,
 * benchmarks.md. Both go through Prettier with the repository's settings, as if at their committed
 * paths, so `prettier --check` passes on what the bench writes.
 *
 * @returns the files written
 */
export async function writeOutputs(
    results: BenchResults,
    paths: { readonly resultsFile: string | undefined; readonly docsDirectory: string | undefined },
): Promise<string[]> {
    const written: string[] = [];
    const write = async (file: string, source: string, asFile: string): Promise<void> => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, await formatted(source, asFile));
        written.push(file);
    };
    if (paths.resultsFile !== undefined)
        await write(
            paths.resultsFile,
            JSON.stringify(results, null, 2),
            path.join(PROJECT_ROOT, "bench", "results.json"),
        );
    if (paths.docsDirectory !== undefined)
        await write(
            path.join(paths.docsDirectory, "benchmarks.md"),
            renderMarkdown(results),
            path.join(PROJECT_ROOT, "docs", "benchmarks.md"),
        );
    return written;
}

/** Source formatted by Prettier as the file at `asFile` would be. */
export async function formatted(source: string, asFile: string): Promise<string> {
    const prettier = await import("prettier");
    const options = (await prettier.resolveConfig(asFile)) ?? {};
    return prettier.format(source, { ...options, filepath: asFile });
}
