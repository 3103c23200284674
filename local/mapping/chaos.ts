import { createHash, randomInt } from "node:crypto";
import type { DynamoDBRecord } from "aws-lambda";
import type { DeliveryEvent, DeliverySchedule } from "./delivery";

/** How often the chaos mode does each unkind thing AWS is allowed to do. */
export type ChaosRates = {
    /** Share of successful batches delivered again, as after a lost checkpoint. */
    readonly redeliver: number;
    /** Share of invocations throttled (retried after a pause, counting no attempt). */
    readonly throttle: number;
    /** Share of invocations given a timeout of 5-50 ms, which cuts a typical batch off mid-run. */
    readonly timeout: number;
};

/**
 * The chaos mode's rates: far above what AWS does, so that a short local run meets each case,
 * and low enough that a record's retries are not exhausted by chaos alone (four timeouts in a
 * row, with the dev stack's 3 retries, happen once in 160,000 tries).
 */
export const CHAOS_RATES: ChaosRates = { redeliver: 0.1, throttle: 0.1, timeout: 0.05 };

/** The shortest and longest timeout the chaos mode gives an invocation it times out. */
export const CHAOS_TIMEOUT_MS = { min: 5, max: 50 } as const;

/** What the chaos mode did so far. */
export type ChaosCounts = { redelivered: number; throttled: number; timedOut: number };

/** A seeded source of the chaos mode's decisions, as a delivery schedule. */
export type Chaos = {
    readonly seed: number;
    readonly rates: ChaosRates;
    readonly schedule: DeliverySchedule;
    /** Decisions taken; an invocation given a short timeout counts once it really timed out. */
    readonly counts: ChaosCounts;
    /** Notes what a delivery event says about the chaos; returns a line for the operator, if any. */
    observe(event: DeliveryEvent, shardId: string): string | undefined;
};

/**
 * Makes the local mapping do, at `rates`, what AWS may do and rarely does: deliver a successful
 * batch again (a lost checkpoint), throttle an invocation, time out a slow one.
 *
 * Each decision is a hash of the seed, the kind of decision, the batch's first and last sequence
 * numbers and how often that question was asked about that batch, never a shared random stream:
 * replaying a seed (`--chaos-seed`) repeats the decisions for every batch that comes out the same
 * way, even though how the stream is cut into batches can vary with timing.
 */
export function createChaos(seed: number, rates: ChaosRates = CHAOS_RATES): Chaos {
    const asked = new Map<string, number>();
    const draw = (kind: string, batch: readonly DynamoDBRecord[]): number => {
        const first = batch[0]?.dynamodb?.SequenceNumber ?? "";
        const last = batch[batch.length - 1]?.dynamodb?.SequenceNumber ?? "";
        const question = `${kind} ${first} ${last}`;
        const nth = asked.get(question) ?? 0;
        asked.set(question, nth + 1);
        return uniform(`${seed} ${question} ${nth}`);
    };
    const counts: ChaosCounts = { redelivered: 0, throttled: 0, timedOut: 0 };
    return {
        seed,
        rates,
        counts,
        observe: (event, shardId) => {
            if (event.kind === "throttled") {
                return `chaos: throttled an invocation of ${records(event.records)} from ${shardId}; retrying in ${event.retryInMs} ms (no attempt counted)`;
            }
            if (event.kind === "redelivered") {
                return `chaos: delivering a successful batch of ${records(event.records)} from ${shardId} again, as after a lost checkpoint`;
            }
            if (
                event.kind === "invoked" &&
                event.timeoutMs !== undefined &&
                !event.invocation.ok &&
                event.invocation.timedOut
            ) {
                counts.timedOut++;
                return `chaos: timed out an invocation of ${records(event.records)} from ${shardId} after ${event.timeoutMs} ms (an attempt: the batch is bisected or retried)`;
            }
            return undefined;
        },
        schedule: {
            redeliverSucceededBatch: (batch) => {
                const yes = draw("redeliver", batch) < rates.redeliver;
                if (yes) counts.redelivered++;
                return yes;
            },
            throttleInvocation: (batch) => {
                const yes = draw("throttle", batch) < rates.throttle;
                if (yes) counts.throttled++;
                return yes;
            },
            invocationTimeoutMs: (batch) => {
                if (draw("timeout", batch) >= rates.timeout) return undefined;
                const { min, max } = CHAOS_TIMEOUT_MS;
                return Math.round(min + draw("timeout-ms", batch) * (max - min));
            },
        },
    };
}

/** A seed for a new chaos run (printed, so the run can be replayed). */
export function newChaosSeed(): number {
    return randomInt(1, 1_000_000);
}

/**
 * Reads `--chaos-seed`: a whole number from 0 to 2^32 - 1.
 *
 * @throws {Error} naming the flag and what it allows
 */
export function parseChaosSeed(text: string): number {
    const seed = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(seed) || seed > 2 ** 32 - 1) {
        throw new Error(`--chaos-seed is "${text}"; allowed: a whole number from 0 to 4294967295.`);
    }
    return seed;
}

/** `re-delivers 10% of successful batches, throttles 10% of invocations, times out 5% (after 5-50 ms)` */
export function describeChaos(chaos: Chaos): string {
    const percent = (share: number) => `${Math.round(share * 100)}%`;
    const { min, max } = CHAOS_TIMEOUT_MS;
    return (
        `re-delivers ${percent(chaos.rates.redeliver)} of successful batches (a lost checkpoint), ` +
        `throttles ${percent(chaos.rates.throttle)} of invocations (retried, no attempt counted), ` +
        `times out ${percent(chaos.rates.timeout)} (after ${min}-${max} ms; counts as an attempt)`
    );
}

function records(count: number): string {
    return `${count} record${count === 1 ? "" : "s"}`;
}

/** A number in [0, 1) from the text's SHA-256. */
function uniform(text: string): number {
    return createHash("sha256").update(text).digest().readUInt32BE(0) / 2 ** 32;
}
