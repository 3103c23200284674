import { decimal, integer } from "./format";
import type { BenchResults, Floor } from "./bench-results";

/** A floor the run did not reach, with what limits it. */
export type MissedFloor = { readonly floor: Floor; readonly why: string };

/**
 * Explains each missed floor from the run's own figures, so a miss is reported with its cause
 * rather than hidden or argued away.
 */
export function missedFloorNotes(results: BenchResults): MissedFloor[] {
    return results.floors
        .filter((floor) => !floor.met)
        .map((floor) => ({ floor, why: explain(floor, results) }));
}

function explain(floor: Floor, results: BenchResults): string {
    const { handler, naive, ceiling } = results;
    switch (floor.name) {
        case "speedup over the naive handler": {
            const ceilingSpeedup = ceiling.recordsPerSecond / naive.recordsPerSecond;
            const bound =
                ceilingSpeedup < floor.limit
                    ? `so no handler could reach ${decimal(floor.limit, 0)}× on these servers`
                    : `so ${decimal(floor.limit, 0)}× needs ${decimal(floor.limit / ceilingSpeedup, 2)} of the ceiling ` +
                      `and the handler reaches ${decimal(results.ceilingFraction, 2)}`;
            return (
                `Even the ceiling, the minimum work sent with nothing else to do, is only ` +
                `${decimal(ceilingSpeedup, 1)}× the naive rate (${integer(ceiling.recordsPerSecond)} vs ` +
                `${integer(naive.recordsPerSecond)} records/s), ${bound}. Locally a request takes ~1.5 ms with no ` +
                `network in between, so the naive handler's one-at-a-time calls are cheap ` +
                `(${decimal(1000 / naive.recordsPerSecond, 1)} ms per record for its two calls), while the concurrent ` +
                `path is CPU-bound: DynamoDB Local, s3rver and the SDK share ${results.machine.cpus} cores. The ` +
                `handler's advantage (concurrency, coalescing, one PUT per batch) grows with per-request latency, ` +
                `which on AWS is several ms per DynamoDB write and tens of ms per S3 PUT; that is not measured here. ` +
                `It makes ${decimal(handler.apiCallsPer1000, 0)} calls per 1,000 changes against ` +
                `${decimal(naive.apiCallsPer1000, 0)} and costs ` +
                `${decimal(naive.costPerMillionUsd / handler.costPerMillionUsd, 0)}× less.`
            );
        }
        case "fraction of the ceiling":
            return (
                "The handler's own CPU work (routing, coalescing, gzip, logging, the SDK's per-request cost, the " +
                "invocation's event) competes with the servers for the same cores; the ceiling does that work " +
                "before it starts the clock."
            );
        case "API calls per batch − (distinct keys + 1), worst batch":
            return "A batch made more calls than one write per distinct key plus one PutObject: see the problems listed.";
        case "zipped code archive":
            return "The code archive packages every production dependency except the SDK clients; see test/infra for its contents.";
        case "cold init, median":
            return "Init is the require of the packaged module, which runs the handler's factory; check the load average.";
        default:
            return "";
    }
}
