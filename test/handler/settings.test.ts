import { strict as assert } from "node:assert";
import { createStreamHandler } from "../../handler";
import { readSettings } from "../../handler/settings";

describe("handler settings", () => {
    const complete = {
        PROJECTION_TABLE: "projection",
        ARCHIVE_BUCKET: "archive",
        ARCHIVE_PREFIX: "changes/",
        WRITE_CONCURRENCY: "16",
        TOMBSTONE_TTL_SECONDS: "604800",
        TTL_EXPIRATIONS: "archiveOnly",
        POWERTOOLS_SERVICE_NAME: "changefeed-dev",
        POWERTOOLS_METRICS_NAMESPACE: "DdbChangefeed",
    };

    it("reads every setting the program sets", () => {
        assert.deepEqual(readSettings(complete), {
            projectionTable: "projection",
            archiveBucket: "archive",
            archivePrefix: "changes/",
            writeConcurrency: 16,
            tombstoneTtlSeconds: 604_800,
            ttlExpirations: "archiveOnly",
            serviceName: "changefeed-dev",
            metricsNamespace: "DdbChangefeed",
        });
    });

    for (const [variable, value, allowed] of [
        // The same range the program enforces on writeConcurrency (handler/contract.ts).
        ["WRITE_CONCURRENCY", "0", "a whole number from 1 to 100"],
        ["WRITE_CONCURRENCY", "101", "a whole number from 1 to 100"],
        ["TOMBSTONE_TTL_SECONDS", "1.5", "a whole number of 1 or more"],
        ["TTL_EXPIRATIONS", "ignore", "delete or archiveOnly"],
    ]) {
        it(`names ${variable} when its value "${value}" is out of range`, () => {
            assert.throws(() => readSettings({ ...complete, [String(variable)]: value }), {
                name: "InvalidSettingError",
                message: `Environment variable ${variable} is "${value}"; allowed: ${allowed}. The Pulumi program sets it from stack config (run pulumi up again, or fix it for a local run).`,
            });
        });
    }

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
