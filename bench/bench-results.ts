// Not "results.ts": next to results.json, require("./results") would load the JSON file instead.
import type { compare, summarize } from "./measure/figures";
import type { runBenchmark } from "./measure/measure";

/** One contender's figures for one stack and latency mode (see `summarize`). */
export type ContenderSummary = ReturnType<typeof summarize>;
/** The three contenders on one stack in one latency mode (see `compare`). */
export type Comparison = ReturnType<typeof compare>;
/** Everything one run measured: what results.json holds (see `runBenchmark`). */
export type BenchResults = Awaited<ReturnType<typeof runBenchmark>>;
