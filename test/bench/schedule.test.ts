import { strict as assert } from "node:assert";
import { replayRate, scheduledRate } from "../../bench/measure/figures";
import type { BatchRun, Measurement } from "../../bench/measure/replay";

/** A batch of `records` changes on `stream`, as a replay records it. */
function batch(
    stream: number,
    records: number,
    waitedMs: number,
    durationMs: number,
    cpuMs: number,
): BatchRun {
    return {
        records: Array.from({ length: records }, () => ({})),
        stream,
        waitedMs,
        durationMs,
        cpuMs,
        calls: {},
    };
}

function measurement(modeled: boolean, batches: BatchRun[], elapsedMs: number): Measurement {
    const records = batches.reduce((sum, run) => sum + run.records.length, 0);
    return { contender: "handler", modeled, records, elapsedMs, batches, problems: [] };
}

describe("the bench's schedule of a replay, as Lambda runs a shard's concurrent batches", () => {
    // Stream 0: two batches that wait on I/O; stream 1: one batch that needs 300 ms of CPU.
    const batches = [batch(0, 200, 10, 100, 20), batch(0, 200, 10, 200, 20), batch(1, 200, 10, 50, 300)];

    it("runs the streams side by side, each batch after its poll and invoke: the slowest stream sets the pace", () => {
        // At one full vCPU a batch lasts its wall time or its CPU time, whichever is longer:
        // stream 0 takes 10 + 100 + 10 + 200 = 320 ms, stream 1 10 + 300 = 310 ms.
        assert.equal(scheduledRate(measurement(true, batches, 5_000), 1769), 600 / 0.32);
    });

    it("stretches a batch's CPU time to the memory's vCPU share", () => {
        // At 512 MB stream 1's 300 ms of CPU take ⌈300 / (512 / 1769)⌉ = 1,037 ms, after its 10 ms wait.
        assert.equal(scheduledRate(measurement(true, batches, 5_000), 512), 600 / 1.047);
    });

    it("takes modeled replays by their schedule and loopback replays by the wall clock", () => {
        assert.equal(replayRate(measurement(true, batches, 5_000), 1769), 600 / 0.32);
        assert.equal(replayRate(measurement(false, batches, 5_000), 1769), 600 / 5);
    });
});
