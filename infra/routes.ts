import { RESERVED_ATTRIBUTE_PREFIX, type RouteDefinition, type RouteValue } from "../handler/contract";

/**
 * One entity of a single-table design, routed to a projection table of its own. Plain data, as
 * every language's SDK and the stack file write it; `matchAll`, `keyPrefix` and `attributeEquals`
 * build its match in TypeScript.
 */
export interface Route {
    /** Kebab-case, unique in the feed; names the route's projection table, log fields and metrics. */
    readonly name: string;
    /** Which items the route holds: exactly one of all, keyPrefix and attributeEquals. */
    readonly match: RouteMatch;
    /** The top-level attributes the route's projection carries; absent: every attribute. */
    readonly attributes?: AttributeSelection;
}

/** Which items a route holds: set exactly one of its fields. */
export interface RouteMatch {
    /** true: every item. */
    readonly all?: boolean;
    /** Items whose key attribute (of type S) starts with a prefix. */
    readonly keyPrefix?: KeyPrefixMatch;
    /** Items whose top-level attribute equals one of some values. */
    readonly attributeEquals?: AttributeEqualsMatch;
}

/** Items whose key attribute (of type S) starts with `prefix`. */
export interface KeyPrefixMatch {
    /** A key attribute of type S. */
    readonly attribute: string;
    /** A non-empty prefix of the attribute's value. */
    readonly prefix: string;
}

/** Items whose top-level attribute equals one of the values, of any of the three types. */
export interface AttributeEqualsMatch {
    /** A top-level attribute. */
    readonly attribute: string;
    /** String values (S). */
    readonly values?: string[];
    /** Number values (N), compared by the decimal text DynamoDB writes; no exponent. */
    readonly numbers?: number[];
    /** Boolean values (BOOL). */
    readonly booleans?: boolean[];
}

/** The attributes a projection carries: only `include` (when given), less `exclude`; keys are always kept. */
export interface AttributeSelection {
    /** Only these top-level attributes (and the key). */
    readonly include?: string[];
    /** These top-level attributes are left out. */
    readonly exclude?: string[];
}

/** The name routes had before they were plain data. */
export type RouteConfig = Route;

/** A route's match of every item. */
export function matchAll(): RouteMatch {
    return { all: true };
}

/** A route's match of items whose key attribute (of type S) starts with `prefix`. */
export function keyPrefix(attribute: string, prefix: string): RouteMatch {
    return { keyPrefix: { attribute, prefix } };
}

/**
 * A route's match of items whose attribute equals one of `values`, each filed by its type.
 *
 * @example
 * { name: "gold", match: attributeEquals("tier", "gold", 3, true) }
 */
export function attributeEquals(attribute: string, ...values: (string | number | boolean)[]): RouteMatch {
    return { attributeEquals: { attribute, ...valuesByType(values) } };
}

/** A key attribute's name and type, as the source table declares it. */
export type KeyShape = { readonly name: string; readonly type: string };

/** Route names: kebab-case, short enough to sit in table, metric and log names. */
const ROUTE_NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_ROUTE_NAME_LENGTH = 40;
/** DynamoDB's limit on an attribute name. */
const MAX_ATTRIBUTE_NAME_LENGTH = 255;

const ROUTES_EXAMPLE =
    `e.g. in the stack file: ddb-changefeed:routes: [{ name: orders, match: { keyPrefix: { attribute: sk, prefix: "order-" } } }, ` +
    `{ name: customers, match: { attributeEquals: { attribute: entityType, values: [Customer] } }, attributes: { exclude: [email] } }]`;

/** A `routes` value that stack config holds but that is not JSON: the text, to show in the problem. */
export class UnreadableRoutes {
    public constructor(public readonly text: string) {}
}

/**
 * Validates `routes`: as a ChangeFeed's args give them, or as stack config holds them (JSON,
 * decoded). Every problem is reported, each naming the route and what is allowed.
 *
 * @param value - the routes; undefined for none
 * @param key - how problems name the key (e.g. `ddb-changefeed:routes`)
 * @returns the routes (undefined for none) and the problems found
 */
export function checkRoutes(
    value: unknown,
    key: string,
): { readonly routes: Route[] | undefined; readonly problems: readonly string[] } {
    if (value === undefined) return { routes: undefined, problems: [] };
    if (value instanceof UnreadableRoutes) {
        return {
            routes: undefined,
            problems: [`${key} is "${value.text}"; allowed: a list of routes (${ROUTES_EXAMPLE}).`],
        };
    }
    if (!Array.isArray(value) || value.length === 0) {
        return {
            routes: undefined,
            problems: [
                `${key} is ${JSON.stringify(value)}; allowed: a list of at least one route (${ROUTES_EXAMPLE}), ` +
                    `or no value for one projection of every item.`,
            ],
        };
    }
    const problems: string[] = [];
    const seen = new Set<string>();
    value.forEach((entry: unknown, index) => {
        const where = `${key}[${index}]`;
        if (!isObject(entry)) {
            problems.push(
                `${where} is ${JSON.stringify(entry)}; allowed: a route with name, match and optional attributes.`,
            );
            return;
        }
        const unknown = Object.keys(entry).filter(
            (field) => !["name", "match", "attributes"].includes(field),
        );
        if (unknown.length > 0) {
            problems.push(`${where} has ${unknown.join(", ")}; allowed fields: name, match, attributes.`);
        }
        const { name } = entry;
        const label = typeof name === "string" ? `${where} ("${name}")` : where;
        if (
            typeof name !== "string" ||
            !ROUTE_NAME_PATTERN.test(name) ||
            name.length > MAX_ROUTE_NAME_LENGTH
        ) {
            problems.push(
                `${where}.name is ${JSON.stringify(name)}; allowed: kebab-case of up to ${MAX_ROUTE_NAME_LENGTH} ` +
                    `characters (lowercase letters and digits, words joined by "-", starting with a letter, e.g. orders).`,
            );
        } else if (seen.has(name)) {
            problems.push(
                `${where}.name "${name}" is also another route's; allowed: a name no other route has.`,
            );
        } else {
            seen.add(name);
        }
        problems.push(...matchProblems(entry.match, `${label}.match`));
        problems.push(...selectionProblems(entry.attributes, `${label}.attributes`));
    });
    return {
        routes: problems.length === 0 ? (value as StackFileRoute[]).map(plainRoute) : undefined,
        problems,
    };
}

/**
 * Problems of routes and archive exclusions against the source's key schema: a key prefix must
 * be on a key attribute of type S, and no key attribute may be excluded (keys are always kept).
 */
export function keySchemaProblems(
    routes: readonly Route[] | undefined,
    archiveExcludeAttributes: readonly string[],
    keys: readonly KeyShape[],
    name: (key: string) => string,
    table: string,
): string[] {
    const problems: string[] = [];
    const keyNames = keys.map((key) => key.name);
    const schema = keys.map((key) => `${key.name} (${key.type})`).join(" and ");
    (routes ?? []).forEach((route, index) => {
        const where = `${name("routes")}[${index}] ("${route.name}")`;
        if (route.match.keyPrefix) {
            const attribute = route.match.keyPrefix.attribute;
            const key = keys.find((candidate) => candidate.name === attribute);
            if (!key || key.type !== "S") {
                problems.push(
                    `${where}.match.keyPrefix.attribute is "${attribute}"; allowed: a key attribute of type S of ` +
                        `${table}, whose key is ${schema} (to match another attribute, use attributeEquals).`,
                );
            }
        }
        for (const excluded of route.attributes?.exclude ?? []) {
            if (keyNames.includes(excluded)) {
                problems.push(
                    `${where}.attributes.exclude names the key attribute "${excluded}"; allowed: other attributes ` +
                        `(a projection always keeps the key: ${keyNames.join(", ")}).`,
                );
            }
        }
    });
    for (const excluded of archiveExcludeAttributes) {
        if (keyNames.includes(excluded)) {
            problems.push(
                `${name("archiveExcludeAttributes")} names the key attribute "${excluded}"; allowed: other ` +
                    `attributes (the archive always keeps the key: ${keyNames.join(", ")}).`,
            );
        }
    }
    return problems;
}

/**
 * Validates `archiveExcludeAttributes`: a list of top-level attribute names ("" for none, as an
 * unset stack key reads).
 */
export function checkAttributeList(value: unknown, key: string): { names: string[]; problems: string[] } {
    if (typeof value === "string" && value.trim() === "") return { names: [], problems: [] };
    const problems = nameListProblems(value, key);
    if (problems.length > 0) {
        return {
            names: [],
            problems: problems.map(
                (problem) =>
                    `${problem} Set it as a list in the stack file, or with ` +
                    `pulumi config set --path '${key.replace(/^.*:/, "")}[0]' email.`,
            ),
        };
    }
    return { names: value as string[], problems: [] };
}

/** A route in the function's form: values typed as DynamoDB writes them in stream images. */
export function toRouteDefinition(route: Route): RouteDefinition {
    const { keyPrefix, attributeEquals } = route.match;
    const match = keyPrefix
        ? { keyPrefix }
        : attributeEquals
          ? {
                attributeEquals: {
                    attribute: attributeEquals.attribute,
                    values: [
                        ...(attributeEquals.values ?? []),
                        ...(attributeEquals.numbers ?? []),
                        ...(attributeEquals.booleans ?? []),
                    ].map(toRouteValue),
                },
            }
          : "all";
    return { name: route.name, match, ...(route.attributes ? { attributes: route.attributes } : {}) };
}

/**
 * A config value as DynamoDB writes it in a stream image: a string as S, a boolean as BOOL, a
 * number as the normalized decimal text of N (JavaScript prints finite numbers without exponent
 * below 1e21 and above 1e-7 exactly as DynamoDB normalizes them: no leading or trailing zeros).
 */
export function toRouteValue(value: string | number | boolean): RouteValue {
    if (typeof value === "string") return { S: value };
    if (typeof value === "boolean") return { BOOL: value };
    return { N: String(value) };
}

function matchProblems(match: unknown, where: string): string[] {
    const allowed =
        `allowed: all, { keyPrefix: { attribute, prefix } } on a key attribute's string value, or ` +
        `{ attributeEquals: { attribute, values: [...] } } with string, number or boolean values ` +
        `(as plain data: { all: true }, and numbers and booleans also in numbers: [...] and booleans: [...])`;
    if (match === "all") return [];
    if (!isObject(match) || Object.keys(match).length !== 1) {
        return [`${where} is ${JSON.stringify(match)}; ${allowed}.`];
    }
    if ("all" in match) {
        return match.all === true
            ? []
            : [`${where}.all is ${JSON.stringify(match.all)}; allowed: true (every item).`];
    }
    if (isObject(match.keyPrefix)) {
        const { attribute, prefix, ...rest } = match.keyPrefix;
        const problems = attributeNameProblems(attribute, `${where}.keyPrefix.attribute`);
        if (typeof prefix !== "string" || prefix === "") {
            problems.push(
                `${where}.keyPrefix.prefix is ${JSON.stringify(prefix)}; allowed: a non-empty string (for every item, use match: all).`,
            );
        }
        if (Object.keys(rest).length > 0)
            problems.push(
                `${where}.keyPrefix has ${Object.keys(rest).join(", ")}; allowed fields: attribute, prefix.`,
            );
        return problems;
    }
    if (isObject(match.attributeEquals)) return attributeEqualsProblems(match.attributeEquals, where);
    return [`${where} is ${JSON.stringify(match)}; ${allowed}.`];
}

function attributeEqualsProblems(equals: Record<string, unknown>, where: string): string[] {
    const { attribute, values, numbers, booleans, ...rest } = equals;
    const problems = attributeNameProblems(attribute, `${where}.attributeEquals.attribute`);
    const lists = { values, numbers, booleans };
    const given = Object.values(lists).filter((list) => list !== undefined);
    if (given.length === 0 || given.every((list) => Array.isArray(list) && list.length === 0)) {
        problems.push(
            `${where}.attributeEquals.values is ${JSON.stringify(values)}; allowed: a list of at least one string, number or boolean.`,
        );
    }
    for (const [field, list] of Object.entries(lists)) {
        if (list === undefined) continue;
        const at = `${where}.attributeEquals.${field}`;
        if (!Array.isArray(list)) {
            problems.push(`${at} is ${JSON.stringify(list)}; allowed: a list of ${VALUE_KINDS[field]}.`);
            continue;
        }
        // `values` takes every type (as the stack file writes them); the typed lists take their own.
        for (const value of list) problems.push(...matchValueProblems(value, field, at));
    }
    if (Object.keys(rest).length > 0)
        problems.push(
            `${where}.attributeEquals has ${Object.keys(rest).join(", ")}; allowed fields: attribute, values, numbers, booleans.`,
        );
    return problems;
}

const VALUE_KINDS: Record<string, string> = {
    values: "strings, numbers and booleans",
    numbers: "numbers",
    booleans: "booleans",
};

function matchValueProblems(value: unknown, field: string, at: string): string[] {
    const isNumber = typeof value === "number";
    const typeFits =
        field === "values"
            ? typeof value === "string" || typeof value === "boolean" || isNumber
            : typeof value === (field === "numbers" ? "number" : "boolean");
    if (!typeFits) return [`${at} has ${JSON.stringify(value)}; allowed: ${VALUE_KINDS[field]}.`];
    if (isNumber && (!Number.isFinite(value) || /e/i.test(String(value)))) {
        return [
            `${at} has the number ${String(value)}; allowed: numbers written ` +
                `without exponent (from 1e-7 to 1e21 in magnitude), as DynamoDB writes them in stream records.`,
        ];
    }
    return [];
}

/** A route as a stack file may write it: `match: all`, and values of every type in one list. */
type StackFileRoute = Omit<Route, "match"> & {
    readonly match:
        | "all"
        | (Omit<RouteMatch, "attributeEquals"> & {
              readonly attributeEquals?: Omit<AttributeEqualsMatch, "values"> & {
                  readonly values?: readonly (string | number | boolean)[];
              };
          });
};

/** A valid route as plain data: `all` as `{ all: true }`, values filed by type (a plain route is kept as it is). */
function plainRoute(route: StackFileRoute): Route {
    const { match } = route;
    if (match === "all") return { ...route, match: matchAll() };
    const equals = match.attributeEquals;
    if (!equals || (equals.values ?? []).every((value) => typeof value === "string")) return route as Route;
    const { attribute, values = [], numbers = [], booleans = [] } = equals;
    return { ...route, match: attributeEquals(attribute, ...values, ...numbers, ...booleans) };
}

/** Values filed by type, each list only when it has any. */
function valuesByType(
    values: readonly (string | number | boolean)[],
): Omit<AttributeEqualsMatch, "attribute"> {
    const strings = values.filter((value): value is string => typeof value === "string");
    const numbers = values.filter((value): value is number => typeof value === "number");
    const booleans = values.filter((value): value is boolean => typeof value === "boolean");
    return {
        ...(strings.length > 0 ? { values: strings } : {}),
        ...(numbers.length > 0 ? { numbers } : {}),
        ...(booleans.length > 0 ? { booleans } : {}),
    };
}

function selectionProblems(attributes: unknown, where: string): string[] {
    if (attributes === undefined) return [];
    if (!isObject(attributes)) {
        return [
            `${where} is ${JSON.stringify(attributes)}; allowed: { include: [names] } and/or { exclude: [names] }.`,
        ];
    }
    const problems: string[] = [];
    const unknown = Object.keys(attributes).filter((field) => field !== "include" && field !== "exclude");
    if (unknown.length > 0)
        problems.push(`${where} has ${unknown.join(", ")}; allowed fields: include, exclude.`);
    for (const list of ["include", "exclude"] as const) {
        if (attributes[list] !== undefined)
            problems.push(...nameListProblems(attributes[list], `${where}.${list}`));
    }
    const include = Array.isArray(attributes.include) ? (attributes.include as unknown[]) : [];
    const exclude = Array.isArray(attributes.exclude) ? (attributes.exclude as unknown[]) : [];
    const both = include.filter((name) => exclude.includes(name));
    if (both.length > 0) {
        problems.push(
            `${where} names ${both.map((name) => JSON.stringify(name)).join(", ")} in both include and exclude; ` +
                `allowed: each name in one list only.`,
        );
    }
    return problems;
}

function nameListProblems(value: unknown, where: string): string[] {
    if (!Array.isArray(value)) {
        return [`${where} is ${JSON.stringify(value)}; allowed: a list of top-level attribute names.`];
    }
    return value.flatMap((name, index) => attributeNameProblems(name, `${where}[${index}]`));
}

function attributeNameProblems(name: unknown, where: string): string[] {
    if (typeof name !== "string" || name === "" || name.length > MAX_ATTRIBUTE_NAME_LENGTH) {
        return [
            `${where} is ${JSON.stringify(name)}; allowed: an attribute name of 1-${MAX_ATTRIBUTE_NAME_LENGTH} characters.`,
        ];
    }
    if (name.startsWith(RESERVED_ATTRIBUTE_PREFIX)) {
        return [
            `${where} is "${name}"; allowed: a name not starting with ${RESERVED_ATTRIBUTE_PREFIX} ` +
                `(reserved for the projection's own attributes).`,
        ];
    }
    return [];
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
