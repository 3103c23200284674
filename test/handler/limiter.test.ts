import { strict as assert } from "node:assert";
import { createLimiter } from "../../handler/limiter";

describe("createLimiter", () => {
    it("never runs more than its bound at once, even as tasks finish and new ones arrive", async () => {
        const limit = createLimiter(2);
        let running = 0;
        let peak = 0;
        const task = (ms: number) => () =>
            new Promise<number>((resolve) => {
                running++;
                peak = Math.max(peak, running);
                setTimeout(() => {
                    running--;
                    resolve(ms);
                }, ms);
            });

        const first = Array.from({ length: 5 }, (_, index) => limit(task(1 + index)));
        await first[0];
        const late = Array.from({ length: 5 }, () => limit(task(1)));
        const results = await Promise.all([...first, ...late]);

        assert.equal(peak, 2);
        assert.deepEqual(results, [1, 2, 3, 4, 5, 1, 1, 1, 1, 1]);
    });

    it("passes a task's rejection through and frees its slot", async () => {
        const limit = createLimiter(1);

        await assert.rejects(
            limit(() => Promise.reject(new Error("boom"))),
            /boom/,
        );
        assert.equal(await limit(() => Promise.resolve("next")), "next");
    });
});
