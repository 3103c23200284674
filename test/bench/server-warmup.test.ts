import { strict as assert } from "node:assert";
import { hasLevelledOff } from "../../bench/measure/server-warmup";

describe("bench: when the servers' warm-up has levelled off", () => {
    it("waits for more slices than the window it compares", () => {
        assert.equal(hasLevelledOff([100, 100, 100, 100], 4, 0.04), false);
        assert.equal(hasLevelledOff([100, 100, 100, 100, 100], 4, 0.04), true);
    });

    it("keeps going while a recent slice beats the earlier best by more than the tolerance", () => {
        // A JIT still compiling: every slice faster than the one before.
        assert.equal(hasLevelledOff([1600, 2000, 2400, 2800, 3200, 3600], 4, 0.04), false);
        assert.equal(hasLevelledOff([3000, 3000, 3000, 3000, 3130], 4, 0.04), false);
    });

    it("counts a rise within the tolerance, or a slower spell, as level", () => {
        assert.equal(hasLevelledOff([1600, 3000, 3100, 2900, 3050, 3110], 4, 0.04), true);
        assert.equal(hasLevelledOff([1600, 3500, 3000, 2800, 3100, 3200], 4, 0.04), true);
    });
});
