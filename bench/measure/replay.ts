import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { DynamoDBRecord } from "aws-lambda";
import { deliverShard, splitIntoConcurrentStreams, type Invocation, type LocalStack } from "../../local";
import { writeCeilingWork } from "./ceiling-work";
import type { InvocationLine } from "./function-preload";
import { createFunction, createTarget, dropTarget, type BenchCode, type Contender } from "./functions";
import { latencySampler, type LatencyModel } from "./latency";
import { startLatencyProxy } from "./latency-proxy";
import type { BenchProcesses } from "./processes";
import type { StackSettings } from "./stack-settings";

/** What every replay of a run shares; `keyAttribute` (the source's partition key) splits a shard into streams. */
export type ReplayContext = {
    readonly stack: LocalStack;
    readonly code: BenchCode;
    readonly workDirectory: string;
    readonly processes: BenchProcesses;
    readonly keyAttribute: string;
    readonly latency: LatencyModel;
    readonly seed: number;
};

/** One timed invocation: its batch and stream, the modeled wait before it, and what its process measured. */
export type BatchRun = InvocationLine & {
    readonly records: readonly DynamoDBRecord[];
    readonly stream: number;
    readonly waitedMs: number;
    readonly durationMs: number;
};

/**
 * One contender's replay: `elapsedMs` from the first timed batch handed over to the last one done;
 * `problems`, anything that makes the figures suspect.
 */
export type Measurement = {
    readonly contender: Contender;
    readonly modeled: boolean;
    readonly records: number;
    readonly elapsedMs: number;
    readonly batches: readonly BatchRun[];
    readonly problems: readonly string[];
};

let replays = 0;

/**
 * Replays records to a contender as one shard's event source mapping would deliver them with the
 * stack's settings: split by partition key into `parallelizationFactor` concurrent streams (each
 * key's records in order in one), each delivered in batches by `deliverShard`, writing to a new
 * table and bucket; `warmup` (other keys) goes first, untimed. At loopback each stream has an
 * execution environment of its own and they run side by side. At modeled latency the function
 * reaches the servers through a latency proxy of its own, each invocation first waits the modeled
 * poll and invoke, and one warm environment runs the streams one after another: on AWS each has CPU
 * of its own, which here they would take from each other (`scheduledRate` puts them side by side).
 */
export async function replay(
    context: ReplayContext,
    contender: Contender,
    settings: StackSettings,
    records: readonly DynamoDBRecord[],
    warmup: readonly DynamoDBRecord[],
    modeled: boolean,
): Promise<Measurement> {
    const { stack, code, processes, seed, workDirectory } = context;
    const split = (input: readonly DynamoDBRecord[]) =>
        splitIntoConcurrentStreams(input, context.keyAttribute, settings.parallelizationFactor);
    const streams = split(records);
    // At modeled latency one environment runs every stream in turn, so it is warmed up once, whole.
    const warmStreams = modeled ? [warmup] : split(warmup);
    const name = `bench-${++replays}-${contender}`;
    const work = path.join(workDirectory, `${name}.json`);
    if (contender === "ceiling") {
        const batches = [...streams, ...warmStreams].flatMap((stream) =>
            cut(stream, settings.mapping.batchSize),
        );
        await writeCeilingWork(work, batches, settings.handler);
    }
    // A routed stack's handler writes each route to a table of its own.
    const routes = contender === "handler" ? (settings.handler.routes ?? []).map((route) => route.name) : [];
    const target = await createTarget(stack, name, routes);
    const servers = { dynamodb: stack.dynamodbServer.endpoint, s3: stack.s3Server.endpoint };
    const proxy = modeled
        ? processes.track(await startLatencyProxy(code.proxy, servers, context.latency, seed))
        : undefined;
    const environment = contender === "ceiling" ? { BENCH_CEILING_WORK: work } : undefined;
    const environments = Array.from({ length: modeled ? 1 : streams.length }, (_, index) => {
        const callsFile = path.join(workDirectory, `${name}-${index}.ndjson`);
        const options = { target, callsFile, endpoints: proxy?.endpoints, environment };
        const fn = processes.track(createFunction(stack, code, contender, settings, options));
        type Invoked = {
            records: DynamoDBRecord[];
            invocation: Invocation;
            stream: number;
            waitedMs: number;
        };
        return { fn, callsFile, invoked: [] as Invoked[] };
    });
    const problems: string[] = [];
    const deliver = (stream: readonly DynamoDBRecord[], index: number, wait = () => 0) => {
        const { fn, invoked } = environments[modeled ? 0 : index] as (typeof environments)[number];
        return deliverShard(stream, settings.mapping, {
            invoke: async (event) => {
                const waitedMs = wait();
                if (waitedMs > 0) await sleep(waitedMs);
                const invocation = await fn.invoke(event);
                invoked.push({ records: event.Records, invocation, stream: index, waitedMs });
                return invocation;
            },
            discard: async (batch) =>
                void problems.push(`${batch.records.length} records discarded (${batch.condition})`),
        });
    };
    try {
        await Promise.all(warmStreams.map((stream, index) => deliver(stream, index)));
        // The warm-up's invocations and call counts are left out of the figures.
        for (const { invoked } of environments) invoked.length = 0;
        const skipped = environments.map(({ callsFile }) => readLines(callsFile).length);
        const started = performance.now();
        if (modeled)
            for (const [index, stream] of streams.entries())
                await deliver(stream, index, latencySampler(context.latency.invoke, seed + 100 + index));
        else await Promise.all(streams.map((stream, index) => deliver(stream, index)));
        const elapsedMs = performance.now() - started;
        let sent = 0;
        const batches = environments.flatMap(({ callsFile, invoked }, index) => {
            const lines = readLines(callsFile);
            for (const line of lines) for (const count of Object.values(line.calls)) sent += count.attempts;
            const timed = lines.slice(skipped[index]);
            if (timed.length !== invoked.length)
                problems.push(`${invoked.length} invocations, ${timed.length} lines of counts`);
            return invoked.map(({ invocation, ...batch }, at): BatchRun => {
                problems.push(...invocationProblems(invocation));
                const { durationMs } = invocation;
                return { ...batch, durationMs, ...(timed[at] ?? { calls: {}, cpuMs: 0 }) };
            });
        });
        if (proxy) {
            // Every call a modeled contender sent went through the proxy, and waited there.
            const delayed = Object.values(await processes.release(proxy)).reduce(
                (sum, count) => sum + count,
                0,
            );
            if (delayed !== sent) problems.push(`${sent} requests sent, ${delayed} delayed by the proxy`);
        }
        return { contender, modeled, records: records.length, elapsedMs, batches, problems };
    } finally {
        for (const { fn } of environments) await processes.release(fn);
        if (proxy) await processes.release(proxy);
        await dropTarget(stack, target);
    }
}

/** Cuts records into batches of `size` in stream order: what the mapping does when nothing fails. */
function cut<T>(records: readonly T[], size: number): T[][] {
    return Array.from({ length: Math.ceil(records.length / size) }, (_, at) =>
        records.slice(at * size, (at + 1) * size),
    );
}

function readLines(file: string): InvocationLine[] {
    const text = fs.readFileSync(file, "utf8").trim();
    return text ? text.split("\n").map((line) => JSON.parse(line) as InvocationLine) : [];
}

function invocationProblems(invocation: Invocation): string[] {
    if (!invocation.ok)
        return [`invocation failed: ${invocation.error.errorType}: ${invocation.error.errorMessage}`];
    const failures = (invocation.value as { batchItemFailures?: unknown[] } | null)?.batchItemFailures ?? [];
    return failures.length > 0 ? [`invocation reported ${failures.length} failed records`] : [];
}
