/** Waits until `count` more units may go, keeping the overall rate at or under its limit. */
export type RateLimiter = (count: number) => Promise<void>;

/**
 * A token bucket refilled at `perSecond` and holding at most one second's worth, shared by every
 * Scan segment so the limit is for the whole backfill. No limit when `perSecond` is undefined.
 */
export function createRateLimiter(perSecond: number | undefined, now: () => number = Date.now): RateLimiter {
    if (perSecond === undefined) return async () => undefined;
    let tokens = perSecond;
    let refilledAt = now();
    let queue: Promise<void> = Promise.resolve();
    return (count) => {
        // Requests are served in order, so one large page cannot starve behind small ones.
        const turn = queue.then(async () => {
            for (;;) {
                const current = now();
                tokens = Math.min(perSecond, tokens + ((current - refilledAt) / 1000) * perSecond);
                refilledAt = current;
                if (tokens >= Math.min(count, perSecond)) {
                    tokens -= count;
                    return;
                }
                const wait = ((Math.min(count, perSecond) - tokens) / perSecond) * 1000;
                await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait)));
            }
        });
        queue = turn;
        return turn;
    };
}
