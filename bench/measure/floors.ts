import type { Comparison } from "./figures";

/** A floor, and whether this run reached it. */
export type Floor = ReturnType<typeof floor>;
type Figure = "headroom" | "speedup" | "ceilingFraction";

/** At modeled latency, per stack (`*`: every stack): the figure, its floor's name, unit and limits. */
const STACK_FLOORS: readonly (readonly [Figure, string, string, Readonly<Record<string, number>>])[] = [
    ["headroom", "headroom over 1,000 writes/s", "×", { dev: 1.5, prod: 5 }],
    ["speedup", "speedup over the naive handler", "×", { dev: 50 }],
    ["ceilingFraction", "fraction of the ceiling", "", { "*": 0.85 }],
];

function floor(name: string, value: number, comparison: "≥" | "≤", limit: number, unit: string) {
    return {
        name,
        value,
        comparison,
        limit,
        unit,
        met: comparison === "≥" ? value >= limit : value <= limit,
    };
}

/** The floors, evaluated on a run's figures. */
export function evaluateFloors(results: {
    readonly modeled: Readonly<Record<string, Comparison>>;
    readonly loopback: Readonly<Record<string, Comparison>>;
    readonly initRatio: number;
    readonly codeZipBytes: number;
}): Floor[] {
    const worst = Math.max(
        ...[...Object.values(results.loopback), ...Object.values(results.modeled)].map(
            (comparison) => comparison.handler.apiCallsPerBatch.maxOverDistinctKeysPlusOne,
        ),
    );
    return [
        ...Object.entries(results.modeled).flatMap(([stack, comparison]) =>
            STACK_FLOORS.flatMap(([figure, name, unit, limits]) => {
                const limit = limits[stack] ?? limits["*"];
                return limit
                    ? [floor(`${stack}, modeled: ${name}`, comparison[figure], "≥", limit, unit)]
                    : [];
            }),
        ),
        floor("API calls per batch − (distinct keys + 1), worst batch", worst, "≤", 0, " calls"),
        floor("cold init, packaged ÷ SDK clients only (medians)", results.initRatio, "≤", 1.5, "×"),
        // 450 KB read strictly, as 450,000 bytes.
        floor("zipped code archive", results.codeZipBytes, "≤", 450_000, " bytes"),
    ];
}
