import { strict as assert } from "node:assert";
import type { RouteDefinition } from "../../handler/contract";
import { parseConfig } from "../../infra/config";
import { MAX_FILTER_PATTERNS, routeFilterPatterns, routeFilterProblem } from "../../infra/route-filter";
import type { RouteConfig } from "../../infra/routes";

const REGION = "us-east-1";
const ORDERS: RouteConfig = { name: "orders", match: { keyPrefix: { attribute: "sk", prefix: "order-" } } };
const CUSTOMERS: RouteConfig = {
    name: "customers",
    match: { attributeEquals: { attribute: "entityType", values: ["Customer"] } },
    attributes: { exclude: ["email"] },
};

/** Validates stack config as the program does, on a created table keyed pk S + sk S. */
function parse(values: Record<string, unknown>) {
    const raw = Object.fromEntries(
        Object.entries({ partitionKey: "pk:S", sortKey: "sk:S", ...values }).map(([key, value]) => [
            key,
            typeof value === "string" ? value : JSON.stringify(value),
        ]),
    );
    return parseConfig((key) => raw[key], Object.keys(raw), { region: REGION });
}

/** The problems a ConfigError lists for these values. */
function problems(values: Record<string, unknown>): string[] {
    try {
        parse(values);
    } catch (error) {
        assert.equal((error as Error).name, "ConfigError");
        return [...(error as { problems: string[] }).problems];
    }
    assert.fail(`accepted ${JSON.stringify(values)}`);
}

describe("routes config", () => {
    it("accepts routes, a routed archive and excluded attributes", () => {
        const config = parse({
            routes: [ORDERS, CUSTOMERS, { name: "everything", match: "all", attributes: { include: ["a"] } }],
            archiveScope: "routed",
            archiveExcludeAttributes: ["email"],
        });

        assert.deepEqual(
            [config.routes?.map((route) => route.name), config.archiveScope, config.archiveExcludeAttributes],
            [["orders", "customers", "everything"], "routed", ["email"]],
        );
    });

    it("defaults to no routes, the whole archive and no excluded attributes", () => {
        const config = parse({});

        assert.deepEqual(
            [config.routes, config.archiveScope, config.archiveExcludeAttributes],
            [undefined, "all", []],
        );
    });

    const refusals: [string, Record<string, unknown>, RegExp][] = [
        [
            "a value that is not a list",
            { routes: "orders" },
            /ddb-changefeed:routes is "orders"; allowed: a list of routes/,
        ],
        [
            "an empty list",
            { routes: [] },
            /ddb-changefeed:routes is \[\]; allowed: a list of at least one route/,
        ],
        [
            "a name that is not kebab-case",
            { routes: [{ ...ORDERS, name: "Orders_2" }] },
            /ddb-changefeed:routes\[0\]\.name is "Orders_2"; allowed: kebab-case/,
        ],
        [
            "two routes of one name",
            { routes: [ORDERS, { ...CUSTOMERS, name: "orders" }] },
            /ddb-changefeed:routes\[1\]\.name "orders" is also another route's/,
        ],
        [
            "an unknown match",
            { routes: [{ name: "x", match: { keyEquals: {} } }] },
            /routes\[0\] \("x"\)\.match is \{"keyEquals":\{\}\}; allowed: all, \{ keyPrefix/,
        ],
        [
            "an empty prefix",
            { routes: [{ name: "x", match: { keyPrefix: { attribute: "sk", prefix: "" } } }] },
            /match\.keyPrefix\.prefix is ""; allowed: a non-empty string \(for every item, use match: all\)/,
        ],
        [
            "a key prefix on an attribute that is not a key",
            { routes: [{ name: "x", match: { keyPrefix: { attribute: "entityType", prefix: "C" } } }] },
            /routes\[0\] \("x"\)\.match\.keyPrefix\.attribute is "entityType"; allowed: a key attribute of type S of the source table, whose key is pk \(S\) and sk \(S\)/,
        ],
        [
            "values of another type",
            { routes: [{ name: "x", match: { attributeEquals: { attribute: "a", values: [{ S: "x" }] } } }] },
            /attributeEquals\.values has \{"S":"x"\}; allowed: strings, numbers and booleans/,
        ],
        [
            "a number DynamoDB writes otherwise",
            { routes: [{ name: "x", match: { attributeEquals: { attribute: "a", values: [1e21] } } }] },
            /attributeEquals\.values has the number 1e\+21; allowed: numbers written without exponent/,
        ],
        [
            "a reserved attribute name",
            { routes: [{ ...ORDERS, attributes: { include: ["_cdc_sequence"] } }] },
            /attributes\.include\[0\] is "_cdc_sequence"; allowed: a name not starting with _cdc_/,
        ],
        [
            "a name in both include and exclude",
            { routes: [{ ...ORDERS, attributes: { include: ["a", "b"], exclude: ["b"] } }] },
            /routes\[0\] \("orders"\)\.attributes names "b" in both include and exclude; allowed: each name in one list only/,
        ],
        [
            "a key attribute excluded from a route",
            { routes: [{ ...ORDERS, attributes: { exclude: ["sk"] } }] },
            /attributes\.exclude names the key attribute "sk"; allowed: other attributes \(a projection always keeps the key: pk, sk\)/,
        ],
        [
            "a key attribute excluded from the archive",
            { archiveExcludeAttributes: ["pk"] },
            /ddb-changefeed:archiveExcludeAttributes names the key attribute "pk"; allowed: other attributes/,
        ],
        [
            "an archive exclusion that is not a list",
            { archiveExcludeAttributes: "email" },
            /ddb-changefeed:archiveExcludeAttributes is "email"; allowed: a list of top-level attribute names\. Set it as a list/,
        ],
        [
            "an archive scope other than all or routed",
            { archiveScope: "some" },
            /ddb-changefeed:archiveScope is "some"; allowed: all or routed/,
        ],
    ];
    for (const [situation, values, message] of refusals) {
        it(`refuses ${situation}, naming the key and what is allowed`, () => {
            const found = problems(values);
            assert.ok(
                found.some((problem) => message.test(problem)),
                `no problem matches ${message}:\n${found.join("\n")}`,
            );
        });
    }

    it("refuses, with a routed archive, a route set the mapping's filter cannot express", () => {
        const many = ["a", "b", "c"].map((attribute) => ({
            name: `by-${attribute}`,
            match: { attributeEquals: { attribute, values: ["x"] } },
        }));

        const [problem] = problems({ routes: many, archiveScope: "routed" });

        assert.match(
            String(problem),
            /^ddb-changefeed:routes with ddb-changefeed:archiveScope routed: the routes need 6 event-filter patterns \(NewImage\.a \(S\); OldImage\.a \(S\); NewImage\.b \(S\);.*\), and a mapping takes 5\..*allowed: routes on fewer attributes.*or archiveScope: all/,
        );
        assert.doesNotThrow(() => parse({ routes: many, archiveScope: "all" }));
    });
});

describe("the mapping's filter patterns", () => {
    const definitions = (...routes: RouteDefinition[]) => routes;

    it("are none when a route matches every item", () => {
        assert.equal(routeFilterPatterns(definitions({ name: "all", match: "all" })), undefined);
    });

    it("look at the key for a key prefix, and at both images for an attribute's values", () => {
        const patterns = routeFilterPatterns(
            definitions(
                { name: "orders", match: { keyPrefix: { attribute: "sk", prefix: "order-" } } },
                {
                    name: "customers",
                    match: { attributeEquals: { attribute: "entityType", values: [{ S: "Customer" }] } },
                },
            ),
        );

        assert.deepEqual(patterns, [
            { dynamodb: { Keys: { sk: { S: [{ prefix: "order-" }] } } } },
            { dynamodb: { NewImage: { entityType: { S: ["Customer"] } } } },
            { dynamodb: { OldImage: { entityType: { S: ["Customer"] } } } },
        ]);
    });

    it("share one pattern per place, attribute and type, and one per value type", () => {
        const patterns = routeFilterPatterns(
            definitions(
                { name: "orders", match: { keyPrefix: { attribute: "sk", prefix: "order-" } } },
                { name: "invoices", match: { keyPrefix: { attribute: "sk", prefix: "invoice-" } } },
                {
                    name: "a",
                    match: { attributeEquals: { attribute: "t", values: [{ S: "A" }, { N: "1" }] } },
                },
                {
                    name: "b",
                    match: { attributeEquals: { attribute: "t", values: [{ S: "B" }, { S: "A" }] } },
                },
            ),
        );

        assert.deepEqual(patterns, [
            { dynamodb: { Keys: { sk: { S: [{ prefix: "order-" }, { prefix: "invoice-" }] } } } },
            { dynamodb: { NewImage: { t: { S: ["A", "B"] } } } },
            { dynamodb: { NewImage: { t: { N: ["1"] } } } },
            { dynamodb: { OldImage: { t: { S: ["A", "B"] } } } },
            { dynamodb: { OldImage: { t: { N: ["1"] } } } },
        ]);
        assert.equal(patterns?.length, MAX_FILTER_PATTERNS);
        assert.equal(routeFilterProblem([]), undefined);
    });

    it("are refused past the limit, and when one is longer than Lambda accepts", () => {
        const sixth = definitions({
            name: "a",
            match: { attributeEquals: { attribute: "a", values: [{ S: "x" }, { BOOL: true }, { N: "1" }] } },
        });
        const long = definitions({
            name: "a",
            match: { keyPrefix: { attribute: "sk", prefix: "x".repeat(4100) } },
        });

        assert.match(String(routeFilterProblem(sixth)), /the routes need 6 event-filter patterns/);
        assert.match(String(routeFilterProblem(long)), /is 41\d\d characters, and Lambda accepts 4096/);
    });
});
