import type { RouteDefinition, TtlExpirationMode } from "../../handler/contract";
import { quote, type LakeColumn, type LakeDialect } from "./dialects";
import { CHANGES_TABLE, currentTableNames } from "./table-names";

/**
 * The lake's statements, each written once and rendered by a dialect (`dialects.ts`). Pure: they
 * return SQL text; running it is the caller's (Athena through the state machine, DuckDB in tests).
 */

/** The creation times a run reads: from (inclusive) to (exclusive). */
export type LakeWindow = { readonly from: Date; readonly to: Date };

/** What the lake of one feed runs over. */
export type LakeFeed = {
    /** The feed's routes, or its one default route (`lakeRoutes`). */
    readonly routes: readonly RouteDefinition[];
    readonly ttlExpirations: TtlExpirationMode;
};

/**
 * One row per stream record. The sequence number is zero-padded to 40 digits, so text order is
 * numeric order (as the projection's guard compares it); keys and images stay DynamoDB JSON text,
 * so every value survives exactly; `routes_old` and `routes_new` are the archive line's routes.
 */
export const CHANGES_COLUMNS: readonly LakeColumn[] = [
    { name: "event_id", type: "text" },
    { name: "event_name", type: "text" },
    { name: "sequence_number", type: "text" },
    { name: "approximate_creation_time", type: "timestamp" },
    { name: "item_key", type: "text" },
    { name: "routes_old", type: "textList" },
    { name: "routes_new", type: "textList" },
    { name: "ttl_expired", type: "boolean" },
    { name: "old_image", type: "text" },
    { name: "new_image", type: "text" },
];

/** A route's projection of each live item: its key, the item with the route's attributes, the sequence it reflects. */
export const CURRENT_COLUMNS: readonly LakeColumn[] = [
    { name: "item_key", type: "text" },
    { name: "item", type: "text" },
    { name: "sequence_number", type: "text" },
];

// An archive object lies in the partition of its first record's creation time, so a record can sit
// in an earlier partition than its own time: up to a batch's span, which stays well under an hour.
const OBJECT_SPAN_MS = 60 * 60 * 1000;

export function createChangesTable(dialect: LakeDialect): string {
    return dialect.createTable({
        name: CHANGES_TABLE,
        columns: CHANGES_COLUMNS,
        partitionByDayOf: "approximate_creation_time",
    });
}

export function createCurrentTable(dialect: LakeDialect, table: string): string {
    return dialect.createTable({ name: table, columns: CURRENT_COLUMNS });
}

/**
 * Inserts the archive's records created in the window that `changes` does not hold yet, by event
 * id, once each: re-delivered batches repeat lines in other objects (and in the same window), so
 * the window's copies are reduced to one first. Re-running a window inserts nothing.
 */
export function insertChanges(dialect: LakeDialect, window: LakeWindow): string {
    const created = dialect.parseTimestamp("approximatecreationdatetime");
    const columns = CHANGES_COLUMNS.map((column) => column.name).join(", ");
    // Copies of a record are the same line, so any one of them will do.
    return `INSERT INTO ${dialect.table(CHANGES_TABLE)} (${columns})
SELECT ${columns}
FROM (
  SELECT
    eventid AS event_id,
    arbitrary(eventname) AS event_name,
    arbitrary(lpad(sequencenumber, 40, '0')) AS sequence_number,
    arbitrary(${created}) AS approximate_creation_time,
    arbitrary(keys) AS item_key,
    arbitrary(${dialect.textListAt("routes", "$.old")}) AS routes_old,
    arbitrary(${dialect.textListAt("routes", "$.new")}) AS routes_new,
    arbitrary(ttlexpired) AS ttl_expired,
    arbitrary(oldimage) AS old_image,
    arbitrary(newimage) AS new_image
  FROM ${dialect.archiveRelation()}
  WHERE dt BETWEEN ${quote(day(new Date(window.from.getTime() - OBJECT_SPAN_MS)))} AND ${quote(day(window.to))}
    AND eventid IS NOT NULL
    AND ${created} >= ${timestamp(window.from)}
    AND ${created} < ${timestamp(window.to)}
  GROUP BY eventid
) AS archived
WHERE NOT EXISTS (
  SELECT 1
  FROM ${dialect.table(CHANGES_TABLE)} AS held
  WHERE held.event_id = archived.event_id
    AND held.approximate_creation_time >= ${timestamp(window.from)}
    AND held.approximate_creation_time < ${timestamp(window.to)}
)`;
}

/**
 * Merges into a route's current state the latest change of each key the route's changes since the
 * window's start touch, by the projection's rules: the route holds the item while its newest image
 * is in the route; a REMOVE, or a change whose new image left the route, deletes the row; a TTL
 * expiry under `ttlExpirations: archiveOnly` changes nothing (the projection keeps the item).
 *
 * The source is reduced to one row per key first (Athena's MERGE fails when two source rows match
 * one target row), and every write is guarded by the sequence number, so a re-run writes nothing.
 * It reads every change since the window's start, not only up to its end: the current table keeps
 * no tombstones, so re-running an older window must see the later change that deleted a key, or it
 * would bring the key back.
 *
 * The item is the new image with the route's `attributes` applied here, from the route's
 * definition: `changes` keeps whole images, so one history serves every route.
 */
export function mergeCurrent(
    dialect: LakeDialect,
    feed: LakeFeed,
    route: RouteDefinition,
    window: LakeWindow,
): string {
    const table = currentTableNames(feed.routes).get(route.name);
    if (!table) throw new Error(`route "${route.name}" is not one of the feed's routes`);
    const name = quote(route.name);
    const inRoute = (list: string) => `coalesce(${dialect.listContains(list, name)}, false)`;
    const keepsExpired = feed.ttlExpirations === "archiveOnly" ? "\n      AND NOT ttl_expired" : "";
    // The reductions are aggregates (max_by), not row_number() filtered to the first row: DuckDB
    // 1.5's optimizer fails on that filter over a window (TopNWindowElimination). A REMOVE's item
    // is NULL, which max_by may pass over; such a key's row is deleted, so its item is never read.
    return `MERGE INTO ${dialect.table(table)} AS target
USING (
  SELECT
    item_key,
    max(sequence_number) AS sequence_number,
    max_by(item, sequence_number) AS item,
    max_by(leaves, sequence_number) AS leaves
  FROM (
    SELECT
      item_key,
      sequence_number,
      ${projectedItem(dialect, route)} AS item,
      (event_name = 'REMOVE' OR NOT ${inRoute("routes_new")}) AS leaves
    FROM ${dialect.table(CHANGES_TABLE)}
    WHERE approximate_creation_time >= ${timestamp(window.from)}
      AND (${inRoute("routes_old")} OR ${inRoute("routes_new")})${keepsExpired}
  ) AS touching
  GROUP BY item_key
) AS latest
ON target.item_key = latest.item_key
WHEN MATCHED AND latest.sequence_number > target.sequence_number AND latest.leaves THEN DELETE
WHEN MATCHED AND latest.sequence_number > target.sequence_number
  THEN UPDATE SET item = latest.item, sequence_number = latest.sequence_number
WHEN NOT MATCHED AND NOT latest.leaves
  THEN INSERT (item_key, item, sequence_number) VALUES (latest.item_key, latest.item, latest.sequence_number)`;
}

/** The tables a feed's lake needs, created if missing. */
export function createStatements(dialect: LakeDialect, feed: LakeFeed): readonly string[] {
    return [
        createChangesTable(dialect),
        ...[...currentTableNames(feed.routes).values()].map((table) => createCurrentTable(dialect, table)),
    ];
}

/** One run over a window: the history first, then each route's current state from it. */
export function runStatements(dialect: LakeDialect, feed: LakeFeed, window: LakeWindow): readonly string[] {
    return [
        insertChanges(dialect, window),
        ...feed.routes.map((route) => mergeCurrent(dialect, feed, route, window)),
    ];
}

/** Compaction and snapshot expiry of every lake table, on engines that have them. */
export function maintenanceStatements(dialect: LakeDialect, feed: LakeFeed): readonly string[] {
    return [CHANGES_TABLE, ...currentTableNames(feed.routes).values()].flatMap((table) =>
        dialect.maintenance(table),
    );
}

/**
 * The new image with only the route's attributes, as `selectAttributes` selects them: the key
 * attributes always, then only `include` (when given), less `exclude`.
 */
function projectedItem(dialect: LakeDialect, route: RouteDefinition): string {
    const { include, exclude } = route.attributes ?? {};
    if (!include && !exclude) return "new_image";
    return dialect.filterJsonMembers("new_image", (member) => {
        const isIn = (names: readonly string[]) =>
            names.length === 0 ? "false" : dialect.listContains(dialect.textList(names), member);
        const kept = [...(include ? [isIn(include)] : []), ...(exclude ? [`NOT ${isIn(exclude)}`] : [])].join(
            " AND ",
        );
        return `${dialect.listContains(dialect.jsonMemberNames("item_key"), member)} OR (${kept})`;
    });
}

/** The UTC day of a time, as the archive's `dt` partition names it. */
function day(at: Date): string {
    return at.toISOString().slice(0, 10);
}

function timestamp(at: Date): string {
    return `TIMESTAMP '${at.toISOString().replace("T", " ").replace("Z", "")}'`;
}
