import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RouteDefinition } from "../../handler/contract";
import { athenaDialect, duckdbDialect, type LakeDialect } from "../../infra/lake/dialects";
import {
    createStatements,
    maintenanceStatements,
    runStatements,
    type LakeFeed,
} from "../../infra/lake/statements";
import { currentTableNames, lakeRoutes } from "../../infra/lake/table-names";

const GOLDEN = path.join(__dirname, "golden");

const FEED: LakeFeed = {
    routes: [
        {
            name: "open-orders",
            match: { attributeEquals: { attribute: "status", values: [{ S: "open" }] } },
            attributes: { include: ["status", "total"] },
        },
        { name: "everything", match: "all", attributes: { exclude: ["secret"] } },
    ],
    ttlExpirations: "archiveOnly",
};

const WINDOW = { from: new Date("2026-11-27T12:45:00Z"), to: new Date("2026-11-27T13:15:00Z") };

const DIALECTS: readonly LakeDialect[] = [
    athenaDialect({
        database: "changefeed_lake",
        archiveTable: "changefeed_archive",
        tablesLocation: "s3://changefeed-lake-0123456789ab/lake/",
    }),
    duckdbDialect({ archiveFolder: "/var/lake/archive/changes/" }),
];

/** Statements as a file holds them: each ended by `;`, a blank line between them. */
function script(statements: readonly string[]): string {
    return statements.map((statement) => `${statement};\n`).join("\n");
}

/**
 * Every rendered statement, compared with its reviewed copy under golden/<dialect>/. After a
 * deliberate change, `UPDATE_GOLDEN=1 npx mocha test/lake/golden.test.ts` rewrites the copies: review
 * their diff (the Athena ones against the documentation cited in infra/lake/dialects.ts).
 */
describe("the lake's rendered statements", () => {
    for (const dialect of DIALECTS) {
        const rendered = {
            "create.sql": script(createStatements(dialect, FEED)),
            "run.sql": script(runStatements(dialect, FEED, WINDOW)),
            "maintenance.sql": script(maintenanceStatements(dialect, FEED)),
        };
        for (const [file, text] of Object.entries(rendered)) {
            it(`renders ${dialect.name}/${file} as its golden copy`, () => {
                const golden = path.join(GOLDEN, dialect.name, file);
                if (process.env.UPDATE_GOLDEN) {
                    fs.mkdirSync(path.dirname(golden), { recursive: true });
                    fs.writeFileSync(golden, text);
                }
                assert.equal(text, fs.readFileSync(golden, "utf8"));
            });
        }
    }

    it("compacts and vacuums every table on Athena, and has nothing to compact on DuckDB", () => {
        const [athena, duckdb] = DIALECTS;
        assert.equal(maintenanceStatements(athena!, FEED).length, 6);
        assert.deepEqual(maintenanceStatements(duckdb!, FEED), []);
    });
});

describe("the lake's table names", () => {
    it("maps a route's `-` to `_`, as Glue and Athena table names need", () => {
        assert.deepEqual(
            [...currentTableNames(FEED.routes)],
            [
                ["open-orders", "open_orders_current"],
                ["everything", "everything_current"],
            ],
        );
    });

    it("refuses two routes that map to one table, naming both", () => {
        const routes: RouteDefinition[] = [
            { name: "open-orders", match: "all" },
            { name: "open_orders", match: "all" },
        ];
        assert.throws(
            () => currentTableNames(routes),
            /"open-orders" and "open_orders".*open_orders_current/,
        );
    });

    it("keeps the default route's state for a feed without routes", () => {
        assert.deepEqual([...currentTableNames(lakeRoutes(undefined)).values()], ["default_current"]);
    });
});
