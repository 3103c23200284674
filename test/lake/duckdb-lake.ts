import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import type { DynamoDBRecord } from "aws-lambda";
import type { DeployedRoute } from "../../handler/contract";
import { planBatch, keyIdentity } from "../../handler/plan";
import type { ArchiveObject, StreamImage } from "../../handler/types";
import { duckdbDialect, type LakeDialect } from "../../infra/lake/dialects";
import {
    createStatements,
    insertChanges,
    runStatements,
    type LakeFeed,
    type LakeWindow,
} from "../../infra/lake/statements";
import { CHANGES_TABLE, currentTableName } from "../../infra/lake/table-names";

/** A route's current state as comparable text: key identity → the item's JSON, sorted by key. */
export type RouteState = Readonly<Record<string, string>>;

/** An in-process DuckDB lake over an archive folder of the handler's own objects. */
export class DuckdbLake {
    private constructor(
        private readonly connection: DuckDBConnection,
        private readonly dialect: LakeDialect,
        private readonly folder: string,
        public readonly feed: LakeFeed,
    ) {}

    public static async open(feed: LakeFeed): Promise<DuckdbLake> {
        const folder = await fs.mkdtemp(path.join(os.tmpdir(), "lake-"));
        const instance = await DuckDBInstance.create(":memory:");
        const connection = await instance.connect();
        const lake = new DuckdbLake(
            connection,
            duckdbDialect({ archiveFolder: `${folder}/changes/` }),
            folder,
            feed,
        );
        await lake.runAll(createStatements(lake.dialect, feed));
        return lake;
    }

    /** Stores archive objects at their keys, as the archive bucket holds them. */
    public async arrive(objects: readonly ArchiveObject[]): Promise<void> {
        for (const object of objects) {
            const file = path.join(this.folder, object.key);
            await fs.mkdir(path.dirname(file), { recursive: true });
            await fs.writeFile(file, object.body);
        }
    }

    public async run(window: LakeWindow): Promise<void> {
        await this.runAll(runStatements(this.dialect, this.feed, window));
    }

    /** A run that stops after its first statement, as one failing midway would. */
    public async runHistoryOnly(window: LakeWindow): Promise<void> {
        await this.runAll([insertChanges(this.dialect, window)]);
    }

    /** The event ids `changes` holds, sorted, with repeats. */
    public async changeEventIds(): Promise<string[]> {
        const reader = await this.connection.runAndReadAll(
            `SELECT event_id FROM ${CHANGES_TABLE} ORDER BY event_id`,
        );
        return reader.getRowObjectsJson().map((row) => String(row.event_id));
    }

    public async currentState(routeName: string): Promise<RouteState> {
        const reader = await this.connection.runAndReadAll(
            `SELECT item_key, item FROM ${currentTableName(routeName)}`,
        );
        const rows = reader
            .getRowObjectsJson()
            .map((row) => [
                keyIdentity(JSON.parse(String(row.item_key)) as StreamImage),
                canonical(String(row.item)),
            ]);
        return Object.fromEntries(rows.sort(([a], [b]) => (a! < b! ? -1 : 1)));
    }

    public async close(): Promise<void> {
        this.connection.closeSync();
        await fs.rm(this.folder, { recursive: true, force: true });
    }

    private async runAll(statements: readonly string[]): Promise<void> {
        for (const statement of statements) await this.connection.run(statement);
    }
}

/**
 * Each route's projection as the handler plans it over the whole history at once (the latest
 * change per key and route wins, as the guarded writes make it): live items only.
 */
export function expectedStates(
    history: readonly DynamoDBRecord[],
    feed: LakeFeed & { readonly routes: readonly DeployedRoute[] },
    routed: boolean,
): Record<string, RouteState> {
    const plan = planBatch(history, {
        ttlExpirations: feed.ttlExpirations,
        projectionTable: "projection",
        ...(routed ? { routes: feed.routes } : {}),
    });
    const states: Record<string, Record<string, string>> = Object.fromEntries(
        feed.routes.map((route) => [route.name, {}]),
    );
    for (const [writeId, change] of plan.writes) {
        const route = plan.writeRoutes.get(writeId)!;
        if (change.kind === "put") {
            states[route.name]![keyIdentity(change.key as StreamImage)] = canonical(
                JSON.stringify(change.item),
            );
        }
    }
    return Object.fromEntries(
        Object.entries(states).map(([name, state]) => [
            name,
            Object.fromEntries(Object.entries(state).sort(([a], [b]) => (a < b ? -1 : 1))),
        ]),
    );
}

/** JSON text with object members in name order, so two engines' spellings of one item compare equal. */
function canonical(json: string): string {
    const sorted = (value: unknown): unknown =>
        Array.isArray(value)
            ? value.map(sorted)
            : value !== null && typeof value === "object"
              ? Object.fromEntries(
                    Object.entries(value)
                        .sort(([a], [b]) => (a < b ? -1 : 1))
                        .map(([name, inner]) => [name, sorted(inner)]),
                )
              : value;
    return JSON.stringify(sorted(JSON.parse(json)));
}
