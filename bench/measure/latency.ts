/**
 * The latency model: what a request would wait on AWS, in region, on top of the local server's own
 * time. Each operation's delay is drawn from a log-normal distribution given by its median and 99th
 * percentile. Dependency-free apart from `random.ts`: it also runs in the latency proxy's process.
 */
import { seededRandom } from "./random";

/** A log-normal latency distribution, given by its median and 99th percentile (ms). */
export type Distribution = { readonly medianMs: number; readonly p99Ms: number };

/** What the model delays: three request kinds, and each invocation's poll and invoke. */
export const MODELED_OPERATIONS = ["PutItem", "DeleteItem", "PutObject", "invoke"] as const;
export type ModeledOperation = (typeof MODELED_OPERATIONS)[number];
export type LatencyModel = Readonly<Record<ModeledOperation, Distribution>>;

/** The defaults, and where they come from (docs/benchmarks.md explains each). */
export const DEFAULT_LATENCY: LatencyModel = {
    PutItem: { medianMs: 6, p99Ms: 25 },
    DeleteItem: { medianMs: 6, p99Ms: 25 },
    PutObject: { medianMs: 30, p99Ms: 200 },
    invoke: { medianMs: 20, p99Ms: 100 },
};

/** The standard normal's 99th percentile. */
const Z99 = 2.3263478740408408;

/**
 * Draws delays from a distribution, reproducibly from a seed: ln(delay) is normal with mean
 * ln(median) and standard deviation ln(p99 / median) / z₀.₉₉ (Box–Muller). A median of 0 draws 0.
 */
export function latencySampler(distribution: Distribution, seed: number): () => number {
    const random = seededRandom(seed);
    if (distribution.medianMs <= 0) return () => 0;
    const mu = Math.log(distribution.medianMs);
    const sigma = Math.log(distribution.p99Ms / distribution.medianMs) / Z99;
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
