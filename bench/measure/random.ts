/** A deterministic source of uniform numbers in [0, 1), so every run records the same workload. */
export type Random = () => number;

/**
 * mulberry32: a tiny 32-bit PRNG, good enough to draw keys and operations reproducibly from a
 * seed (Math.random cannot be seeded).
 */
export function seededRandom(seed: number): Random {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/**
 * Draws ranks 0..keys-1 with probability proportional to 1/(rank+1)^exponent: a Zipf
 * distribution, the usual model of hot keys (a few items take most of the changes). An exponent
 * of 0 is uniform.
 */
export function zipfSampler(keys: number, exponent: number, random: Random): () => number {
    const cumulative = new Float64Array(keys);
    let total = 0;
    for (let rank = 0; rank < keys; rank++) {
        total += 1 / Math.pow(rank + 1, exponent);
        cumulative[rank] = total;
    }
    return () => {
        const target = random() * total;
        // Binary search for the first rank whose cumulative weight reaches the target.
        let low = 0;
        let high = keys - 1;
        while (low < high) {
            const middle = (low + high) >>> 1;
            if ((cumulative[middle] ?? 0) < target) low = middle + 1;
            else high = middle;
        }
        return low;
    };
}
