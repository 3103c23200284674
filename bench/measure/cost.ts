/** Public list prices, us-east-1, as of the date below (docs/benchmarks.md lists the pages). */
export const PRICES_USD = {
    checked: "2026-11-28",
    /** Lambda, per request. */
    lambdaRequest: 0.2 / 1_000_000,
    /** Lambda, per GB-second on arm64 (the function's architecture), first pricing tier. */
    lambdaGbSecond: 0.0000133334,
    /** DynamoDB on-demand, per write request unit (1 KB of item, rounded up, per write). */
    dynamodbWriteRequestUnit: 0.625 / 1_000_000,
    /** S3 Standard, per PUT request. */
    s3PutRequest: 0.005 / 1000,
} as const;

/** Memory at which a Lambda function has one full vCPU; below it, a proportional share. */
export const MB_PER_VCPU = 1769;

/**
 * One invocation's billed duration, in whole ms as Lambda bills: the larger of its wall time and its
 * CPU time stretched to the memory's vCPU share (a function that needs more CPU than its share takes longer).
 */
export function billedMs(durationMs: number, cpuMs: number, memoryMb: number): number {
    return Math.ceil(Math.max(durationMs, cpuMs / Math.min(1, memoryMb / MB_PER_VCPU)));
}

/** Cost per million changes of what a replay of `changes` used (stream reads by a Lambda trigger are free). */
export function costPerMillionChanges(
    changes: number,
    memoryMb: number,
    used: { invocations: number; billedMs: number; writeUnits: number; putObjects: number },
) {
    const perMillion = 1_000_000 / changes;
    const parts = {
        lambdaRequests: used.invocations * PRICES_USD.lambdaRequest * perMillion,
        lambdaCompute: (used.billedMs / 1000) * (memoryMb / 1024) * PRICES_USD.lambdaGbSecond * perMillion,
        dynamodbWrites: used.writeUnits * PRICES_USD.dynamodbWriteRequestUnit * perMillion,
        s3Puts: used.putObjects * PRICES_USD.s3PutRequest * perMillion,
    };
    return {
        ...parts,
        total: parts.lambdaRequests + parts.lambdaCompute + parts.dynamodbWrites + parts.s3Puts,
    };
}
