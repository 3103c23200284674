import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileCheckpoints } from "../../local/mapping/checkpoints";

const STREAM = "arn:aws:dynamodb:ddblocal:000000000000:table/orders/stream/2026-11-28T00:00:00.000";

describe("the mapping's checkpoint file", () => {
    let directory: string;
    let file: string;

    beforeEach(() => {
        directory = fs.mkdtempSync(path.join(os.tmpdir(), "checkpoints-"));
        file = path.join(directory, "checkpoints.json");
    });

    afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

    it("keeps each shard's starting position and checkpoint across a reload", () => {
        const store = fileCheckpoints(file);
        assert.equal(store.getStarts(STREAM), undefined, "a new file holds no mapping yet");

        store.setStarts(STREAM, {
            "shard-1": { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: "000000000000000000007" },
            "shard-2": { type: "TRIM_HORIZON" },
        });
        store.set(STREAM, "shard-2", "000000000000000000011");
        const reloaded = fileCheckpoints(file);

        assert.deepEqual(reloaded.getStarts(STREAM), {
            "shard-1": { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: "000000000000000000007" },
            "shard-2": { type: "TRIM_HORIZON" },
        });
        assert.equal(reloaded.get(STREAM, "shard-2"), "000000000000000000011");
        assert.equal(reloaded.get(STREAM, "shard-1"), undefined);
    });

    it("reads the earlier layout (checkpoints only) as an existing mapping with no recorded starts", () => {
        fs.writeFileSync(file, JSON.stringify({ [STREAM]: { "shard-1": "000000000000000000042" } }));

        const store = fileCheckpoints(file);

        assert.equal(store.get(STREAM, "shard-1"), "000000000000000000042");
        assert.deepEqual(store.getStarts(STREAM), {});
    });

    it("names the file and the entry it cannot read", () => {
        fs.writeFileSync(file, JSON.stringify({ [STREAM]: { "shard-1": 42 } }));

        assert.throws(
            () => fileCheckpoints(file),
            new RegExp(`checkpoints\\.json has an entry for ${STREAM.replace(/[.]/g, "\\.")} that is not`),
        );
    });
});
