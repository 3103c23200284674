import { DEFAULT_ROUTE_NAME, type RouteDefinition } from "../../handler/contract";

/** The lake's history table: one row per stream record. */
export const CHANGES_TABLE = "changes";

/**
 * The table holding a route's current state. Route names are kebab-case; Glue and Athena table
 * names take lowercase letters, digits and underscores only, so `-` becomes `_`.
 */
export function currentTableName(routeName: string): string {
    return `${routeName.toLowerCase().replaceAll("-", "_")}_current`;
}

/** The routes a feed's lake keeps current state for: its routes, or its one default route. */
export function lakeRoutes(routes: readonly RouteDefinition[] | undefined): readonly RouteDefinition[] {
    return routes && routes.length > 0 ? routes : [{ name: DEFAULT_ROUTE_NAME, match: "all" }];
}

/**
 * Each route's current-state table, by route name.
 *
 * @throws {Error} naming both routes when two of them map to one table name
 */
export function currentTableNames(routes: readonly RouteDefinition[]): ReadonlyMap<string, string> {
    const byTable = new Map<string, string>();
    const names = new Map<string, string>();
    for (const route of routes) {
        const table = currentTableName(route.name);
        const other = byTable.get(table);
        if (other !== undefined) {
            throw new Error(
                `Routes "${other}" and "${route.name}" would both keep their lake state in table ${table}; rename one of them`,
            );
        }
        byTable.set(table, route.name);
        names.set(route.name, table);
    }
    return names;
}
