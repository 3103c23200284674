import type { BenchResults } from "../measure/measure";

/**
 * A Mermaid `xychart-beta` (GitHub renders it): records/s per shard of each contender and stack at
 * modeled latency as bars, and the partition's 1,000 writes/s as a line.
 */
export function renderChart(results: BenchResults): string {
    const bars: [string, number][] = Object.entries(results.modeled).flatMap(([stack, comparison]) =>
        (["naive", "handler", "ceiling"] as const).map((contender): [string, number] => [
            `${stack} ${contender}`,
            Math.round(comparison[contender].recordsPerSecond),
        ]),
    );
    const top = Math.max(1000, ...bars.map(([, value]) => value));
    const step = 10 ** Math.floor(Math.log10(top));
    return [
        "```mermaid",
        "xychart-beta",
        '    title "Records/s per shard at modeled cloud latency (line: the partition\'s 1,000 writes/s)"',
        `    x-axis [${bars.map(([name]) => `"${name}"`).join(", ")}]`,
        `    y-axis "records/s" 0 --> ${Math.ceil((top * 1.1) / step) * step}`,
        `    bar [${bars.map(([, value]) => value).join(", ")}]`,
        `    line [${bars.map(() => 1000).join(", ")}]`,
        "```",
    ].join("\n");
}
