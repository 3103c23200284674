import {
    DEFAULT_ROUTE_NAME,
    type DeployedRoute,
    type RouteAttributes,
    type RouteDefinition,
    type RouteValue,
} from "./contract";
import type { HandlerSettings, ProjectionChange, RouteMembership, SdkItem, StreamImage } from "./types";

export { DEFAULT_ROUTE_NAME };

/** What a change does to one route's projection: put the item, write a tombstone, or nothing. */
export type RouteAction = "put" | "tombstone" | undefined;

/** The parts of a stream record a route is decided on. */
export type RoutedRecord = {
    readonly eventName?: string | undefined;
    readonly keys: StreamImage;
    readonly newImage?: StreamImage | undefined;
    readonly oldImage?: StreamImage | undefined;
};

/**
 * The routes a batch is planned over: the configured ones, or the one route of a feed without
 * `routes` (every item, every attribute, to its projection table). Each write goes to its route's
 * table, so this is also where the table of every write is decided. Settings read from the
 * environment always name that table (`readSettings`); without it a write is refused, not guessed.
 */
export function feedRoutes(
    settings: Pick<HandlerSettings, "routes" | "projectionTable">,
): readonly DeployedRoute[] {
    return (
        settings.routes ?? [{ name: DEFAULT_ROUTE_NAME, match: "all", table: settings.projectionTable ?? "" }]
    );
}

/**
 * Whether an item belongs to a route, judged on one image of it (and its key). Pure.
 *
 * Values are compared exactly as the mapping's filter compares them: strings character by
 * character, numbers by the decimal text DynamoDB writes, booleans by value. An attribute of
 * another type never matches.
 */
export function routeMatches(
    route: RouteDefinition,
    keys: StreamImage,
    image: StreamImage | undefined,
): boolean {
    const { match } = route;
    if (match === "all") return true;
    if ("keyPrefix" in match) {
        const value = keys[match.keyPrefix.attribute]?.S;
        return value !== undefined && value.startsWith(match.keyPrefix.prefix);
    }
    const value = image?.[match.attributeEquals.attribute];
    if (!value) return false;
    return match.attributeEquals.values.some((expected) => sameValue(expected, value));
}

/**
 * The routes each image of a record belongs to, judged as {@link routeMatches} judges a route's
 * writes: what the archive line records, so that the lake places a change exactly where the
 * projection did. A missing image (an INSERT's old one, a REMOVE's new one) belongs to no route.
 * Pure.
 */
export function routeMembership(routes: readonly RouteDefinition[], record: RoutedRecord): RouteMembership {
    const members = (image: StreamImage | undefined): string[] =>
        image === undefined
            ? []
            : routes.filter((route) => routeMatches(route, record.keys, image)).map((route) => route.name);
    return { old: members(record.oldImage), new: members(record.newImage) };
}

/**
 * What a change does to a route, in stream order: the route holds the item while its newest
 * image matches, so a put whose new image matches puts it; a put whose new image no longer
 * matches (while its old one did) or a delete of an item the route held writes a tombstone, as a
 * delete does; anything else leaves the route alone. Where an image the decision needs is missing
 * (a stream without old images), the route gets a tombstone: a tombstone is harmless, a stale item
 * is not. Pure.
 */
export function routeAction(
    route: RouteDefinition,
    record: RoutedRecord,
    change: ProjectionChange,
): RouteAction {
    const { match } = route;
    if (match === "all" || "keyPrefix" in match) {
        // Keys never change, so the item is in the route for its whole life or never.
        if (!routeMatches(route, record.keys, undefined)) return undefined;
        return change.kind === "put" ? "put" : "tombstone";
    }
    if (change.kind === "put" && routeMatches(route, record.keys, record.newImage)) return "put";
    if (!record.oldImage)
        return change.kind === "delete" || record.eventName === "MODIFY" ? "tombstone" : undefined;
    return routeMatches(route, record.keys, record.oldImage) ? "tombstone" : undefined;
}

/**
 * The item a route's projection holds: the key attributes always, then only `include` (when
 * given), less `exclude`. Returns the item itself when the route selects nothing. Pure.
 */
export function selectAttributes(
    item: SdkItem,
    key: SdkItem,
    attributes: RouteAttributes | undefined,
): SdkItem {
    if (!attributes || (!attributes.include && !attributes.exclude)) return item;
    const selected: SdkItem = {};
    const included = attributes.include ? new Set(attributes.include) : undefined;
    const excluded = new Set(attributes.exclude ?? []);
    for (const [name, value] of Object.entries(item)) {
        const isKey = name in key;
        if (isKey || ((!included || included.has(name)) && !excluded.has(name))) selected[name] = value;
    }
    return selected;
}

function sameValue(expected: RouteValue, actual: StreamImage[string]): boolean {
    if ("S" in expected) return actual.S === expected.S;
    if ("N" in expected) return actual.N === expected.N;
    return actual.BOOL === expected.BOOL;
}
