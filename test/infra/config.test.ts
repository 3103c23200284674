import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { CONFIG_DEFAULTS, CONFIG_KEYS, INTEGER_RULES, parseConfig } from "../../infra/config";
import { findResource, PROJECT_ROOT, readStackConfig, runProgram } from "../../local/program";

const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";

/**
 * Validates the dev stack's config with some keys overridden, as `readConfig()` does for a
 * deploy, and returns the ConfigError's message.
 */
async function rejection(settings: Record<string, string>): Promise<string> {
    const config: Record<string, string> = {
        ...readStackConfig("dev"),
        ...Object.fromEntries(
            Object.entries(settings).map(([key, value]) => [`ddb-changefeed:${key}`, value]),
        ),
    };
    const namespace = "ddb-changefeed:";
    const setKeys = Object.keys(config)
        .filter((key) => key.startsWith(namespace))
        .map((key) => key.slice(namespace.length));
    try {
        parseConfig((key) => config[`${namespace}${key}`], setKeys, { region: config["aws:region"] ?? "" });
    } catch (error) {
        assert.equal((error as Error).name, "ConfigError");
        return (error as Error).message;
    }
    assert.fail(`the config was accepted: ${JSON.stringify(settings)}`);
}

describe("stack config validation", () => {
    it("stops the program before it declares anything (Pulumi mocks)", async () => {
        await assert.rejects(runProgram("dev", { "ddb-changefeed:batchSize": "0" }), {
            name: "ConfigError",
            message: /ddb-changefeed:batchSize is 0; allowed: an integer from 1 to 10000/,
        });
    });

    const integerCases: [keyof typeof INTEGER_RULES, string, string][] = [
        ["batchSize", "0", "an integer from 1 to 10000"],
        ["batchSize", "10001", "an integer from 1 to 10000"],
        ["batchingWindowSeconds", "301", "an integer from 0 to 300"],
        ["maxRetryAttempts", "10001", "an integer from 0 to 10000"],
        ["maxRecordAgeSeconds", "59", "an integer from 60 to 604800"],
        ["maxRecordAgeSeconds", "604801", "an integer from 60 to 604800"],
        ["parallelizationFactor", "11", "an integer from 1 to 10"],
        ["memoryMb", "127", "an integer from 128 to 10240"],
        ["timeoutSeconds", "901", "an integer from 1 to 900"],
        ["writeConcurrency", "0", "an integer from 1 to 100"],
        ["writeConcurrency", "101", "an integer from 1 to 100"],
        ["tombstoneRetentionDays", "0", "an integer from 1 to 365"],
        ["tombstoneRetentionDays", "366", "an integer from 1 to 365"],
        ["archiveTransitionDays", "-1", "an integer from 0 to 3650"],
        ["archiveTransitionDays", "3651", "an integer from 0 to 3650"],
        ["archiveExpirationDays", "36501", "an integer from 0 to 36500"],
        ["failureExpirationDays", "-1", "an integer from 0 to 36500"],
        ["noncurrentVersionExpirationDays", "0", "an integer from 1 to 36500"],
        ["reservedConcurrency", "-2", "an integer from -1 to 10000, except 0"],
        ["reservedConcurrency", "10001", "an integer from -1 to 10000, except 0"],
        ["iteratorAgeAlarmSeconds", "0", "an integer from 1 to 86400"],
        ["iteratorAgeAlarmSeconds", "86401", "an integer from 1 to 86400"],
        ["errorsAlarmThreshold", "0", "an integer from 1 to 10000"],
        ["throttlesAlarmThreshold", "10001", "an integer from 1 to 10000"],
        ["backfillMaxConcurrency", "0", "an integer from 1 to 1000"],
        ["backfillMaxConcurrency", "1001", "an integer from 1 to 1000"],
        ["backfillToleratedFailurePercentage", "-1", "an integer from 0 to 100"],
        ["backfillToleratedFailurePercentage", "101", "an integer from 0 to 100"],
        ["exportExpirationDays", "0", "an integer from 1 to 3650"],
    ];
    it("has an out-of-range case below for every integer key", () => {
        assert.deepEqual(
            [...new Set(integerCases.map(([key]) => key))].sort(),
            Object.keys(INTEGER_RULES).sort(),
        );
    });

    for (const [key, value, allowed] of integerCases) {
        it(`refuses ${key} = ${value}, naming the key, the value and the range`, async () => {
            const message = await rejection({ [key]: value });
            assert.match(message, new RegExp(`ddb-changefeed:${key} is ${value}; allowed: ${allowed}\\.`));
        });
    }

    for (const key of ["maxRetryAttempts", "maxRecordAgeSeconds"] as const) {
        it(`refuses ${key} = -1 (infinite) and says why`, async () => {
            const message = await rejection({ [key]: "-1" });
            assert.match(message, new RegExp(`ddb-changefeed:${key} is -1; allowed: an integer from`));
            assert.match(message, /one poison record would block its shard for up to 24 hours/);
        });
    }

    it("refuses a reserved concurrency of 0 and says why", async () => {
        const message = await rejection({ reservedConcurrency: "0" });
        assert.match(
            message,
            /ddb-changefeed:reservedConcurrency is 0; allowed: an integer from -1 to 10000, except 0/,
        );
        assert.match(message, /0 would throttle every invocation and stop the change feed/);
    });

    it("refuses a reserved concurrency below the parallelization factor", async () => {
        assert.match(
            await rejection({ reservedConcurrency: "1", parallelizationFactor: "2" }),
            /ddb-changefeed:reservedConcurrency is 1; allowed: -1 \(unreserved\) or at least parallelizationFactor \(2\)/,
        );
    });

    it("refuses an archive expiration that does not come after its transition", async () => {
        assert.match(
            await rejection({ archiveTransitionDays: "90", archiveExpirationDays: "90" }),
            /ddb-changefeed:archiveExpirationDays is 90; allowed: more than archiveTransitionDays \(90\), or 0/,
        );
    });

    for (const [settings, shown] of [
        [{ iteratorAgeAlarmSeconds: "3600", maxRecordAgeSeconds: "3600" }, "3600"],
        [{ iteratorAgeAlarmSeconds: "5", batchingWindowSeconds: "5" }, "5"],
    ] as const) {
        it(`refuses an iterator-age alarm outside (batchingWindowSeconds, maxRecordAgeSeconds): ${JSON.stringify(settings)}`, async () => {
            assert.match(
                await rejection(settings),
                new RegExp(
                    `ddb-changefeed:iteratorAgeAlarmSeconds is ${shown}; allowed: more than batchingWindowSeconds ` +
                        `\\(\\d+\\), .* and less than maxRecordAgeSeconds \\(\\d+\\)`,
                ),
            );
        });
    }

    for (const key of ["deletionProtection", "pointInTimeRecovery"]) {
        it(`refuses ${key} other than true or false`, async () => {
            assert.match(
                await rejection({ [key]: "yes" }),
                new RegExp(`ddb-changefeed:${key} is "yes"; allowed: true or false\\.`),
            );
        });
    }

    for (const arn of [
        "arn:aws:kms:us-east-1:111122223333:alias/changefeed",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:us-east-1:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ]) {
        it(`refuses the KMS key "${arn}"`, async () => {
            assert.match(
                await rejection({ kmsKeyArn: arn }),
                new RegExp(
                    `ddb-changefeed:kmsKeyArn is "${arn}"; allowed: "" for AWS-managed encryption, or the ARN of a KMS key`,
                ),
            );
        });
    }

    it("refuses a KMS key outside the stack's region", async () => {
        assert.match(
            await rejection({
                kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            }),
            /ddb-changefeed:kmsKeyArn is a key in eu-west-1; allowed: a key in the stack's region us-east-1 \(aws:region\)/,
        );
    });

    for (const email of ["oncall", "on call@example.com", "oncall@localhost"]) {
        it(`refuses the alarm email "${email}"`, async () => {
            assert.match(
                await rejection({ alarmEmail: email }),
                new RegExp(
                    `ddb-changefeed:alarmEmail is "${email}"; allowed: "" for no subscription, or one email address`,
                ),
            );
        });
    }

    it("refuses a stack without a region", async () => {
        const saved = { region: process.env.AWS_REGION, fallback: process.env.AWS_DEFAULT_REGION };
        delete process.env.AWS_REGION;
        delete process.env.AWS_DEFAULT_REGION;
        try {
            const overrides = { "aws:region": "" };
            const message = await runProgram("dev", overrides).then(
                () => assert.fail("the program accepted a stack without a region"),
                (error: Error) => error.message,
            );
            assert.match(message, /aws:region is not set; allowed: the AWS region to deploy to/);
        } finally {
            if (saved.region !== undefined) process.env.AWS_REGION = saved.region;
            if (saved.fallback !== undefined) process.env.AWS_DEFAULT_REGION = saved.fallback;
        }
    });

    it("refuses a number that is not a whole number", async () => {
        assert.match(
            await rejection({ batchSize: "2.5" }),
            /ddb-changefeed:batchSize is "2\.5"; allowed: an integer/,
        );
    });

    it("accepts the ends of every range", async function () {
        this.timeout(180_000);
        const lowest = Object.fromEntries(
            Object.entries(INTEGER_RULES).map(([key, rule]) => [`ddb-changefeed:${key}`, String(rule.min)]),
        );
        const highest = Object.fromEntries(
            Object.entries(INTEGER_RULES).map(([key, rule]) => [`ddb-changefeed:${key}`, String(rule.max)]),
        );

        const low = findResource(await runProgram("dev", lowest), MAPPING, "changefeed-mapping").inputs;
        const high = findResource(await runProgram("dev", highest), MAPPING, "changefeed-mapping").inputs;

        assert.equal(low.maximumRetryAttempts, 0);
        assert.equal(high.batchSize, 10_000);
    });

    it("refuses a key type other than S, N or B", async () => {
        assert.match(
            await rejection({ partitionKey: "id:BOOL" }),
            /ddb-changefeed:partitionKey is "id:BOOL"; allowed: name:type .* type of S, N, B/,
        );
    });

    it("refuses a key without a type", async () => {
        assert.match(
            await rejection({ sortKey: "createdAt" }),
            /ddb-changefeed:sortKey is "createdAt"; allowed: name:type/,
        );
    });

    it("refuses a sort key on the partition key's attribute", async () => {
        assert.match(
            await rejection({ sortKey: "id:N" }),
            /ddb-changefeed:sortKey names "id", the partition key's attribute/,
        );
    });

    it("refuses a starting position other than TRIM_HORIZON or LATEST", async () => {
        assert.match(
            await rejection({ startingPosition: "AT_TIMESTAMP" }),
            /ddb-changefeed:startingPosition is "AT_TIMESTAMP"; allowed: TRIM_HORIZON or LATEST\./,
        );
    });

    for (const prefix of ["/changes/", "changes", "changes//x/", "chan ges/"]) {
        it(`refuses the archive prefix "${prefix}"`, async () => {
            assert.match(
                await rejection({ archivePrefix: prefix }),
                new RegExp(
                    `ddb-changefeed:archivePrefix is "${prefix}"; allowed: .*path segments each ending in "/"`,
                ),
            );
        });
    }

    it("refuses a TTL expiration mode other than delete or archiveOnly", async () => {
        assert.match(
            await rejection({ ttlExpirations: "ignore" }),
            /ddb-changefeed:ttlExpirations is "ignore"; allowed: delete or archiveOnly\./,
        );
    });

    it("refuses a log retention CloudWatch does not offer", async () => {
        assert.match(
            await rejection({ logRetentionDays: "10" }),
            /ddb-changefeed:logRetentionDays is "10"; allowed: one of 1, 3, 5, 7, 14, 30/,
        );
    });

    it("reports an unknown key in the project's namespace, with the command that removes it", async () => {
        assert.match(
            await rejection({ batchsize: "10" }),
            /ddb-changefeed:batchsize is not a known key; known keys: partitionKey, .*Remove it with: pulumi config rm batchsize/,
        );
    });

    it("reports every problem at once", async () => {
        const message = await rejection({
            batchSize: "0",
            parallelizationFactor: "0",
            startingPosition: "x",
        });
        assert.equal(message.split("\n").filter((line) => line.startsWith("  - ")).length, 3);
    });
});

describe("Pulumi.yaml config block", () => {
    type Declared = { type?: string; items?: { type?: string }; description?: string; default?: unknown };
    const project = parseYaml(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as {
        name: string;
        stackConfigDir: string;
        config: Record<string, Declared>;
    };

    it("names the project and the stack config directory", () => {
        assert.equal(project.name, "ddb-changefeed");
        assert.equal(project.stackConfigDir, "stacks");
    });

    it("declares exactly the keys the program reads, but routes, which it documents in a comment", () => {
        assert.deepEqual(
            Object.keys(project.config).sort(),
            CONFIG_KEYS.filter((key) => key !== "routes").sort(),
        );
        const text = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8");
        for (const documented of ["`routes`", "keyPrefix", "attributeEquals", "include", "exclude"]) {
            assert.ok(text.includes(documented), `Pulumi.yaml does not document ${documented}`);
        }
    });

    it("is the one source of defaults: no stack file repeats a default", () => {
        const stacksDirectory = path.join(PROJECT_ROOT, "stacks");
        const repeated = fs.readdirSync(stacksDirectory).flatMap((file) => {
            const stackFile = parseYaml(fs.readFileSync(path.join(stacksDirectory, file), "utf8")) as {
                config?: Record<string, unknown>;
            };
            return Object.entries(stackFile.config ?? {})
                .filter(([key, value]) => {
                    const declared = project.config[key.replace(/^ddb-changefeed:/, "")];
                    return key.startsWith("ddb-changefeed:") && declared?.default === value;
                })
                .map(([key, value]) => `${file}: ${key} is ${JSON.stringify(value)}, its default`);
        });
        assert.deepEqual(repeated, []);
    });

    for (const key of CONFIG_KEYS.filter((key) => key !== "routes")) {
        it(`types, describes and defaults ${key} as config.ts does`, () => {
            const declared = project.config[key];
            const expected = CONFIG_DEFAULTS[key];
            assert.ok(declared?.description && declared.description.length > 10, `${key} has no description`);
            const types = { number: "integer", boolean: "boolean", string: "string" } as const;
            if (Array.isArray(expected)) {
                assert.deepEqual([declared?.type, declared?.items?.type], ["array", "string"]);
                assert.deepEqual(declared?.default, expected);
            } else {
                assert.equal(declared?.type, types[typeof expected as keyof typeof types]);
                assert.equal(declared?.default, expected);
            }
        });
    }
});
