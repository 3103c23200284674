/** What the gate decided, per principal: counts, and each distinct call once (what a role's user does). */
export type AccessLog = {
    record(principal: string, action: string, resource: string, allowed: boolean, reason?: string): void;
    /** Per principal: requests allowed and denied. */
    counts(): ReadonlyMap<string, { allowed: number; denied: number }>;
    /** Each distinct call, in the order first seen. */
    calls(): readonly AccessRecord[];
};

export type AccessRecord = {
    readonly principal: string;
    readonly action: string;
    readonly resource: string;
    readonly allowed: boolean;
    readonly reason?: string;
};

export function createAccessLog(): AccessLog {
    const counts = new Map<string, { allowed: number; denied: number }>();
    const calls = new Map<string, AccessRecord>();
    return {
        record(principal, action, resource, allowed, reason) {
            const count = counts.get(principal) ?? { allowed: 0, denied: 0 };
            if (allowed) count.allowed++;
            else count.denied++;
            counts.set(principal, count);
            const id = `${principal} ${action} ${resource} ${allowed}`;
            if (!calls.has(id))
                calls.set(id, { principal, action, resource, allowed, ...(reason ? { reason } : {}) });
        },
        counts: () => counts,
        calls: () => [...calls.values()],
    };
}

/** `IAM: 1,234 requests allowed, 0 denied`, then one line per principal. */
export function accessSummary(log: AccessLog): string[] {
    const all = [...log.counts().values()];
    const total = (field: "allowed" | "denied"): string =>
        all.reduce((sum, count) => sum + count[field], 0).toLocaleString("en-US");
    return [
        `IAM: ${total("allowed")} requests allowed, ${total("denied")} denied`,
        ...[...log.counts()].map(
            ([principal, count]) =>
                `  ${principal}: ${count.allowed.toLocaleString("en-US")} allowed, ${count.denied.toLocaleString("en-US")} denied`,
        ),
    ];
}
