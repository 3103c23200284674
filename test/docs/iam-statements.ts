import { SERVICE_AUTHORIZATION, type ActionReference } from "./service-authorization";

/** An IAM policy statement, as far as the checks read it. */
export type Statement = {
    readonly Sid?: string;
    readonly Effect?: string;
    readonly Principal?: unknown;
    readonly Action?: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
};

/** A JSON block of a Markdown file that holds IAM policy statements. */
export type PolicyBlock = {
    /** Where it starts (1-based line of the opening fence), for failure messages. */
    readonly line: number;
    readonly statements: readonly Statement[];
};

/** Placeholders the docs write for an ARN the reader fills in, as an ARN of the kind they stand for. */
const ARN_PLACEHOLDERS: Readonly<Record<string, string>> = {
    "<kmsKeyArn>": "arn:aws:kms:<region>:<account>:key/<key id>",
};

/**
 * The JSON blocks of a Markdown text that are policies: a document with `Statement`, one statement,
 * or a list of statements (what a reader pastes into a policy).
 *
 * @throws {Error} naming the line of a JSON block that does not parse
 */
export function policyBlocks(markdown: string): PolicyBlock[] {
    const blocks: PolicyBlock[] = [];
    for (const match of markdown.matchAll(/^```json\n([\s\S]*?)\n```$/gm)) {
        const line = markdown.slice(0, match.index).split("\n").length;
        let parsed: unknown;
        try {
            parsed = JSON.parse(match[1]!);
        } catch (error) {
            throw new Error(`The JSON block at line ${line} does not parse: ${String(error)}`, {
                cause: error,
            });
        }
        const document = parsed as { Statement?: Statement | Statement[] } & Statement;
        const statements = Array.isArray(parsed)
            ? (parsed as Statement[])
            : document.Statement !== undefined
              ? [document.Statement].flat()
              : [document];
        if (statements.every((statement) => statement.Effect !== undefined))
            blocks.push({ line, statements });
    }
    return blocks;
}

/**
 * What is wrong with a statement, judged against the Service Authorization Reference: an action
 * that does not exist, an action without a resource type granted on anything but `"*"` (IAM then
 * never allows it), an ARN that is none of the action's resource types, or a condition key the
 * action does not have (the condition then never matches, so the statement never allows the
 * action). Global `aws:*` keys apply to every action. A wildcard action is expanded only under a
 * condition, where its every action must support the keys; unconditioned, it grants whatever
 * matches on the resources named, which there is nothing to check against.
 */
export function statementProblems(statement: Statement): string[] {
    const problems: string[] = [];
    const resources = listOf(statement.Resource).map((resource) => ARN_PLACEHOLDERS[resource] ?? resource);
    const conditionKeys = Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block));
    for (const action of listOf(statement.Action)) {
        const [prefix = "", name = ""] = action.split(":");
        const service = SERVICE_AUTHORIZATION[prefix];
        if (!service) {
            problems.push(
                `${action}: no reference for the service ${prefix} in test/docs/service-authorization.ts`,
            );
            continue;
        }
        const names = name.includes("*") ? (statement.Condition ? service.wildcards?.[action] : []) : [name];
        if (!names) {
            problems.push(
                `${action} is under a condition: list the actions it grants (${service.page}) in test/docs/service-authorization.ts`,
            );
            continue;
        }
        for (const granted of names) {
            const reference = service.actions[granted];
            if (!reference) {
                problems.push(
                    `${prefix}:${granted} is not in test/docs/service-authorization.ts (see ${service.page})`,
                );
                continue;
            }
            const label = `${prefix}:${granted}`;
            problems.push(...resourceProblems(label, reference, service.resourceTypes, statement, resources));
            for (const key of conditionKeys) {
                if (!hasConditionKey(reference, key)) {
                    problems.push(
                        `${label} has no condition key ${key}, so the statement never allows it (see ${service.page})`,
                    );
                }
            }
        }
    }
    return problems;
}

function resourceProblems(
    action: string,
    reference: ActionReference,
    arnFormats: Readonly<Record<string, readonly string[]>>,
    statement: Statement,
    resources: readonly string[],
): string[] {
    // Trust and key policies name no Resource: the role or key they belong to is the resource.
    if (statement.Resource === undefined || resources.includes("*")) return [];
    if (reference.resourceTypes.length === 0) {
        return [
            `${action} has no resource type, so only "Resource": "*" grants it, not ${resources.join(", ")}`,
        ];
    }
    const formats = reference.resourceTypes.flatMap((type) => arnFormats[type] ?? []);
    return resources
        .filter((resource) => !formats.some((format) => templateMatches(format, resource)))
        .map(
            (resource) =>
                `${action} cannot be scoped to ${resource}: its resource types are ${reference.resourceTypes.join(", ")}`,
        );
}

/** Condition keys are case-insensitive in IAM. */
function hasConditionKey(reference: ActionReference, key: string): boolean {
    return (
        key.toLowerCase().startsWith("aws:") ||
        reference.conditionKeys.some((documented) => templateMatches(documented, key))
    );
}

/** Whether a reference template (`${Name}`, or S3's `<key>`, stands for any text) covers a value. */
function templateMatches(template: string, value: string): boolean {
    const pattern = template
        .split(/\$\{[^}]+\}|<[^>]+>/)
        .map((literal) => literal.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&"))
        .join(".+");
    return new RegExp(`^${pattern}$`, "i").test(value);
}

function listOf(value: string | readonly string[] | undefined): readonly string[] {
    return value === undefined ? [] : typeof value === "string" ? [value] : value;
}
