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

    it("reads routes, the archive's scope and its excluded attributes, and needs no PROJECTION_TABLE with routes", () => {
        const routes = [
            {
                name: "orders",
                table: "orders-projection",
                match: { keyPrefix: { attribute: "sk", prefix: "order-" } },
            },
            { name: "everything", table: "all-projection", match: "all", attributes: { exclude: ["email"] } },
        ];
        const { PROJECTION_TABLE: _, ...withoutTable } = complete;

        const settings = readSettings({
            ...withoutTable,
            ROUTES: JSON.stringify(routes),
            ARCHIVE_SCOPE: "routed",
            ARCHIVE_EXCLUDE_ATTRIBUTES: '["email"]',
        });

        assert.deepEqual(
            {
                routes: settings.routes,
                scope: settings.archiveScope,
                exclude: settings.archiveExcludeAttributes,
            },
            { routes, scope: "routed", exclude: ["email"] },
        );
        assert.equal(settings.projectionTable, undefined);
    });

    for (const [variable, value] of [
        ["ROUTES", "orders"],
        ["ROUTES", "[]"],
        ["ROUTES", '[{"name":"orders","match":"all"}]'],
        ["ARCHIVE_SCOPE", "some"],
        ["ARCHIVE_EXCLUDE_ATTRIBUTES", '[""]'],
    ]) {
        it(`names ${variable} when its value ${value} is not what the program writes`, () => {
            assert.throws(() => readSettings({ ...complete, [String(variable)]: value }), {
                name: "InvalidSettingError",
                message: new RegExp(`^Environment variable ${variable} is `),
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
