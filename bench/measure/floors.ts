import type { Comparison } from "../bench-results";

/** A floor, and whether this run reached it. */
export type Floor = {
    readonly name: string;
    readonly value: number;
    readonly comparison: "≥" | "≤";
    readonly limit: number;
    readonly unit: string;
    readonly met: boolean;
};

/** At modeled latency, per stack: headroom over the partition, speedup over naive, fraction of the ceiling. */
const STACK_FLOORS: Readonly<Record<string, Partial<Record<"headroom" | "speedup", number>>>> = {
    dev: { headroom: 1.5, speedup: 50 },
    prod: { headroom: 5 },
};

/** The floors, evaluated on a run's figures (every stack gets the ceiling-fraction floor). */
export function evaluateFloors(results: {
    readonly modeled: Readonly<Record<string, Comparison>>;
    readonly loopback: Readonly<Record<string, Comparison>>;
    readonly initRatio: number;
    readonly codeZipBytes: number;
}): Floor[] {
    const floor = (name: string, value: number, comparison: "≥" | "≤", limit: number, unit = ""): Floor => {
        const met = comparison === "≥" ? value >= limit : value <= limit;
        return { name, value, comparison, limit, unit, met };
    };
    const handlers = [...Object.values(results.loopback), ...Object.values(results.modeled)].map(
        (comparison) => comparison.handler.apiCallsPerBatch.maxOverDistinctKeysPlusOne,
    );
    return [
        ...Object.entries(results.modeled).flatMap(([stack, { headroom, speedup, ceilingFraction }]) => {
            const own = STACK_FLOORS[stack] ?? {};
            return [
                ...(own.headroom
                    ? [
                          floor(
                              `${stack}, modeled: headroom over 1,000 writes/s`,
                              headroom,
                              "≥",
                              own.headroom,
                              "×",
                          ),
                      ]
                    : []),
                ...(own.speedup
                    ? [
                          floor(
                              `${stack}, modeled: speedup over the naive handler`,
                              speedup,
                              "≥",
                              own.speedup,
                              "×",
                          ),
                      ]
                    : []),
                floor(`${stack}, modeled: fraction of the ceiling`, ceilingFraction, "≥", 0.85),
            ];
        }),
        floor(
            "API calls per batch − (distinct keys + 1), worst batch",
            Math.max(...handlers),
            "≤",
            0,
            " calls",
        ),
        floor("cold init, packaged ÷ SDK clients only (medians)", results.initRatio, "≤", 1.5, "×"),
        // 450 KB read strictly, as 450,000 bytes.
        floor("zipped code archive", results.codeZipBytes, "≤", 450_000, " bytes"),
    ];
}
