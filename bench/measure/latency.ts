/**
 * The latency model: what a request would wait on AWS, in region, on top of the local server's own
 * time. Dependency-free: it also runs in the latency proxy's process.
 */

/** A log-normal latency distribution, given by its median and 99th percentile (ms). */
export type Distribution = { readonly medianMs: number; readonly p99Ms: number };

/** What the model delays: three request kinds, and each invocation's poll and invoke. */
export const MODELED_OPERATIONS = ["PutItem", "DeleteItem", "PutObject", "invoke"] as const;
export type ModeledOperation = (typeof MODELED_OPERATIONS)[number];
export type LatencyModel = Readonly<Record<ModeledOperation, Distribution>>;

/** The defaults (docs/benchmarks.md gives each one's public source). */
export const DEFAULT_LATENCY: LatencyModel = {
    PutItem: { medianMs: 6, p99Ms: 25 },
    DeleteItem: { medianMs: 6, p99Ms: 25 },
    PutObject: { medianMs: 30, p99Ms: 200 },
    invoke: { medianMs: 20, p99Ms: 100 },
};

const STANDARD_NORMAL_P99 = 2.3263478740408408;

/**
 * Draws delays from a distribution, reproducibly from a seed: ln(delay) is normal with mean
 * ln(median) and standard deviation ln(p99 / median) / z₀.₉₉ (Box–Muller). A median of 0 draws 0.
 */
export function latencySampler(distribution: Distribution, seed: number): () => number {
    const random = seededRandom(seed);
    if (distribution.medianMs <= 0) return () => 0;
    const mu = Math.log(distribution.medianMs);
    const sigma = Math.log(distribution.p99Ms / distribution.medianMs) / STANDARD_NORMAL_P99;
    return () =>
        Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

/**
 * The modeled operation of a request: for DynamoDB from its `X-Amz-Target` header
 * (`DynamoDB_20120810.PutItem`), for S3 from its method (a PUT is a PutObject here: buckets are
 * created around the proxy, not through it). Anything else passes undelayed.
 */
export function operationOf(
    service: "dynamodb" | "s3",
    method: string | undefined,
    target: string | undefined,
): ModeledOperation | undefined {
    if (service === "s3") return method === "PUT" ? "PutObject" : undefined;
    const operation = target?.split(".")[1];
    return operation === "PutItem" || operation === "DeleteItem" ? operation : undefined;
}

/** Uniform numbers in [0, 1), reproducible from a seed (Math.random cannot be seeded). */
export type Random = () => number;

/** mulberry32: a tiny 32-bit PRNG, good enough to draw keys, operations and delays reproducibly. */
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
