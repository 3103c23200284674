import { strict as assert } from "node:assert";
import { createStreamHandler } from "../../handler";
import { readSettings } from "../../handler/settings";

describe("handler settings", () => {
    const complete = {
        PROJECTION_TABLE: "projection",
        ARCHIVE_BUCKET: "archive",
        ARCHIVE_PREFIX: "changes/",
    };

    it("reads the table, bucket and prefix the program sets", () => {
        assert.deepEqual(readSettings(complete), {
            projectionTable: "projection",
            archiveBucket: "archive",
            archivePrefix: "changes/",
        });
    });

    for (const variable of Object.keys(complete)) {
        it(`names ${variable} when it is missing`, () => {
            const env: Record<string, string | undefined> = { ...complete, [variable]: undefined };

            assert.throws(() => readSettings(env), {
                name: "MissingSettingError",
                message: new RegExp(`^Environment variable ${variable} is not set`),
            });
        });
    }

    it("fails at cold start, not on the first batch, when the environment is incomplete", () => {
        const saved = process.env.PROJECTION_TABLE;
        delete process.env.PROJECTION_TABLE;
        try {
            assert.throws(() => createStreamHandler(), { name: "MissingSettingError" });
        } finally {
            if (saved !== undefined) process.env.PROJECTION_TABLE = saved;
        }
    });
});
