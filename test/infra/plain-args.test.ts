import { strict as assert } from "node:assert";
import { keyAttribute, parseConfig, resolveChangeFeedArgs, type ChangeFeedArgs } from "../../infra/config";
import { attributeEquals, checkRoutes, keyPrefix, matchAll, toRouteDefinition } from "../../infra/routes";

const KEY = "ddb-changefeed:routes";

describe("ChangeFeedArgs as plain data", () => {
    it("builds key attributes and route matches with the TypeScript helpers", () => {
        assert.deepEqual(
            [
                keyAttribute("createdAt:N"),
                matchAll(),
                keyPrefix("sk", "order-"),
                attributeEquals("tier", "gold", 3, true),
            ],
            [
                { name: "createdAt", type: "N" },
                { all: true },
                { keyPrefix: { attribute: "sk", prefix: "order-" } },
                { attributeEquals: { attribute: "tier", values: ["gold"], numbers: [3], booleans: [true] } },
            ],
        );
    });

    it("still takes keys as stack config writes them, from JavaScript", () => {
        const args = { partitionKey: "pk:S", sortKey: "sk:N" } as unknown as ChangeFeedArgs;

        const settings = resolveChangeFeedArgs("orders", args, "us-east-1");

        assert.deepEqual(
            [settings.partitionKey, settings.sortKey],
            [keyAttribute("pk:S"), keyAttribute("sk:N")],
        );
    });

    it("reads a stack file's routes as plain data: match all, and values filed by type", () => {
        const { routes, problems } = checkRoutes(
            [
                { name: "everything", match: "all" },
                {
                    name: "gold",
                    match: { attributeEquals: { attribute: "tier", values: ["gold", 3, true] } },
                },
                { name: "orders", match: { keyPrefix: { attribute: "sk", prefix: "order-" } } },
            ],
            KEY,
        );

        assert.deepEqual(problems, []);
        assert.deepEqual(routes, [
            { name: "everything", match: { all: true } },
            { name: "gold", match: attributeEquals("tier", "gold", 3, true) },
            { name: "orders", match: keyPrefix("sk", "order-") },
        ]);
    });

    it("gives the function the same route, however the values were written", () => {
        const [written, plain] = [
            { name: "gold", match: { attributeEquals: { attribute: "tier", values: ["gold", 3, true] } } },
            { name: "gold", match: attributeEquals("tier", "gold", 3, true) },
        ].map((route) => toRouteDefinition(checkRoutes([route], KEY).routes![0]!));

        assert.deepEqual(plain, written);
        assert.deepEqual(plain, {
            name: "gold",
            match: {
                attributeEquals: { attribute: "tier", values: [{ S: "gold" }, { N: "3" }, { BOOL: true }] },
            },
        });
    });

    it("reads plain routes from stack config unchanged", () => {
        const routes = [
            { name: "everything", match: matchAll() },
            { name: "gold", match: attributeEquals("tier", 3, false), attributes: { exclude: ["email"] } },
        ];
        const raw: Record<string, string> = { routes: JSON.stringify(routes) };

        const config = parseConfig((key) => raw[key], Object.keys(raw), { region: "us-east-1" });

        assert.deepEqual(config.routes, routes);
    });

    const refusals: [string, unknown, string][] = [
        [
            "all set to false",
            { all: false },
            `${KEY}[0] ("x").match.all is false; allowed: true (every item).`,
        ],
        [
            "two kinds of match",
            { all: true, keyPrefix: { attribute: "sk", prefix: "a" } },
            `${KEY}[0] ("x").match is {"all":true,"keyPrefix":{"attribute":"sk","prefix":"a"}}; allowed: all,`,
        ],
        [
            "a string among the numbers",
            { attributeEquals: { attribute: "tier", numbers: [3, "4"] } },
            `${KEY}[0] ("x").match.attributeEquals.numbers has "4"; allowed: numbers.`,
        ],
        [
            "a number among the booleans",
            { attributeEquals: { attribute: "tier", booleans: [1] } },
            `${KEY}[0] ("x").match.attributeEquals.booleans has 1; allowed: booleans.`,
        ],
        [
            "no value in any list",
            { attributeEquals: { attribute: "tier", values: [], numbers: [] } },
            `${KEY}[0] ("x").match.attributeEquals.values is []; allowed: a list of at least one string, number or boolean.`,
        ],
    ];
    for (const [label, match, problem] of refusals) {
        it(`refuses a match with ${label}, naming where`, () => {
            const { problems } = checkRoutes([{ name: "x", match }], KEY);

            assert.equal(problems.length, 1, problems.join("\n"));
            assert.ok(problems[0]!.startsWith(problem), problems[0]);
        });
    }
});
