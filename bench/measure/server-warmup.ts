import type { DynamoDBRecord } from "aws-lambda";
import { replay, type ReplayContext } from "./replay";
import type { StackSettings } from "./stack-settings";

/** Slices whose best rate is compared with the best before them. */
const LEVEL_WINDOW = 4;
/** A rise of at most this much over the earlier best counts as level (slices are ~1 s, so noisy). */
const LEVEL_TOLERANCE = 0.04;

/**
 * True once the last few slices no longer beat the best rate before them by more than the noise:
 * the server has stopped getting faster. Pure, for testing.
 */
export function hasLevelledOff(
    rates: readonly number[],
    window = LEVEL_WINDOW,
    tolerance = LEVEL_TOLERANCE,
): boolean {
    if (rates.length <= window) return false;
    const earlierBest = Math.max(...rates.slice(0, -window));
    const recentBest = Math.max(...rates.slice(-window));
    return recentBest <= earlierBest * (1 + tolerance);
}

/**
 * Loads the servers at loopback with the contenders' kinds of work, slice after slice, until their
 * speed levels off: DynamoDB Local's JVM keeps compiling hot paths for a minute or more under load,
 * and whichever contender ran first would otherwise meet a slower server than the ones after it.
 * Each slice is a ceiling replay (concurrent conditional writes, one PutObject per batch) and a naive
 * replay (one write and one PutObject per record, one at a time), on copies under other keys.
 */
export async function warmServers(
    context: ReplayContext,
    settings: StackSettings,
    copies: {
        readonly concurrent: readonly DynamoDBRecord[];
        readonly sequential: readonly DynamoDBRecord[];
    },
    bounds: { readonly minSeconds: number; readonly maxSeconds: number },
): Promise<{ seconds: number; steady: boolean; concurrentRates: number[]; sequentialRates: number[] }> {
    const concurrentRates: number[] = [];
    const sequentialRates: number[] = [];
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const steady = () => hasLevelledOff(concurrentRates) && hasLevelledOff(sequentialRates);
    while (seconds() < bounds.maxSeconds && (seconds() < bounds.minSeconds || !steady())) {
        for (const [contender, records, rates] of [
            ["ceiling", copies.concurrent, concurrentRates],
            ["naive", copies.sequential, sequentialRates],
        ] as const) {
            const measured = await replay(context, contender, settings, records, [], false);
            rates.push(measured.records / (measured.elapsedMs / 1000));
        }
    }
    return { seconds: seconds(), steady: steady(), concurrentRates, sequentialRates };
}
