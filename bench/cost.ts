import type { CallTally } from "./api-calls";
import type { Measurement } from "./measurement";

/**
 * Prices from ../shared/DESIGN.md, "Cost model inputs" (us-east-1, public price lists). Kept here
 * rather than parsed from that file so the bench does not depend on a file outside the repo.
 */
export const PRICES_USD = {
    /** Lambda, per request. */
    lambdaRequest: 0.2 / 1_000_000,
    /** Lambda, per GB-second on arm64 (the function's architecture). */
    lambdaGbSecond: 0.0000133334,
    /** DynamoDB on-demand, per write request unit. */
    dynamodbWriteRequestUnit: 0.625 / 1_000_000,
    /** S3 Standard, per PUT request. */
    s3PutRequest: 0.005 / 1000,
} as const;

/** Cost per million changes, by what AWS bills. Stream reads by a Lambda trigger are free. */
export type CostBreakdown = {
    readonly lambdaRequests: number;
    readonly lambdaCompute: number;
    readonly dynamodbWrites: number;
    readonly s3Puts: number;
    readonly total: number;
};

/** DynamoDB operations that bill write request units: one per call for items up to 1 KB. */
const DYNAMODB_WRITES = new Set(["DynamoDB.PutItem", "DynamoDB.DeleteItem", "DynamoDB.UpdateItem"]);

/**
 * Cost per million changes from counted calls and measured durations:
 *
 * - Lambda requests: invocations × $0.20 per million;
 * - Lambda compute: Σ invocation duration (rounded up to the ms, as billed) × memory in GB ×
 *   $0.0000133334 per GB-s;
 * - DynamoDB: write calls × 1 WRU (every item is under 1 KB; a write whose condition fails
 *   still consumes its WRU) × $0.625 per million;
 * - S3: PutObject calls × $0.005 per 1,000;
 *
 * each scaled by 1,000,000 / changes.
 */
export function costPerMillionChanges(measurement: Measurement, memoryMb: number): CostBreakdown {
    const perMillion = 1_000_000 / measurement.records;
    const gbSeconds =
        (measurement.batchMs.reduce((sum, ms) => sum + Math.ceil(ms), 0) / 1000) * (memoryMb / 1024);
    const lambdaRequests = measurement.batches * PRICES_USD.lambdaRequest * perMillion;
    const lambdaCompute = gbSeconds * PRICES_USD.lambdaGbSecond * perMillion;
    const dynamodbWrites = writeUnits(measurement.calls) * PRICES_USD.dynamodbWriteRequestUnit * perMillion;
    const s3Puts = (measurement.calls["S3.PutObject"]?.calls ?? 0) * PRICES_USD.s3PutRequest * perMillion;
    return {
        lambdaRequests,
        lambdaCompute,
        dynamodbWrites,
        s3Puts,
        total: lambdaRequests + lambdaCompute + dynamodbWrites + s3Puts,
    };
}

function writeUnits(calls: CallTally): number {
    return Object.entries(calls)
        .filter(([operation]) => DYNAMODB_WRITES.has(operation))
        .reduce((sum, [, count]) => sum + count.calls, 0);
}
