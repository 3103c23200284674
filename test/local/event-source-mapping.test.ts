import { strict as assert } from "node:assert";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import {
    deliverShard,
    type DiscardedBatch,
    type MappingHooks,
    type MappingSettings,
} from "../../local/mapping/delivery";
import { localRecordTimeMs } from "../../local/mapping/stream-records";
import type { Invocation } from "../../local/lambda/local-function";
import { dynamodbRecordFactory } from "../helpers/records";

const settings: MappingSettings = {
    batchSize: 4,
    maximumRetryAttempts: 2,
    maximumRecordAgeInSeconds: 3600,
    bisectBatchOnFunctionError: true,
    reportBatchItemFailures: true,
};

const records = (count: number): DynamoDBRecord[] =>
    Array.from({ length: count }, () => dynamodbRecordFactory({ createdAt: new Date() }));
const sequence = (record: DynamoDBRecord | undefined): string => String(record?.dynamodb?.SequenceNumber);
const ok = (batchItemFailures: { itemIdentifier: string }[] = []): Invocation => ({
    ok: true,
    value: { batchItemFailures },
    durationMs: 1,
});
const functionError: Invocation = {
    ok: false,
    error: { errorType: "Error", errorMessage: "boom" },
    timedOut: false,
    durationMs: 1,
};

/** Delivers with a function that answers from `respond`, recording every batch it was given. */
async function deliver(
    input: DynamoDBRecord[],
    respond: (batch: DynamoDBRecord[]) => Invocation,
    overrides: Partial<MappingSettings> = {},
    hooks: Partial<MappingHooks> = {},
) {
    const invocations: string[][] = [];
    const discarded: DiscardedBatch[] = [];
    await deliverShard(
        input,
        { ...settings, ...overrides },
        {
            ...hooks,
            invoke: async (event: DynamoDBStreamEvent) => {
                invocations.push(event.Records.map(sequence));
                return respond(event.Records);
            },
            discard: async (batch) => {
                discarded.push(batch);
            },
        },
    );
    return { invocations, discarded };
}

describe("the local event source mapping", () => {
    it("delivers records in order in batches of at most batchSize", async () => {
        const input = records(10);

        const { invocations, discarded } = await deliver(input, () => ok());

        assert.deepEqual(
            invocations.map((batch) => batch.length),
            [4, 4, 2],
        );
        assert.deepEqual(invocations.flat(), input.map(sequence));
        assert.deepEqual(discarded, []);
    });

    it("re-delivers from the lowest reported failure, keeping what came before", async () => {
        const input = records(4);
        let first = true;

        const { invocations } = await deliver(input, (batch) => {
            if (!first) return ok();
            first = false;
            return ok([{ itemIdentifier: sequence(batch[3]) }, { itemIdentifier: sequence(batch[1]) }]);
        });

        assert.deepEqual(invocations, [input.map(sequence), input.slice(1).map(sequence)]);
    });

    it("bisects a batch on a function error until the poison record is alone, then retries and discards it", async () => {
        const input = records(4);
        const poison = sequence(input[2]);

        const { invocations, discarded } = await deliver(input, (batch) =>
            batch.some((record) => sequence(record) === poison) ? functionError : ok(),
        );

        assert.deepEqual(
            invocations.map((batch) => batch.length),
            [4, 2, 2, 1, 1, 1, 1],
        );
        assert.deepEqual(
            discarded.map((batch) => [batch.records.map(sequence), batch.condition, batch.invokeCount]),
            [[[poison], "RetryAttemptsExhausted", 5]],
        );
        assert.equal(discarded[0]?.lastInvocation, functionError);
    });

    it("discards a partially failing batch once its retries are exhausted, and moves on", async () => {
        const input = records(6);
        const stuck = sequence(input[1]);

        const { invocations, discarded } = await deliver(input, (batch) =>
            batch.some((record) => sequence(record) === stuck) ? ok([{ itemIdentifier: stuck }]) : ok(),
        );

        assert.equal(invocations.filter((batch) => batch.includes(stuck)).length, 3);
        assert.deepEqual(
            discarded.map((batch) => batch.records.map(sequence)),
            [input.slice(1, 4).map(sequence)],
        );
        assert.deepEqual(invocations.at(-1), input.slice(4).map(sequence));
    });

    it("treats a well-formed sequence number that names no record of the batch as a failure of the whole batch", async () => {
        const input = records(3);

        const { invocations, discarded } = await deliver(
            input,
            () => ok([{ itemIdentifier: "999999999999999999999" }]),
            { bisectBatchOnFunctionError: false },
        );

        assert.deepEqual(invocations, [input.map(sequence), input.map(sequence), input.map(sequence)]);
        assert.deepEqual(
            discarded.map((batch) => [batch.records.map(sequence), batch.condition]),
            [[input.map(sequence), "RetryAttemptsExhausted"]],
        );
    });

    it("treats an empty identifier as a failure of the whole batch", async () => {
        const input = records(1);

        const { invocations, discarded } = await deliver(input, () => ok([{ itemIdentifier: "" }]));

        assert.equal(invocations.length, 3);
        assert.equal(discarded[0]?.condition, "RetryAttemptsExhausted");
    });

    it("retries without bisecting when bisect is off", async () => {
        const { invocations } = await deliver(records(4), () => functionError, {
            bisectBatchOnFunctionError: false,
        });

        assert.deepEqual(
            invocations.map((batch) => batch.length),
            [4, 4, 4],
        );
    });

    it("discards records older than maximumRecordAgeInSeconds without invoking", async () => {
        const old = [dynamodbRecordFactory({ createdAt: new Date(Date.now() - 120_000) })];

        const { invocations, discarded } = await deliver(old, () => ok(), { maximumRecordAgeInSeconds: 60 });

        assert.deepEqual(invocations, []);
        assert.deepEqual(
            discarded.map((batch) => [batch.condition, batch.invokeCount]),
            [["RecordAgeExceeded", 0]],
        );
    });

    it("discards only the records older than maximumRecordAgeInSeconds and delivers the rest of the batch", async () => {
        const now = Date.parse("2026-11-27T13:45:00Z");
        const input = [
            dynamodbRecordFactory({ createdAt: new Date(now - 300_000) }),
            dynamodbRecordFactory({ createdAt: new Date(now - 120_000) }),
            dynamodbRecordFactory({ createdAt: new Date(now - 30_000) }),
            dynamodbRecordFactory({ createdAt: new Date(now - 1_000) }),
        ];

        const { invocations, discarded } = await deliver(
            input,
            () => ok(),
            { maximumRecordAgeInSeconds: 60 },
            { now: () => now },
        );

        assert.deepEqual(
            discarded.map((batch) => [batch.records.map(sequence), batch.condition, batch.invokeCount]),
            [[input.slice(0, 2).map(sequence), "RecordAgeExceeded", 0]],
        );
        assert.deepEqual(invocations, [input.slice(2).map(sequence)]);
    });

    it("judges each record's age again before every retry", async () => {
        let now = Date.parse("2026-11-27T13:45:50Z");
        const older = dynamodbRecordFactory({ createdAt: new Date("2026-11-27T13:45:00Z") });
        const newer = dynamodbRecordFactory({ createdAt: new Date("2026-11-27T13:45:30Z") });

        const { invocations, discarded } = await deliver(
            [older, newer],
            (batch) => {
                now += 20_000; // the failed attempt took the older record past the limit
                return batch.length === 2 ? functionError : ok();
            },
            { maximumRecordAgeInSeconds: 60, bisectBatchOnFunctionError: false },
            { now: () => now },
        );

        assert.deepEqual(invocations, [[older, newer].map(sequence), [sequence(newer)]]);
        assert.deepEqual(
            discarded.map((batch) => [batch.records.map(sequence), batch.condition, batch.invokeCount]),
            [[[sequence(older)], "RecordAgeExceeded", 1]],
        );
        assert.equal(discarded[0]?.lastInvocation, functionError);
    });

    it("reads DynamoDB Local's minute-rounded record time as the end of its minute, so a record written a second ago is not discarded", async () => {
        // Written at 13:45:59.5; DynamoDB Local says 13:45:00. Judged one second later.
        const record = dynamodbRecordFactory({ createdAt: new Date("2026-11-27T13:45:00Z") });
        const now = Date.parse("2026-11-27T13:46:00.500Z");

        const asAws = await deliver(
            [record],
            () => ok(),
            { maximumRecordAgeInSeconds: 60 },
            { now: () => now },
        );
        const asLocal = await deliver(
            [record],
            () => ok(),
            { maximumRecordAgeInSeconds: 60 },
            { now: () => now, recordTimeMs: localRecordTimeMs },
        );

        assert.equal(asAws.discarded.length, 1, "the rounded time read as is makes the record 60.5 s old");
        assert.deepEqual(asLocal.discarded, []);
        assert.deepEqual(asLocal.invocations, [[sequence(record)]]);
    });

    it("discards a DynamoDB Local record once even the end of its minute is older than the limit", async () => {
        const record = dynamodbRecordFactory({ createdAt: new Date("2026-11-27T13:45:00Z") });

        const { invocations, discarded } = await deliver(
            [record],
            () => ok(),
            { maximumRecordAgeInSeconds: 60 },
            { now: () => Date.parse("2026-11-27T13:47:00.500Z"), recordTimeMs: localRecordTimeMs },
        );

        assert.deepEqual(invocations, []);
        assert.deepEqual(
            discarded.map((batch) => batch.condition),
            ["RecordAgeExceeded"],
        );
    });

    describe("what AWS may do and rarely does (the chaos mode's schedule)", () => {
        it("retries a throttled invocation after a growing pause without counting an attempt", async () => {
            const input = records(2);
            let throttles = 3;
            const pauses: number[] = [];
            const events: string[] = [];

            const { invocations, discarded } = await deliver(
                input,
                () => ok(),
                { maximumRetryAttempts: 0 },
                {
                    schedule: { throttleInvocation: () => throttles-- > 0 },
                    sleep: async (ms) => void pauses.push(ms),
                    onEvent: (event) => void events.push(event.kind),
                },
            );

            assert.deepEqual(invocations, [input.map(sequence)]);
            assert.deepEqual(discarded, []);
            assert.deepEqual(pauses, [100, 200, 400]);
            assert.deepEqual(events, ["throttled", "throttled", "throttled", "invoked", "checkpointed"]);
        });

        it("discards records that pass their maximum age while their invocation is throttled", async () => {
            let now = Date.parse("2026-11-27T13:45:30Z");
            const [record] = [dynamodbRecordFactory({ createdAt: new Date("2026-11-27T13:45:00Z") })];

            const { invocations, discarded } = await deliver(
                [record!],
                () => ok(),
                { maximumRecordAgeInSeconds: 60 },
                {
                    now: () => now,
                    schedule: { throttleInvocation: () => true },
                    sleep: async (ms) => void (now += ms * 100),
                },
            );

            assert.deepEqual(invocations, []);
            assert.deepEqual(
                discarded.map((batch) => [batch.condition, batch.invokeCount]),
                [["RecordAgeExceeded", 0]],
            );
        });

        it("delivers a batch that succeeded again through the same rules, and counts its records once", async () => {
            const input = records(2);
            let redeliveries = 1;
            let calls = 0;
            const checkpointed: string[][] = [];

            const { invocations } = await deliver(
                input,
                () => (++calls === 2 ? functionError : ok()), // the re-delivery fails once, and is bisected
                {},
                {
                    schedule: { redeliverSucceededBatch: () => redeliveries-- > 0 },
                    onEvent: (event) => {
                        if (event.kind === "checkpointed") checkpointed.push(event.batch.map(sequence));
                    },
                },
            );

            assert.deepEqual(invocations, [
                input.map(sequence),
                input.map(sequence),
                [sequence(input[0])],
                [sequence(input[1])],
            ]);
            assert.deepEqual(checkpointed, [input.map(sequence)]);
        });

        it("gives the function the shorter timeout the schedule picks", async () => {
            const timeouts: (number | undefined)[] = [];

            await deliverShard(records(1), settings, {
                invoke: async (_event, options) => {
                    timeouts.push(options?.timeoutMs);
                    return ok();
                },
                discard: async () => undefined,
                schedule: { invocationTimeoutMs: () => 12 },
            });

            assert.deepEqual(timeouts, [12]);
        });
    });
});
