import { strict as assert } from "node:assert";
import type * as pulumi from "@pulumi/pulumi";
import { ChangeFeed } from "../../infra/change-feed";
import type { RouteConfig } from "../../infra/routes";
import { installMocks, type DeclaredResource, type MockEngine } from "../../local/program";
import { existingTables, SINGLE_TABLE_DESIGN } from "../helpers/pulumi-mocks";

const REGION = "us-east-1";
const SINGLE_TABLE = SINGLE_TABLE_DESIGN;
const ORDERS: RouteConfig = { name: "orders", match: { keyPrefix: { attribute: "sk", prefix: "order-" } } };
const CUSTOMERS: RouteConfig = {
    name: "customers",
    match: { attributeEquals: { attribute: "entityType", values: ["Customer"] } },
    attributes: { exclude: ["email"] },
};

describe("ChangeFeed with routes (Pulumi mocks)", () => {
    type Declared = { engine: MockEngine; feed: ChangeFeed };

    async function declare(args: ConstructorParameters<typeof ChangeFeed>[1]): Promise<Declared> {
        const engine = installMocks(
            "dev",
            { "aws:region": REGION },
            { invoke: existingTables({ shop: SINGLE_TABLE }, REGION) },
        );
        const feed = new ChangeFeed("shop", { sourceTableName: "shop", ...args });
        const outputs: Record<string, pulumi.Output<unknown>> = {
            names: feed.projectionTableNames ?? feed.sourceTableName,
        };
        await engine.settle(outputs);
        return { engine, feed };
    }
    const declared = (engine: MockEngine, type: string, name: string): DeclaredResource => {
        const found = engine.resources.find((resource) => resource.type === type && resource.name === name);
        assert.ok(found, `${type} ${name} was not declared`);
        return found;
    };
    const TABLE = "aws:dynamodb/table:Table";
    const MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping";

    let routed: Declared;
    before(async () => {
        routed = await declare({
            routes: [ORDERS, CUSTOMERS],
            archiveScope: "routed",
            archiveExcludeAttributes: ["internalNotes"],
        });
    });

    it("gives each route a projection table named from the feed and the route, and no other", () => {
        const tables = routed.engine.resources
            .filter((resource) => resource.type === TABLE)
            .map((table) => table.name);

        assert.deepEqual(tables.sort(), ["shop-customers-projection", "shop-orders-projection"]);
        assert.equal(routed.feed.projectionTable, undefined);
        assert.deepEqual(Object.keys(routed.feed.routeTables), ["orders", "customers"]);
        const orders = declared(routed.engine, TABLE, "shop-orders-projection").inputs;
        assert.deepEqual(
            [orders.hashKey, orders.rangeKey, orders.ttl],
            ["pk", "sk", { attributeName: "_cdc_expires_at", enabled: true }],
        );
    });

    it("tells the function each route and its table, the archive's scope and exclusions, and no single table", () => {
        const fn = declared(routed.engine, "aws:lambda/function:Function", "shop-handler").inputs as {
            environment: { variables: Record<string, string> };
        };
        const variables = fn.environment.variables;

        assert.equal(variables.PROJECTION_TABLE, undefined);
        assert.deepEqual(JSON.parse(String(variables.ROUTES)), [
            {
                name: "orders",
                match: { keyPrefix: { attribute: "sk", prefix: "order-" } },
                table: "shop-orders-projection-dev",
            },
            {
                name: "customers",
                match: { attributeEquals: { attribute: "entityType", values: [{ S: "Customer" }] } },
                attributes: { exclude: ["email"] },
                table: "shop-customers-projection-dev",
            },
        ]);
        assert.equal(variables.ARCHIVE_SCOPE, "routed");
        assert.equal(variables.ARCHIVE_EXCLUDE_ATTRIBUTES, '["internalNotes"]');
    });

    it("lets the role put items into exactly the route tables", () => {
        const policy = declared(routed.engine, "aws:iam/rolePolicy:RolePolicy", "shop-handler-policy").inputs;
        const statements = (
            JSON.parse(String(policy.policy)) as {
                Statement: { Sid: string; Action: string[]; Resource: unknown }[];
            }
        ).Statement;
        const arn = (name: string) => declared(routed.engine, TABLE, name).state.arn;

        assert.deepEqual(
            statements.find((statement) => statement.Sid === "WriteProjection"),
            {
                Sid: "WriteProjection",
                Effect: "Allow",
                Action: ["dynamodb:PutItem"],
                Resource: [arn("shop-orders-projection"), arn("shop-customers-projection")],
            },
        );
    });

    it("filters the mapping to the records some route needs, by key or by either image", () => {
        const mapping = declared(routed.engine, MAPPING, "shop-mapping").inputs as {
            filterCriteria?: { filters: { pattern: string }[] };
        };

        assert.deepEqual(
            mapping.filterCriteria?.filters.map((filter) => JSON.parse(filter.pattern)),
            [
                { dynamodb: { Keys: { sk: { S: [{ prefix: "order-" }] } } } },
                { dynamodb: { NewImage: { entityType: { S: ["Customer"] } } } },
                { dynamodb: { OldImage: { entityType: { S: ["Customer"] } } } },
            ],
        );
    });

    it("changes only the filter on the same mapping when routes change, which Lambda updates in place", async () => {
        const before = declared(routed.engine, MAPPING, "shop-mapping").inputs;
        const other = await declare({ routes: [CUSTOMERS], archiveScope: "routed" });
        const wider = await declare({ routes: [CUSTOMERS] });
        const after = declared(other.engine, MAPPING, "shop-mapping").inputs;
        const unfiltered = declared(wider.engine, MAPPING, "shop-mapping").inputs;

        const { filterCriteria: beforeFilter, ...beforeRest } = before;
        const { filterCriteria: afterFilter, ...afterRest } = after;
        assert.notDeepEqual(beforeFilter, afterFilter);
        assert.deepEqual(afterRest, beforeRest, "an input other than the filter changed");
        assert.equal(unfiltered.filterCriteria, undefined, "an archive of every record needs no filter");
    });

    it("draws each route's writes and the records no route needs on the dashboard", () => {
        const dashboard = declared(
            routed.engine,
            "aws:cloudwatch/dashboard:Dashboard",
            "shop-dashboard",
        ).inputs;
        const lines = (
            JSON.parse(String(dashboard.dashboardBody)) as {
                widgets: { properties: { metrics: unknown[][] } }[];
            }
        ).widgets.flatMap((widget) => widget.properties.metrics);
        const drawn = (metric: string, route: string) =>
            lines.some((line) => line[1] === metric && line[4] === "route" && line[5] === route);

        for (const route of ["orders", "customers"]) {
            for (const metric of ["RouteWritesApplied", "RouteWritesStale", "RouteTombstonesWritten"]) {
                assert.ok(drawn(metric, route), `${metric} of ${route}`);
            }
        }
        assert.ok(lines.some((line) => line[1] === "FilteredOutEventCount"));
    });

    it("refuses at preview a key prefix on an existing table's attribute that is not a string key", async () => {
        const message = await declare({
            routes: [{ name: "by-type", match: { keyPrefix: { attribute: "entityType", prefix: "C" } } }],
        }).then(
            () => assert.fail("the declaration succeeded"),
            (error: Error) => error.message,
        );

        assert.match(
            message,
            /`routes`\[0\] \("by-type"\)\.match\.keyPrefix\.attribute is "entityType"; allowed: a key attribute of type S of table "shop", whose key is pk \(S\) and sk \(S\)/,
        );
    });
});
