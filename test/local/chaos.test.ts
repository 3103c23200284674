import { strict as assert } from "node:assert";
import type { DynamoDBRecord } from "aws-lambda";
import { CHAOS_TIMEOUT_MS, createChaos, parseChaosSeed } from "../../local/mapping/chaos";
import type { Invocation } from "../../local/lambda/local-function";
import { dynamodbRecordFactory } from "../helpers/records";

/** Batches of one record each, with sequence numbers of their own. */
const batches = (count: number): DynamoDBRecord[][] =>
    Array.from({ length: count }, () => [dynamodbRecordFactory()]);

describe("the chaos mode", () => {
    const sample = batches(2_000);

    it("decides the same for the same seed and batches, and differently for another seed", () => {
        const decide = (seed: number) => {
            const { schedule } = createChaos(seed);
            return sample.map((batch) => [
                schedule.throttleInvocation?.(batch),
                schedule.redeliverSucceededBatch?.(batch),
                schedule.invocationTimeoutMs?.(batch),
            ]);
        };

        assert.deepEqual(decide(7), decide(7));
        assert.notDeepEqual(decide(7), decide(8));
    });

    it("asks afresh each time the same batch comes back, so a throttled batch is not throttled forever", () => {
        const { schedule } = createChaos(7, { redeliver: 0, throttle: 0.5, timeout: 0 });
        const [batch] = sample;

        const answers = Array.from({ length: 40 }, () => schedule.throttleInvocation?.(batch!));

        assert.ok(answers.includes(true) && answers.includes(false), `always ${answers[0]}`);
    });

    it("keeps to its rates, and times out after 5 to 50 ms", () => {
        const chaos = createChaos(42);
        const share = (decisions: unknown[]) => decisions.filter(Boolean).length / decisions.length;

        const throttled = sample.map((batch) => chaos.schedule.throttleInvocation?.(batch));
        const redelivered = sample.map((batch) => chaos.schedule.redeliverSucceededBatch?.(batch));
        const timeouts = sample.map((batch) => chaos.schedule.invocationTimeoutMs?.(batch));

        assert.ok(Math.abs(share(throttled) - 0.1) < 0.02, `throttled ${share(throttled)}`);
        assert.ok(Math.abs(share(redelivered) - 0.1) < 0.02, `re-delivered ${share(redelivered)}`);
        assert.ok(Math.abs(share(timeouts) - 0.05) < 0.015, `timed out ${share(timeouts)}`);
        for (const ms of timeouts.filter((value) => value !== undefined)) {
            assert.ok(ms >= CHAOS_TIMEOUT_MS.min && ms <= CHAOS_TIMEOUT_MS.max, `${ms} ms`);
        }
        assert.deepEqual(chaos.counts, {
            throttled: throttled.filter(Boolean).length,
            redelivered: redelivered.filter(Boolean).length,
            timedOut: 0,
        });
    });

    it("counts a timeout only once the invocation really timed out, and says what it did", () => {
        const chaos = createChaos(7);
        const batch = [dynamodbRecordFactory()];
        const timedOut: Invocation = {
            ok: false,
            error: { errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 0.01 seconds" },
            timedOut: true,
            durationMs: 10,
        };
        const finished: Invocation = { ok: true, value: null, durationMs: 3 };

        const lines = [
            chaos.observe(
                { kind: "invoked", records: 1, invocation: finished, batch, timeoutMs: 10 },
                "shard-1",
            ),
            chaos.observe(
                { kind: "invoked", records: 1, invocation: timedOut, batch, timeoutMs: 10 },
                "shard-1",
            ),
            chaos.observe({ kind: "throttled", records: 3, retryInMs: 200 }, "shard-1"),
            chaos.observe({ kind: "redelivered", records: 3 }, "shard-1"),
            chaos.observe({ kind: "bisected", records: 3 }, "shard-1"),
        ];

        assert.equal(chaos.counts.timedOut, 1);
        assert.deepEqual(lines, [
            undefined,
            "chaos: timed out an invocation of 1 record from shard-1 after 10 ms (an attempt: the batch is bisected or retried)",
            "chaos: throttled an invocation of 3 records from shard-1; retrying in 200 ms (no attempt counted)",
            "chaos: delivering a successful batch of 3 records from shard-1 again, as after a lost checkpoint",
            undefined,
        ]);
    });

    it("takes a whole-number seed and names the flag otherwise", () => {
        assert.equal(parseChaosSeed("7"), 7);
        assert.equal(parseChaosSeed("4294967295"), 4294967295);
        for (const text of ["-1", "1.5", "seven", "", "4294967296"]) {
            assert.throws(
                () => parseChaosSeed(text),
                /--chaos-seed is ".*"; allowed: a whole number from 0 to 4294967295\./,
            );
        }
    });
});
