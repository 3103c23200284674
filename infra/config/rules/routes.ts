import type { ArchiveScope } from "../../../handler/contract";
import { routeFilterProblem } from "../../route-filter";
import { checkRoutes, keySchemaProblems, toRouteDefinition, type RouteConfig } from "../../routes";
import type { Check } from "./check";
import type { SourceTableSettings } from "./source-table";

/**
 * The routes, checked alone, against a created table's key schema (an existing table's is checked
 * when it is read), and, for a routed archive, against what the mapping's filter can express.
 */
export function checkRouting(
    check: Check,
    source: SourceTableSettings,
    archiveExcludeAttributes: readonly string[],
    archiveScope: ArchiveScope | undefined,
): readonly RouteConfig[] | undefined {
    const checked = checkRoutes(check.values.routes, check.name("routes"));
    check.problems.push(...checked.problems);
    const { routes } = checked;
    if (source.sourceTableName === "" && source.partitionKey) {
        const keys = [source.partitionKey, ...(source.sortKey ? [source.sortKey] : [])];
        check.problems.push(
            ...keySchemaProblems(routes, archiveExcludeAttributes, keys, check.name, "the source table"),
        );
    }
    if (routes && archiveScope === "routed") {
        const filterProblem = routeFilterProblem(routes.map(toRouteDefinition));
        if (filterProblem) {
            check.report(
                `${check.name("routes")} with ${check.name("archiveScope")} routed: ${filterProblem}.`,
            );
        }
    }
    return routes;
}
