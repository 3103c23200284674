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

/** Cost per million changes, by what AWS bills. Stream reads by a Lambda trigger are free. */
export type CostBreakdown = {
    readonly lambdaRequests: number;
    readonly lambdaCompute: number;
    readonly dynamodbWrites: number;
    readonly s3Puts: number;
    readonly total: number;
};

/**
 * One invocation's billed duration at a memory size: the larger of its wall time and its CPU time
 * stretched to the vCPU share that memory buys (a function that needs more CPU than its share
 * takes longer), rounded up to the millisecond as Lambda bills.
 */
export function billedMs(durationMs: number, cpuMs: number, memoryMb: number): number {
    return Math.ceil(Math.max(durationMs, cpuMs / Math.min(1, memoryMb / MB_PER_VCPU)));
}

/** What a replay used, in billed units. */
export type Usage = {
    readonly changes: number;
    readonly invocations: number;
    readonly billedMs: number;
    readonly memoryMb: number;
    readonly writeUnits: number;
    readonly putObjects: number;
};

/** Cost per million changes: each billed unit × its price × 1,000,000 / changes. */
export function costPerMillionChanges(usage: Usage): CostBreakdown {
    const perMillion = 1_000_000 / usage.changes;
    const lambdaRequests = usage.invocations * PRICES_USD.lambdaRequest * perMillion;
    const gbSeconds = (usage.billedMs / 1000) * (usage.memoryMb / 1024);
    const lambdaCompute = gbSeconds * PRICES_USD.lambdaGbSecond * perMillion;
    const dynamodbWrites = usage.writeUnits * PRICES_USD.dynamodbWriteRequestUnit * perMillion;
    const s3Puts = usage.putObjects * PRICES_USD.s3PutRequest * perMillion;
    return {
        lambdaRequests,
        lambdaCompute,
        dynamodbWrites,
        s3Puts,
        total: lambdaRequests + lambdaCompute + dynamodbWrites + s3Puts,
    };
}
