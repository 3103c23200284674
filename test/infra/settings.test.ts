import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as prettier from "prettier";
import { parse as parseYaml } from "yaml";
import {
    CONFIG_KEYS,
    ConfigError,
    keyAttribute,
    parseConfig,
    resolveChangeFeedArgs,
    SETTINGS,
    type ChangeFeedArgs,
    type Setting,
    type SettingKey,
} from "../../infra/config";
import { pulumiType, REFERENCE_COMMAND, renderConfigurationReference } from "../../infra/config/reference";
import { PROJECT_ROOT, readStackConfig } from "../../local/program";

const PULUMI_YAML = path.join(PROJECT_ROOT, "Pulumi.yaml");
const REFERENCE = path.join(PROJECT_ROOT, "docs", "configuration.md");

/** Every setting but routes, which Pulumi.yaml cannot declare. */
const DECLARED_KEYS = CONFIG_KEYS.filter((key) => pulumiType(SETTINGS[key]) !== undefined);

/** What Pulumi.yaml declares for a setting, as the description implies it. */
function declaration(setting: Setting): Record<string, unknown> {
    const type = pulumiType(setting);
    return {
        type,
        ...(type === "array" ? { items: { type: "string" } } : {}),
        description: setting.description,
        ...("default" in setting ? { default: setting.default } : {}),
    };
}

describe("the settings' description", () => {
    it("is what Pulumi.yaml's config block declares, key by key and in its order", () => {
        const project = parseYaml(fs.readFileSync(PULUMI_YAML, "utf8")) as {
            config: Record<string, Record<string, unknown>>;
        };

        assert.deepEqual(Object.keys(project.config), DECLARED_KEYS);
        for (const key of DECLARED_KEYS) {
            assert.deepEqual(
                project.config[key],
                declaration(SETTINGS[key]),
                `Pulumi.yaml declares ${key} otherwise`,
            );
        }
    });

    it("gives the shape and example of routes that Pulumi.yaml's comment documents", () => {
        const comment = fs
            .readFileSync(PULUMI_YAML, "utf8")
            .split("\n")
            .filter((line) => line.startsWith("#"))
            .map((line) => line.slice(1))
            .join("\n");
        const words = (text: string) => text.replace(/\s+/g, " ").trim();

        for (const { field, meaning } of SETTINGS.routes.shape) {
            assert.ok(
                words(comment).includes(words(`${field}: ${meaning}`)),
                `the comment does not document ${field}`,
            );
        }
        for (const line of SETTINGS.routes.example.split("\n")) {
            assert.ok(comment.includes(`   ${line}`), `the comment's example has no line ${line.trim()}`);
        }
    });

    it("names each integer's range and each choice's values in its meaning", () => {
        const unnamed = CONFIG_KEYS.flatMap((key) => {
            const setting: Setting = SETTINGS[key];
            const named =
                setting.kind === "integer"
                    ? [
                          setting.min >= 0 ? `${setting.min}-${setting.max}` : `${setting.min}`,
                          `${setting.max}`,
                      ]
                    : setting.kind === "choice" || setting.kind === "integerChoice"
                      ? setting.values.map(String)
                      : [];
            return named
                .filter((text) => !setting.description.includes(text))
                .map((text) => `${key}: ${text}`);
        });

        assert.deepEqual(unnamed, []);
    });

    it(`is what docs/configuration.md says (${REFERENCE_COMMAND} renders it)`, async () => {
        const options = await prettier.resolveConfig(REFERENCE);
        const rendered = await prettier.format(renderConfigurationReference(), {
            ...options,
            filepath: REFERENCE,
        });

        assert.equal(
            fs.readFileSync(REFERENCE, "utf8"),
            rendered,
            `docs/configuration.md is stale: run ${REFERENCE_COMMAND}`,
        );
    });
});

// Compile time: ChangeFeedArgs has a property for every setting, and the region besides.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const argsAreTheSettings: Same<Exclude<keyof ChangeFeedArgs, "region">, SettingKey> = true;

/** Every argument, each set to a value the description allows (a missing or extra one does not compile). */
const EVERY_ARG: Required<ChangeFeedArgs> = {
    region: "us-east-1",
    partitionKey: { name: "pk", type: "S" },
    sortKey: keyAttribute("sk:S"),
    sourceTableName: "",
    batchSize: 250,
    batchingWindowSeconds: 1,
    maxRetryAttempts: 3,
    maxRecordAgeSeconds: 7200,
    parallelizationFactor: 2,
    startingPosition: "LATEST",
    memoryMb: 1024,
    timeoutSeconds: 120,
    archivePrefix: "cdc/orders/",
    logRetentionDays: 90,
    writeConcurrency: 8,
    tombstoneRetentionDays: 3,
    ttlExpirations: "archiveOnly",
    kmsKeyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    archiveTransitionDays: 30,
    archiveExpirationDays: 400,
    failureExpirationDays: 30,
    noncurrentVersionExpirationDays: 7,
    deletionProtection: true,
    pointInTimeRecovery: false,
    reservedConcurrency: 4,
    alarmEmail: "oncall@example.com",
    iteratorAgeAlarmSeconds: 600,
    errorsAlarmThreshold: 2,
    throttlesAlarmThreshold: 3,
    archiveScope: "routed",
    archiveExcludeAttributes: ["email"],
    routes: [{ name: "orders", match: { keyPrefix: { attribute: "sk", prefix: "order-" } } }],
    backfillMaxConcurrency: 20,
    backfillToleratedFailurePercentage: 5,
    exportExpirationDays: 30,
};

describe("ChangeFeedArgs", () => {
    it("has a property for every setting, and the region besides", () => {
        assert.equal(argsAreTheSettings, true);
        assert.deepEqual(Object.keys(EVERY_ARG).sort(), ["region", ...CONFIG_KEYS].sort());
    });

    it("are checked as typed: every argument set to an allowed value is taken as it is", () => {
        const settings = resolveChangeFeedArgs("orders", EVERY_ARG, undefined);

        const created = Object.entries(EVERY_ARG).filter(([key]) => key !== "sourceTableName");
        assert.deepEqual(settings, { ...Object.fromEntries(created), sortKey: { name: "sk", type: "S" } });
    });

    it("refuse a value of another type, naming the argument and what is allowed", () => {
        const args = { batchSize: "100", deletionProtection: "true" } as unknown as ChangeFeedArgs;

        assert.throws(
            () => resolveChangeFeedArgs("orders", args, "us-east-1"),
            (error: unknown) =>
                error instanceof ConfigError &&
                error.problems.join("\n") ===
                    '`batchSize` is "100"; allowed: an integer from 1 to 10000.\n' +
                        '`deletionProtection` is "true"; allowed: true or false.',
        );
    });

    it("take the stack's config, read once, unchanged", () => {
        const namespace = "ddb-changefeed:";
        const stacks = fs
            .readdirSync(path.join(PROJECT_ROOT, "stacks"))
            .map((file) => file.split(".")[1] ?? "");
        for (const stack of stacks) {
            const raw = readStackConfig(stack);
            const setKeys = Object.keys(raw)
                .filter((key) => key.startsWith(namespace))
                .map((key) => key.slice(namespace.length));
            const config = parseConfig((key) => raw[`${namespace}${key}`], setKeys, { region: "us-east-1" });

            assert.deepEqual(resolveChangeFeedArgs("changefeed", config, undefined), config, stack);
        }
    });
});
