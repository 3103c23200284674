import { strict as assert } from "node:assert";
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ChangeFeed } from "../../infra/change-feed";
import { keyAttribute } from "../../infra/config";
import { installMocks, type DeclaredResource, type MockEngine } from "../../local/program";
import { existingTables, SINGLE_TABLE_DESIGN, type ExistingTable } from "../helpers/pulumi-mocks";

const REGION = "us-east-1";
const SINGLE_TABLE = SINGLE_TABLE_DESIGN;
const ORDERS_STREAM_ARN =
    "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000";

type Declared = { readonly engine: MockEngine; readonly outputs: Record<string, unknown> };

/** Declares change feeds under the mock engine, with these tables already in the account, and waits for them. */
async function declare(
    tables: Record<string, ExistingTable>,
    feeds: () => Record<string, pulumi.Output<unknown>>,
): Promise<Declared> {
    const engine = installMocks("dev", { "aws:region": REGION }, { invoke: existingTables(tables, REGION) });
    const outputs = await engine.settle(feeds());
    return { engine, outputs };
}

/** The inputs of the resource a component field holds, as the engine received them. */
function inputsOf(engine: MockEngine, resource: pulumi.Resource): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) =>
        resource.urn.apply((urn) => {
            const name = urn.split("::").pop();
            const type = urn.split("::")[2]?.split("$").pop();
            const found = engine.resources.find(
                (declared) => declared.name === name && declared.type === type,
            );
            if (found) resolve(found.inputs);
            else reject(new Error(`${urn} was not declared`));
        }),
    );
}

function policyStatements(
    inputs: Record<string, unknown>,
): { Sid: string; Action: string[]; Resource: string | string[] }[] {
    return (JSON.parse(String(inputs.policy)) as aws.iam.PolicyDocument).Statement as never;
}

/** Runs a declaration that must fail, and returns the failure's message. */
async function failureOf(
    tables: Record<string, ExistingTable>,
    feeds: () => Record<string, pulumi.Output<unknown>>,
): Promise<string> {
    try {
        await declare(tables, feeds);
    } catch (error) {
        return error instanceof Error ? error.message : String(error);
    }
    assert.fail("the declaration succeeded");
}

describe("ChangeFeed (Pulumi mocks)", () => {
    describe("with a source table of its own", () => {
        let feed: ChangeFeed;
        let declared: Declared;

        before(async () => {
            declared = await declare({}, () => {
                feed = new ChangeFeed("orders", { sortKey: keyAttribute("createdAt:N") });
                return { projection: feed.projectionTable!.name };
            });
        });

        it("creates the source table with a NEW_AND_OLD_IMAGES stream and the configured keys", async () => {
            assert.ok(feed.sourceTable, "no source table");
            const source = await inputsOf(declared.engine, feed.sourceTable);
            assert.equal(source.streamEnabled, true);
            assert.equal(source.streamViewType, "NEW_AND_OLD_IMAGES");
            assert.equal(source.hashKey, "id");
            assert.equal(source.rangeKey, "createdAt");
        });

        it("gives the projection the source's key schema", async () => {
            const projection = await inputsOf(declared.engine, feed.projectionTable!);
            assert.deepEqual(
                {
                    hashKey: projection.hashKey,
                    rangeKey: projection.rangeKey,
                    attributes: projection.attributes,
                },
                {
                    hashKey: "id",
                    rangeKey: "createdAt",
                    attributes: [
                        { name: "id", type: "S" },
                        { name: "createdAt", type: "N" },
                    ],
                },
            );
        });
    });

    describe("attached to an existing single-table design", () => {
        let feed: ChangeFeed;
        let declared: Declared;

        before(async () => {
            declared = await declare({ orders: SINGLE_TABLE }, () => {
                feed = new ChangeFeed("orders-feed", { sourceTableName: "orders" });
                return { source: feed.sourceTableName, stream: feed.sourceStreamArn };
            });
        });

        it("declares no source table, imports nothing and exports the existing table's name and stream", () => {
            assert.equal(feed.sourceTable, undefined);
            const tables = declared.engine.resources.filter(
                (resource) => resource.type === "aws:dynamodb/table:Table",
            );
            assert.deepEqual(
                tables.map((table) => table.name),
                ["orders-feed-projection"],
            );
            assert.deepEqual(declared.outputs, { source: "orders", stream: ORDERS_STREAM_ARN });
        });

        it("gives the projection the existing table's key schema", async () => {
            const projection = await inputsOf(declared.engine, feed.projectionTable!);
            assert.deepEqual(
                {
                    hashKey: projection.hashKey,
                    rangeKey: projection.rangeKey,
                    attributes: projection.attributes,
                },
                { hashKey: "pk", rangeKey: "sk", attributes: SINGLE_TABLE.attributes },
            );
        });

        it("reads the existing table's stream, and the role may read exactly that stream", async () => {
            const mapping = await inputsOf(declared.engine, feed.eventSourceMapping);
            assert.equal(mapping.eventSourceArn, ORDERS_STREAM_ARN);
            const policy = await inputsOf(declared.engine, feed.handlerPolicy);
            const streamStatements = policyStatements(policy).filter((statement) =>
                statement.Action.some(
                    (action) => action.startsWith("dynamodb:") && action !== "dynamodb:PutItem",
                ),
            );
            assert.deepEqual(
                streamStatements.map((statement) => statement.Resource),
                [ORDERS_STREAM_ARN],
            );
        });
    });

    describe("refuses an existing table it cannot feed from, naming the table, the problem and the fix", () => {
        it("a table that does not exist", async () => {
            const message = await failureOf({}, () => ({
                source: new ChangeFeed("feed", { sourceTableName: "orders" }).sourceTableName,
            }));
            assert.match(
                message,
                /Source table "orders" could not be read in us-east-1: .*couldn't find resource/,
            );
            assert.match(message, /aws dynamodb describe-table --region us-east-1 --table-name orders/);
        });

        it("a table without a stream", async () => {
            const { streamViewType: _, ...withoutStream } = SINGLE_TABLE;
            const message = await failureOf({ orders: withoutStream }, () => ({
                source: new ChangeFeed("feed", { sourceTableName: "orders" }).sourceTableName,
            }));
            assert.match(message, /Source table "orders" in us-east-1 has no stream/);
            assert.ok(
                message.includes(
                    "aws dynamodb update-table --region us-east-1 --table-name orders --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES",
                ),
                message,
            );
        });

        for (const viewType of ["KEYS_ONLY", "NEW_IMAGE"] as const) {
            it(`a table whose stream is ${viewType}`, async () => {
                const message = await failureOf(
                    { orders: { ...SINGLE_TABLE, streamViewType: viewType } },
                    () => ({
                        source: new ChangeFeed("feed", { sourceTableName: "orders" }).sourceTableName,
                    }),
                );
                assert.match(
                    message,
                    new RegExp(
                        `Source table "orders" in us-east-1 has a stream of view type ${viewType}; the change feed needs NEW_AND_OLD_IMAGES`,
                    ),
                );
                assert.ok(message.includes("--stream-specification StreamEnabled=false"), message);
                assert.ok(message.includes("StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES"), message);
            });
        }

        it("a key schema given together with the table, before anything is declared", () => {
            installMocks("dev", { "aws:region": REGION });
            assert.throws(
                () =>
                    new ChangeFeed("feed", { sourceTableName: "orders", partitionKey: keyAttribute("id:S") }),
                {
                    name: "ConfigError",
                    message:
                        /^Invalid ChangeFeed "feed" args:\n {2}- `partitionKey` is set together with `sourceTableName`/,
                },
            );
        });

        it("a table name DynamoDB would not accept", () => {
            installMocks("dev", { "aws:region": REGION });
            assert.throws(() => new ChangeFeed("feed", { sourceTableName: "my table" }), {
                name: "ConfigError",
                message:
                    /`sourceTableName` is "my table"; allowed: "" to create the source table, or the name of an existing table/,
            });
        });
    });

    describe("two feeds in one program", () => {
        let orders: ChangeFeed;
        let customers: ChangeFeed;
        let declared: Declared;

        before(async () => {
            declared = await declare({ orders: SINGLE_TABLE, customers: { ...SINGLE_TABLE } }, () => {
                orders = new ChangeFeed("orders", { sourceTableName: "orders" });
                customers = new ChangeFeed("customers", { sourceTableName: "customers", batchSize: 500 });
                return { orders: orders.sourceTableName, customers: customers.sourceTableName };
            });
        });

        it("declares no two resources of one type under one name", () => {
            const names = declared.engine.resources.map(
                (resource: DeclaredResource) => `${resource.type} ${resource.name}`,
            );
            assert.equal(new Set(names).size, names.length);
            // Components (not "aws:" types) only group resources; they have no physical name.
            const physical = declared.engine.resources
                .filter((resource) => resource.type.startsWith("aws:"))
                .map((resource) => resource.state.name ?? resource.state.bucket)
                .filter((name) => name !== undefined);
            const repeated = physical.filter((name, index) => physical.indexOf(name) !== index);
            assert.deepEqual(repeated, []);
        });

        it("scopes each role to its own feed's stream, tables, buckets and logs only", async () => {
            for (const [feed, other] of [
                [orders, customers],
                [customers, orders],
            ] as const) {
                const resources = policyStatements(
                    await inputsOf(declared.engine, feed.handlerPolicy),
                ).flatMap((statement) => [statement.Resource].flat());
                const otherNames = await new Promise<string[]>((resolve) =>
                    pulumi
                        .all([
                            other.sourceStreamArn,
                            other.projectionTable!.arn,
                            other.archiveBucket.arn,
                            other.failureBucket.arn,
                            other.logGroup.arn,
                        ])
                        .apply(resolve),
                );
                for (const name of otherNames) {
                    assert.ok(
                        resources.every((resource) => !resource.startsWith(name)),
                        `${feed.settings.batchSize}: ${name} is in its role`,
                    );
                }
            }
        });
    });
});
