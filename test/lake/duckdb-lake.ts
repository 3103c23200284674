import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { DynamoDBRecord } from "aws-lambda";
import type { DeployedRoute } from "../../handler/contract";
import { planBatch, keyIdentity } from "../../handler/plan";
import type { ArchiveObject, StreamImage } from "../../handler/types";
import type { LakeFeed, LakeWindow } from "../../infra/lake/statements";
import { DuckdbLake } from "../../local/lake/duckdb-lake";

/** A route's current state as comparable text: key identity → the item's JSON, sorted by key. */
export type RouteState = Readonly<Record<string, string>>;

/** The local DuckDB lake over a temporary archive folder the test stores the handler's objects in. */
export class TestLake {
    private constructor(
        private readonly lake: DuckdbLake,
        private readonly folder: string,
    ) {}

    public static async open(feed: LakeFeed): Promise<TestLake> {
        const folder = await fs.mkdtemp(path.join(os.tmpdir(), "lake-"));
        return new TestLake(await DuckdbLake.open(feed, `${folder}/changes/`), folder);
    }

    /** Stores archive objects at their keys, as the archive bucket holds them. */
    public async arrive(objects: readonly ArchiveObject[]): Promise<void> {
        for (const object of objects) {
            const file = path.join(this.folder, object.key);
            await fs.mkdir(path.dirname(file), { recursive: true });
            await fs.writeFile(file, object.body);
        }
    }

    public run(window: LakeWindow): Promise<void> {
        return this.lake.run(window);
    }

    public runHistoryOnly(window: LakeWindow): Promise<void> {
        return this.lake.runHistoryOnly(window);
    }

    public changeEventIds(): Promise<string[]> {
        return this.lake.changeEventIds();
    }

    public async currentState(routeName: string): Promise<RouteState> {
        const rows = (await this.lake.currentRows(routeName)).map(({ itemKey, item }) => [
            keyIdentity(JSON.parse(itemKey) as StreamImage),
            canonical(item),
        ]);
        return Object.fromEntries(rows.sort(([a], [b]) => (a! < b! ? -1 : 1)));
    }

    public async close(): Promise<void> {
        this.lake.close();
        await fs.rm(this.folder, { recursive: true, force: true });
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
