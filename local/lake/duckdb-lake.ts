import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { duckdbDialect, type LakeDialect } from "../../infra/lake/dialects";
import {
    createStatements,
    insertChanges,
    runStatements,
    type LakeFeed,
    type LakeWindow,
} from "../../infra/lake/statements";
import { CHANGES_TABLE, currentTableName } from "../../infra/lake/table-names";

/** What the lake holds: rows of `changes`, and of each route's current state by route name. */
export type LakeCounts = {
    readonly changes: number;
    readonly current: Readonly<Record<string, number>>;
};

/** One row of a route's current state: the item's key and the projected item, as DynamoDB JSON text. */
export type CurrentRow = { readonly itemKey: string; readonly item: string };

/**
 * The lake's job on DuckDB, in process, over an archive folder laid out as the archive bucket
 * (`<prefix>dt=…/hour=…/*.ndjson.gz`): the same statements Athena runs, in DuckDB's rendering,
 * with in-memory tables standing in for the Iceberg tables.
 */
export class DuckdbLake {
    private constructor(
        private readonly connection: DuckDBConnection,
        private readonly dialect: LakeDialect,
        public readonly feed: LakeFeed,
    ) {}

    /** A lake over the archive under `archiveFolder`, its tables created. */
    public static async open(feed: LakeFeed, archiveFolder: string): Promise<DuckdbLake> {
        const instance = await DuckDBInstance.create(":memory:");
        const lake = new DuckdbLake(await instance.connect(), duckdbDialect({ archiveFolder }), feed);
        await lake.runAll(createStatements(lake.dialect, feed));
        return lake;
    }

    /** One run over a window: the history, then each route's current state. */
    public async run(window: LakeWindow): Promise<void> {
        await this.runAll(runStatements(this.dialect, this.feed, window));
    }

    /** Only the history insert of a run: what a run that fails after its first statement leaves. */
    public async runHistoryOnly(window: LakeWindow): Promise<void> {
        await this.runAll([insertChanges(this.dialect, window)]);
    }

    /** The event ids `changes` holds, sorted, repeats included. */
    public async changeEventIds(): Promise<string[]> {
        const rows = await this.rows(`SELECT event_id FROM ${CHANGES_TABLE} ORDER BY event_id`);
        return rows.map((row) => String(row.event_id));
    }

    public async currentRows(routeName: string): Promise<CurrentRow[]> {
        const rows = await this.rows(`SELECT item_key, item FROM ${currentTableName(routeName)}`);
        return rows.map((row) => ({ itemKey: String(row.item_key), item: String(row.item) }));
    }

    public async counts(): Promise<LakeCounts> {
        const count = async (table: string) =>
            Number((await this.rows(`SELECT count(*) AS n FROM ${table}`))[0]?.n ?? 0);
        const current: Record<string, number> = {};
        for (const route of this.feed.routes) current[route.name] = await count(currentTableName(route.name));
        return { changes: await count(CHANGES_TABLE), current };
    }

    public close(): void {
        this.connection.closeSync();
    }

    private async rows(sql: string): Promise<Record<string, unknown>[]> {
        return (await this.connection.runAndReadAll(sql)).getRowObjectsJson();
    }

    private async runAll(statements: readonly string[]): Promise<void> {
        for (const statement of statements) await this.connection.run(statement);
    }
}
