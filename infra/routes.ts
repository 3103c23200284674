import { RESERVED_ATTRIBUTE_PREFIX, type RouteDefinition, type RouteValue } from "../handler/contract";

/** A route as stack config and ChangeFeed's args write it: values as plain strings, numbers and booleans. */
export type RouteConfig = {
    /** Kebab-case, unique; the route's projection table is named from the feed and this name. */
    readonly name: string;
    readonly match:
        | "all"
        | { readonly keyPrefix: { readonly attribute: string; readonly prefix: string } }
        | {
              readonly attributeEquals: {
                  readonly attribute: string;
                  readonly values: readonly (string | number | boolean)[];
              };
          };
    readonly attributes?: { readonly include?: readonly string[]; readonly exclude?: readonly string[] };
};

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
): { readonly routes: readonly RouteConfig[] | undefined; readonly problems: readonly string[] } {
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
    return { routes: problems.length === 0 ? (value as RouteConfig[]) : undefined, problems };
}

/**
 * Problems of routes and archive exclusions against the source's key schema: a key prefix must
 * be on a key attribute of type S, and no key attribute may be excluded (keys are always kept).
 */
export function keySchemaProblems(
    routes: readonly RouteConfig[] | undefined,
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
        const match = route.match;
        if (typeof match === "object" && "keyPrefix" in match) {
            const attribute = match.keyPrefix.attribute;
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
export function checkAttributeList(
    value: unknown,
    key: string,
): { names: readonly string[]; problems: string[] } {
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
export function toRouteDefinition(route: RouteConfig): RouteDefinition {
    const { match } = route;
    const typed =
        match === "all" || "keyPrefix" in match
            ? match
            : {
                  attributeEquals: {
                      attribute: match.attributeEquals.attribute,
                      values: match.attributeEquals.values.map(toRouteValue),
                  },
              };
    return { name: route.name, match: typed, ...(route.attributes ? { attributes: route.attributes } : {}) };
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
        `{ attributeEquals: { attribute, values: [...] } } with string, number or boolean values`;
    if (match === "all") return [];
    if (!isObject(match) || Object.keys(match).length !== 1) {
        return [`${where} is ${JSON.stringify(match)}; ${allowed}.`];
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
    if (isObject(match.attributeEquals)) {
        const { attribute, values, ...rest } = match.attributeEquals;
        const problems = attributeNameProblems(attribute, `${where}.attributeEquals.attribute`);
        if (!Array.isArray(values) || values.length === 0) {
            problems.push(
                `${where}.attributeEquals.values is ${JSON.stringify(values)}; allowed: a list of at least one string, number or boolean.`,
            );
        } else {
            for (const value of values) {
                const isNumber = typeof value === "number";
                if (typeof value !== "string" && typeof value !== "boolean" && !isNumber) {
                    problems.push(
                        `${where}.attributeEquals.values has ${JSON.stringify(value)}; allowed: strings, numbers and booleans.`,
                    );
                } else if (isNumber && (!Number.isFinite(value) || /e/i.test(String(value)))) {
                    problems.push(
                        `${where}.attributeEquals.values has the number ${String(value)}; allowed: numbers written ` +
                            `without exponent (from 1e-7 to 1e21 in magnitude), as DynamoDB writes them in stream records.`,
                    );
                }
            }
        }
        if (Object.keys(rest).length > 0)
            problems.push(
                `${where}.attributeEquals has ${Object.keys(rest).join(", ")}; allowed fields: attribute, values.`,
            );
        return problems;
    }
    return [`${where} is ${JSON.stringify(match)}; ${allowed}.`];
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
