import * as path from "node:path";
import { PROJECT_ROOT } from "../stack-access/project";
import { DEFAULT_LATENCY } from "./measure/latency";

/** The defaults of everything a bench run can vary (`npm run bench -- --help` says what each does). */
export const DEFAULT_OPTIONS = {
    stacks: ["dev", "prod"] as readonly string[],
    changes: 10_000,
    naiveChanges: 500,
    naiveModeledChanges: 150,
    rounds: 2,
    keys: 5_000,
    zipfExponent: 1.1,
    seed: 20261127,
    latency: DEFAULT_LATENCY,
    warmupMinSeconds: 15,
    warmupMaxSeconds: 45,
    initRuns: 7,
    resultsFile: path.join(PROJECT_ROOT, "bench", "results.json"),
    docsDirectory: path.join(PROJECT_ROOT, "docs") as string | undefined,
    routedComparison: true,
    fromResults: undefined as string | undefined,
};

export type BenchOptions = Readonly<typeof DEFAULT_OPTIONS>;

/** `--quick`: the same shape, small enough for a few minutes. */
export const QUICK_OPTIONS: Partial<BenchOptions> = {
    changes: 3_000,
    naiveChanges: 300,
    naiveModeledChanges: 100,
    rounds: 1,
    warmupMinSeconds: 5,
    warmupMaxSeconds: 20,
    initRuns: 5,
};
