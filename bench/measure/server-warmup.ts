import type { DynamoDBRecord } from "aws-lambda";
import { replay, type ReplayContext } from "./replay";
import type { StackSettings } from "./stack-settings";

/** True once the last `window` slices (~1 s each, so noisy) no longer beat the best rate before them by more than `tolerance`. */
export function hasLevelledOff(rates: readonly number[], window = 4, tolerance = 0.04): boolean {
    if (rates.length <= window) return false;
    return Math.max(...rates.slice(-window)) <= Math.max(...rates.slice(0, -window)) * (1 + tolerance);
}

/**
 * Loads the servers at loopback, slice after slice, until their speed levels off: DynamoDB Local's
 * JVM keeps compiling hot paths for a minute or more under load, and the first contender would
 * otherwise meet a slower server than the rest. A slice is a ceiling replay (concurrent writes) and
 * a naive one (one request at a time), on copies under other keys.
 */
export async function warmServers(
    context: ReplayContext,
    settings: StackSettings,
    copies: {
        readonly concurrent: readonly DynamoDBRecord[];
        readonly sequential: readonly DynamoDBRecord[];
    },
    { minSeconds, maxSeconds }: { readonly minSeconds: number; readonly maxSeconds: number },
) {
    const rates = { concurrentRates: [] as number[], sequentialRates: [] as number[] };
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const steady = () => hasLevelledOff(rates.concurrentRates) && hasLevelledOff(rates.sequentialRates);
    while (seconds() < maxSeconds && (seconds() < minSeconds || !steady()))
        for (const [contender, records, into] of [
            ["ceiling", copies.concurrent, rates.concurrentRates],
            ["naive", copies.sequential, rates.sequentialRates],
        ] as const) {
            const measured = await replay(context, contender, settings, records, [], false);
            into.push(measured.records / (measured.elapsedMs / 1000));
        }
    return { seconds: seconds(), steady: steady(), ...rates };
}
