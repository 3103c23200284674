import { policyBlocks, type PolicyBlock, type Statement } from "../../local/iam/policy-blocks";
import { templateMatches } from "../../local/iam/service-reference";
import {
    actionReference,
    actionsOfWildcard,
    referencePages,
    serviceExists,
    type ActionReference,
} from "./service-authorization";

export { policyBlocks, type PolicyBlock, type Statement };

/** Placeholders the docs write for an ARN the reader fills in, as an ARN of the kind they stand for. */
const ARN_PLACEHOLDERS: Readonly<Record<string, string>> = {
    "<kmsKeyArn>": "arn:aws:kms:<region>:<account>:key/<key id>",
};

/**
 * What is wrong with a statement, judged against the Service Authorization Reference: an action
 * that does not exist, an action without a resource type granted on anything but `"*"` (IAM then
 * never allows it), an ARN that is none of the action's resource types, or a condition key the
 * action does not have (the condition then never matches, so the statement never allows the
 * action). Global `aws:*` keys apply to every action. A wildcard action is expanded only under a
 * condition, where its every action must support the keys; unconditioned, it grants whatever
 * matches on the resources named, which there is nothing to check against.
 */
export async function statementProblems(statement: Statement): Promise<string[]> {
    const problems: string[] = [];
    const resources = listOf(statement.Resource).map((resource) => ARN_PLACEHOLDERS[resource] ?? resource);
    const conditionKeys = Object.values(statement.Condition ?? {}).flatMap((block) => Object.keys(block));
    for (const action of listOf(statement.Action)) {
        const [prefix = "", name = ""] = action.split(":");
        const { page } = referencePages(prefix);
        if (!(await serviceExists(prefix))) {
            problems.push(`${action}: the Service Authorization Reference has no service ${prefix}`);
            continue;
        }
        const names = name.includes("*")
            ? statement.Condition
                ? await actionsOfWildcard(action)
                : []
            : [name];
        for (const granted of names) {
            const reference = await actionReference(`${prefix}:${granted}`);
            if (!reference) {
                problems.push(
                    `${prefix}:${granted} is not in the Service Authorization Reference (see ${page})`,
                );
                continue;
            }
            const label = `${prefix}:${granted}`;
            problems.push(...resourceProblems(label, reference, statement, resources));
            for (const key of conditionKeys) {
                if (!hasConditionKey(reference, key)) {
                    problems.push(
                        `${label} has no condition key ${key}, so the statement never allows it (see ${page})`,
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
    return resources
        .filter((resource) => !reference.resourceTypes.some((type) => templateMatches(type.arn, resource)))
        .map(
            (resource) =>
                `${action} cannot be scoped to ${resource}: its resource types are ${reference.resourceTypes
                    .map((type) => type.name)
                    .sort()
                    .join(", ")}`,
        );
}

/**
 * Condition keys are case-insensitive in IAM. An OIDC provider's `<host>:aud` and `:sub` are
 * documented in the IAM User Guide (OIDC_FEDERATION_KEYS_PAGE), not in the reference.
 */
function hasConditionKey(reference: ActionReference, key: string): boolean {
    if (
        reference.action === "sts:AssumeRoleWithWebIdentity" &&
        /^[a-z0-9.-]+\.[a-z]+(\/[^:]*)?:(aud|sub)$/i.test(key)
    )
        return true;
    return (
        key.toLowerCase().startsWith("aws:") ||
        reference.conditionKeys.some((documented) => templateMatches(documented, key))
    );
}

function listOf(value: string | readonly string[] | undefined): readonly string[] {
    return value === undefined ? [] : typeof value === "string" ? [value] : value;
}
