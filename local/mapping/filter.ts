/**
 * Lambda's event filtering for stream records, as an event source mapping applies its
 * `FilterCriteria` before batching: a record is delivered when it matches at least one pattern
 * (patterns are ORed); a record that matches none is dropped, never delivered, never retried and
 * never sent to the failure destination.
 *
 * The syntax is EventBridge's (Lambda documents the subset below). A pattern mirrors the record's
 * structure; every field it names must match (AND); at a leaf, the field's value must match one of
 * the listed rules (OR):
 *
 * - a string, number, boolean or null: equal to it (strings exactly, without case folding);
 * - `{ "prefix": s }`, `{ "suffix": s }`, `{ "equals-ignore-case": s }`;
 * - `{ "anything-but": v }` with a value, a list of values or `{ "prefix": s }`;
 * - `{ "numeric": [op, n, (op, n)] }` on a JSON number, op one of = < <= > >=;
 * - `{ "exists": true | false }`: a leaf value is, or is not, at that path.
 *
 * Rules apply to leaves only: an object where a pattern lists rules matches nothing but
 * `{ "exists": false }` (as in AWS's example, `exists` on an intermediate node does not match).
 * An array in the record matches when any of its elements does. Pure.
 */

/** One pattern as the mapping holds it: parsed JSON. */
export type FilterPattern = Readonly<Record<string, unknown>>;

/**
 * Whether a record passes a mapping's filter: it matches at least one of `patterns`. A mapping
 * without patterns delivers everything.
 */
export function matchesFilterCriteria(
    record: unknown,
    patterns: readonly FilterPattern[] | undefined,
): boolean {
    if (!patterns || patterns.length === 0) return true;
    return patterns.some((pattern) => matchesPattern(record, pattern));
}

/** Whether a value (a record, or a part of it) matches one pattern (or a part of it). */
export function matchesPattern(value: unknown, pattern: FilterPattern): boolean {
    // A path that is not there holds no leaf: only `{ "exists": false }` can match below it.
    const fields = isObject(value) ? value : {};
    return Object.entries(pattern).every(([field, expected]) => {
        const actual = fields[field];
        if (Array.isArray(expected)) return matchesRules(actual, expected);
        if (!isObject(expected))
            throw new Error(`filter pattern field ${field} is neither rules nor a nested pattern`);
        if (Array.isArray(actual)) return actual.some((element) => matchesPattern(element, expected));
        return matchesPattern(actual, expected);
    });
}

/** Whether a field's value matches one of the rules listed for it. */
function matchesRules(actual: unknown, rules: readonly unknown[]): boolean {
    const leaves = leafValues(actual);
    return rules.some((rule) => {
        if (isObject(rule) && "exists" in rule) return leaves.length > 0 === (rule.exists === true);
        return leaves.some((leaf) => matchesRule(leaf, rule));
    });
}

/** The leaf values at a path: itself, or the leaves of an array; objects are not leaves. */
function leafValues(actual: unknown): unknown[] {
    if (actual === undefined) return [];
    if (Array.isArray(actual))
        return actual.filter((element) => !isObject(element) && !Array.isArray(element));
    return isObject(actual) ? [] : [actual];
}

function matchesRule(leaf: unknown, rule: unknown): boolean {
    if (!isObject(rule)) return leaf === rule;
    const [operator, operand] = Object.entries(rule)[0] ?? [];
    switch (operator) {
        case "prefix":
            return typeof leaf === "string" && typeof operand === "string" && leaf.startsWith(operand);
        case "suffix":
            return typeof leaf === "string" && typeof operand === "string" && leaf.endsWith(operand);
        case "equals-ignore-case":
            return (
                typeof leaf === "string" &&
                typeof operand === "string" &&
                leaf.toLowerCase() === operand.toLowerCase()
            );
        case "anything-but":
            return anythingBut(leaf, operand);
        case "numeric":
            return typeof leaf === "number" && Array.isArray(operand) && numeric(leaf, operand);
        default:
            throw new Error(`filter rule ${JSON.stringify(rule)} is not one this local mapping knows`);
    }
}

function anythingBut(leaf: unknown, operand: unknown): boolean {
    if (typeof leaf !== "string" && typeof leaf !== "number") return false;
    if (isObject(operand) && typeof operand.prefix === "string") {
        return typeof leaf === "string" && !leaf.startsWith(operand.prefix);
    }
    const excluded = Array.isArray(operand) ? operand : [operand];
    return !excluded.includes(leaf);
}

function numeric(leaf: number, conditions: readonly unknown[]): boolean {
    for (let index = 0; index + 1 < conditions.length; index += 2) {
        const [operator, bound] = [conditions[index], conditions[index + 1]];
        if (typeof bound !== "number") return false;
        const holds =
            operator === "="
                ? leaf === bound
                : operator === "<"
                  ? leaf < bound
                  : operator === "<="
                    ? leaf <= bound
                    : operator === ">"
                      ? leaf > bound
                      : operator === ">="
                        ? leaf >= bound
                        : false;
        if (!holds) return false;
    }
    return true;
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
