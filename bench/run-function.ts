import type { DynamoDBRecord } from "aws-lambda";
import { deliverShard, type DiscardedBatch, type MappingSettings } from "../local/mapping/delivery";
import type { Invocation } from "../local/lambda/local-function";
import { readCallWindows, type CountedFunction } from "./functions";
import { mergeTallies, totalCalls, type Measurement } from "./measurement";

/**
 * Delivers records to a counted function with the event source mapping's semantics (batches of
 * `settings.batchSize` in order; retries and bisection if anything failed, which the bench then
 * reports as a problem) and times it.
 *
 * The function is warmed up first with `warmup` records (other keys), so the timed part sees a
 * warm execution environment, as a busy stream's Lambda does; its calls are left out.
 */
export async function measureFunction(
    counted: CountedFunction,
    records: readonly DynamoDBRecord[],
    warmup: readonly DynamoDBRecord[],
    settings: MappingSettings,
): Promise<Measurement> {
    const problems: string[] = [];
    const warmupInvocations: Invocation[] = [];
    await deliverShard(warmup, settings, {
        invoke: async (event) => record(warmupInvocations, await counted.fn.invoke(event)),
        discard: async (batch) => void problems.push(`warm-up batch discarded: ${describeDiscard(batch)}`),
    });
    problems.push(...invocationProblems(warmupInvocations, "warm-up "));
    const skip = readCallWindows(counted.callsFile).length;

    const invocations: Invocation[] = [];
    const started = performance.now();
    await deliverShard(records, settings, {
        invoke: async (event) => record(invocations, await counted.fn.invoke(event)),
        discard: async (batch) => void problems.push(`batch discarded: ${describeDiscard(batch)}`),
    });
    const elapsedMs = performance.now() - started;

    problems.push(...invocationProblems(invocations, ""));
    const windows = readCallWindows(counted.callsFile).slice(skip);
    if (windows.length !== invocations.length) {
        problems.push(`${invocations.length} invocations but ${windows.length} lines of call counts`);
    }
    return {
        records: records.length,
        batches: invocations.length,
        elapsedMs,
        batchMs: invocations.map((invocation) => invocation.durationMs),
        calls: mergeTallies(windows),
        callsPerBatch: windows.map(totalCalls),
        problems,
    };
}

function record(invocations: Invocation[], invocation: Invocation): Invocation {
    invocations.push(invocation);
    return invocation;
}

function invocationProblems(invocations: readonly Invocation[], phase: string): string[] {
    const problems: string[] = [];
    for (const invocation of invocations) {
        if (!invocation.ok) {
            problems.push(
                `${phase}invocation failed: ${invocation.error.errorType}: ${invocation.error.errorMessage}`,
            );
            continue;
        }
        const failures = (invocation.value as { batchItemFailures?: unknown[] } | null)?.batchItemFailures;
        if (Array.isArray(failures) && failures.length > 0) {
            problems.push(`${phase}invocation reported ${failures.length} failed records`);
        }
    }
    return problems;
}

function describeDiscard(batch: DiscardedBatch): string {
    return `${batch.records.length} records, ${batch.condition}`;
}
