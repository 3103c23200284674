import type { RouteDefinition } from "../handler/contract";

/**
 * Filter patterns an event source mapping takes by default (a service quota can raise it to 10);
 * a mapping with more fails to deploy.
 */
export const MAX_FILTER_PATTERNS = 5;
/** The longest pattern Lambda accepts, in characters. */
export const MAX_FILTER_PATTERN_LENGTH = 4096;

/** One Lambda event-filter pattern, as a JSON value (the mapping takes it serialized). */
export type FilterPattern = { readonly dynamodb: Record<string, Record<string, Record<string, unknown[]>>> };

/** Where in a stream record a pattern looks. */
type Place = "Keys" | "NewImage" | "OldImage";

/**
 * The event-filter patterns that let through exactly the records some route needs: those whose
 * new or old image matches a route (leaving a route needs the old one; a REMOVE only has it), so
 * records no route needs never invoke the function. Undefined when a route matches every item: then
 * every record is needed and the mapping takes no filter. Pure.
 *
 * Lambda ORs a mapping's patterns and, within one pattern, ORs the values listed for one field
 * (fields are ANDed), so routes on the same place, attribute and type share one pattern: a key
 * prefix is one pattern on `Keys`; equality on an attribute is one pattern on `NewImage` and one
 * on `OldImage` per value type (S, N, BOOL). `$or` is not in Lambda's documented filter syntax, so
 * patterns on different attributes cannot be combined further.
 */
export function routeFilterPatterns(routes: readonly RouteDefinition[]): FilterPattern[] | undefined {
    if (routes.some((route) => route.match === "all")) return undefined;
    const values = new Map<string, { place: Place; attribute: string; type: string; values: unknown[] }>();
    const add = (place: Place, attribute: string, type: string, value: unknown) => {
        const id = JSON.stringify([place, attribute, type]);
        const entry = values.get(id) ?? { place, attribute, type, values: [] };
        if (!entry.values.some((known) => JSON.stringify(known) === JSON.stringify(value)))
            entry.values.push(value);
        values.set(id, entry);
    };
    for (const { match } of routes) {
        if (match === "all") continue;
        if ("keyPrefix" in match) {
            add("Keys", match.keyPrefix.attribute, "S", { prefix: match.keyPrefix.prefix });
            continue;
        }
        for (const place of ["NewImage", "OldImage"] as const) {
            for (const value of match.attributeEquals.values) {
                const [type, literal] = Object.entries(value)[0] as [string, unknown];
                add(place, match.attributeEquals.attribute, type, literal);
            }
        }
    }
    return [...values.values()].map(({ place, attribute, type, values: listed }) => ({
        dynamodb: { [place]: { [attribute]: { [type]: listed } } },
    }));
}

/**
 * Why a route set cannot be expressed as a mapping's filter, or undefined when it can: more
 * patterns than a mapping takes, or a pattern longer than Lambda accepts.
 */
export function routeFilterProblem(routes: readonly RouteDefinition[]): string | undefined {
    const patterns = routeFilterPatterns(routes) ?? [];
    if (patterns.length > MAX_FILTER_PATTERNS) {
        const listed = patterns.map((pattern) => describePattern(pattern)).join("; ");
        return (
            `the routes need ${patterns.length} event-filter patterns (${listed}), and a mapping takes ` +
            `${MAX_FILTER_PATTERNS}. Each key prefix attribute takes one pattern, and each attributeEquals attribute ` +
            `two per value type (new and old image); allowed: routes on fewer attributes (routes on the same ` +
            `attribute share patterns), or archiveScope: all, which needs no filter`
        );
    }
    const tooLong = patterns.find((pattern) => JSON.stringify(pattern).length > MAX_FILTER_PATTERN_LENGTH);
    if (tooLong) {
        return (
            `the event-filter pattern ${describePattern(tooLong)} is ${JSON.stringify(tooLong).length} characters, ` +
            `and Lambda accepts ${MAX_FILTER_PATTERN_LENGTH}; allowed: fewer or shorter values, or archiveScope: all`
        );
    }
    return undefined;
}

/** `NewImage.entityType (S)`: where a pattern looks. */
function describePattern(pattern: FilterPattern): string {
    const [place, byAttribute] = Object.entries(pattern.dynamodb)[0]!;
    const [attribute, byType] = Object.entries(byAttribute)[0]!;
    return `${place}.${attribute} (${Object.keys(byType)[0]})`;
}
