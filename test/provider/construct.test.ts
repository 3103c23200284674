import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ChangeFeed } from "../../infra/change-feed";
import { readConfig, type ChangeFeedArgs } from "../../infra/config";
import { installMocks, readStackConfig, type DeclaredResource } from "../../local/program";
import { componentProvider } from "../../provider/components";
import { existingTables, SINGLE_TABLE_DESIGN } from "../helpers/pulumi-mocks";
import { CHANGE_FEED } from "./schema";

/** Routes as a program in another language writes them: plain objects, values filed by type. */
const PLAIN_ROUTES = [
    { name: "customers", match: { attributeEquals: { attribute: "entityType", values: ["Customer"] } } },
    {
        name: "gold",
        match: { attributeEquals: { attribute: "tier", numbers: [3], booleans: [true] } },
        attributes: { exclude: ["email"] },
    },
    { name: "everything", match: { all: true } },
];

/** Each configuration: a stack file, with config on top. */
const CONFIGURATIONS: readonly (readonly [string, string, Record<string, string>])[] = [
    ["dev", "dev", {}],
    ["prod", "prod", {}],
    ["adopt", "adopt", {}],
    ["dev with routes", "dev", { "ddb-changefeed:routes": JSON.stringify(PLAIN_ROUTES) }],
];

/**
 * What a resource was declared as, in an order both runs share, with every promise inside its
 * inputs (an asset's path) replaced by what it resolves to, so the comparison reads the values.
 */
async function declarations(resources: readonly DeclaredResource[]) {
    const declared = await Promise.all(
        resources.map(async ({ type, name, inputs }) => ({ type, name, inputs: await settled(inputs) })),
    );
    return declared.sort((a, b) => `${a.type}::${a.name}`.localeCompare(`${b.type}::${b.name}`));
}

/** A value with its promises awaited, and each class instance (an asset) as its class name and fields. */
async function settled(value: unknown): Promise<unknown> {
    if (value instanceof Promise) return settled(await value);
    if (Array.isArray(value)) return Promise.all(value.map(settled));
    if (typeof value !== "object" || value === null) return value;
    const fields = await Promise.all(
        Object.entries(value).map(async ([key, field]) => [key, await settled(field)] as const),
    );
    const kind = Object.getPrototypeOf(value) === Object.prototype ? {} : { class: value.constructor.name };
    return { ...kind, ...Object.fromEntries(fields) };
}

/**
 * Declares a feed under the mock engine with a stack's config, and returns what the engine saw:
 * `declare` gets the stack's settings as plain JSON (no class instances; numbers as numbers).
 */
async function declaredWith(
    stack: string,
    overrides: Record<string, string>,
    declare: (settings: Record<string, unknown>) => Promise<string>,
): Promise<DeclaredResource[]> {
    const config = { ...readStackConfig(stack), ...overrides };
    const existing = config["ddb-changefeed:sourceTableName"];
    const engine = installMocks(stack, config, {
        invoke: existingTables(existing ? { [existing]: SINGLE_TABLE_DESIGN } : {}),
    });
    const settings = JSON.parse(JSON.stringify(readConfig())) as Record<string, unknown>;
    await engine.settle({ feed: await declare(settings) });
    return engine.resources;
}

/** The ConfigError a failure is, or the failure itself. */
function problemsOf(error: unknown): readonly string[] {
    assert.ok(error instanceof Error && error.name === "ConfigError", String(error));
    return (error as Error & { problems: readonly string[] }).problems;
}

describe("ChangeFeed through the component provider (Pulumi mocks)", function () {
    // The provider reads the schema once: the analyzer type-checks the whole project.
    this.timeout(180_000);
    const provider = componentProvider();

    for (const [label, stack, overrides] of CONFIGURATIONS) {
        it(`declares for ${label} what the TypeScript class declares with the same settings`, async () => {
            const urnOf = (feed: ChangeFeed) => new Promise<string>((resolve) => feed.urn.apply(resolve));
            const declaredByClass = await declaredWith(stack, overrides, (settings) =>
                urnOf(new ChangeFeed("changefeed", settings as ChangeFeedArgs)),
            );
            let outputs: Record<string, unknown> = {};
            const declaredByProvider = await declaredWith(stack, overrides, async (settings) => {
                const result = await provider.construct("changefeed", CHANGE_FEED, settings, {});
                outputs = result.state;
                return new Promise<string>((resolve) => pulumi.output(result.urn).apply(resolve));
            });

            assert.ok(declaredByClass.length > 10, `${declaredByClass.length} resources`);
            assert.deepEqual(await declarations(declaredByProvider), await declarations(declaredByClass));
            assert.ok(outputs.archiveBucketName, "the provider returns the feed's outputs");
        });
    }

    it("refuses bad inputs with the ConfigError the class throws, every problem named", async () => {
        installMocks("dev", { "aws:region": "us-east-1" });
        const bad = {
            batchSize: 0,
            partitionKey: { name: "id", type: "BOOL" },
            routes: [{ name: "x", match: { all: true, keyPrefix: { attribute: "id", prefix: "a" } } }],
            startingPosition: "AT_TIMESTAMP",
        };

        const fromClass = (() => {
            try {
                new ChangeFeed("feed", bad as unknown as ChangeFeedArgs);
            } catch (error) {
                return problemsOf(error);
            }
            return assert.fail("the class accepted the inputs");
        })();
        const fromProvider = await provider
            .construct("feed", CHANGE_FEED, bad, {})
            .then(() => assert.fail("the provider accepted the inputs"), problemsOf);

        assert.equal(fromProvider.length, 4);
        assert.deepEqual(fromProvider, fromClass);
    });
});
