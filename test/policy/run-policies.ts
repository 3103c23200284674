import type {
    Policies,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    StackValidationArgs,
} from "@pulumi/policy";
import type { DeclaredResource } from "../../local/program";

/** A violation a policy reported, and where. */
export type Violation = { readonly policy: string; readonly resource: string; readonly message: string };

/** What running a pack's policies over a stack's resources found. */
export type PolicyRun = {
    readonly violations: readonly Violation[];
    /** Per policy, how many resources (or stacks) it applied to; 0 means it checked nothing. */
    readonly applied: ReadonlyMap<string, number>;
};

/** Thrown by `notApplicable`, as the policy server's own NotApplicableError is. */
class NotApplicable extends Error {}

type ResourceClass = { __pulumiType?: string; isInstance?: (value: unknown) => boolean };

/** How the policy server tells a resource's type: by the class's Pulumi type token. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
    const token = (resourceClass as ResourceClass).__pulumiType;
    return token !== undefined ? token === type : false;
}

function urnOf(stack: string, resource: DeclaredResource): string {
    return `urn:pulumi:${stack}::ddb-changefeed::${resource.type}::${resource.name}`;
}

const noOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

/**
 * Runs policies in-process as the Pulumi engine would during a preview: each resource policy
 * sees every resource's inputs, each stack policy sees every resource's outputs (the mock
 * engine's state). A policy that calls `notApplicable` for a resource does not count as applied.
 */
export async function runPolicies(
    policies: Policies,
    stack: string,
    resources: readonly DeclaredResource[],
): Promise<PolicyRun> {
    const violations: Violation[] = [];
    const applied = new Map<string, number>();
    const count = (policy: string) => applied.set(policy, (applied.get(policy) ?? 0) + 1);
    const notApplicable = (reason?: string): never => {
        throw new NotApplicable(reason);
    };

    for (const policy of policies) {
        applied.set(policy.name, 0);
        if ("validateResource" in policy && policy.validateResource) {
            const validations = [policy.validateResource].flat();
            for (const resource of resources) {
                const reportViolation: ReportViolation = (message) =>
                    violations.push({ policy: policy.name, resource: resource.name, message });
                const args: ResourceValidationArgs = {
                    type: resource.type,
                    props: resource.inputs,
                    urn: urnOf(stack, resource),
                    name: resource.name,
                    opts: noOptions,
                    stackTags: new Map(),
                    isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
                    asType: ((resourceClass: unknown) =>
                        isTypeOf(resource.type, resourceClass)
                            ? resource.inputs
                            : undefined) as ResourceValidationArgs["asType"],
                    getConfig: <T extends object>() => ({}) as T,
                    notApplicable,
                };
                let appliedHere = false;
                for (const validate of validations) {
                    try {
                        await validate(args, reportViolation);
                        appliedHere = true;
                    } catch (error) {
                        if (!(error instanceof NotApplicable)) throw error;
                    }
                }
                if (appliedHere) count(policy.name);
            }
        }
        if ("validateStack" in policy) {
            const policyResources: PolicyResource[] = resources.map((resource) => ({
                type: resource.type,
                props: resource.state,
                urn: urnOf(stack, resource),
                name: resource.name,
                opts: noOptions,
                dependencies: [],
                propertyDependencies: {},
                isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
                asType: ((resourceClass: unknown) =>
                    isTypeOf(resource.type, resourceClass)
                        ? resource.state
                        : undefined) as PolicyResource["asType"],
            }));
            const byUrn = new Map(policyResources.map((resource) => [resource.urn, resource.name]));
            const args: StackValidationArgs = {
                resources: policyResources,
                stackTags: new Map(),
                getConfig: <T extends object>() => ({}) as T,
                notApplicable,
            };
            const reportViolation: ReportViolation = (message, urn) =>
                violations.push({
                    policy: policy.name,
                    resource: (urn && byUrn.get(urn)) ?? "(stack)",
                    message,
                });
            try {
                await policy.validateStack(args, reportViolation);
                count(policy.name);
            } catch (error) {
                if (!(error instanceof NotApplicable)) throw error;
            }
        }
    }
    return { violations, applied };
}

/**
 * The stack with one resource changed: `change` edits a copy of its inputs and, identically, of
 * its outputs (so resource and stack policies both see the change).
 */
export function withChanged(
    resources: readonly DeclaredResource[],
    type: string,
    name: string,
    change: (props: Record<string, unknown>) => void,
): DeclaredResource[] {
    let found = false;
    const changed = resources.map((resource) => {
        if (resource.type !== type || resource.name !== name) return resource;
        found = true;
        const inputs = structuredClone(resource.inputs);
        const state = structuredClone(resource.state);
        change(inputs);
        change(state);
        return { ...resource, inputs, state };
    });
    if (!found) throw new Error(`No ${type} named ${name} to change.`);
    return changed;
}

/** The stack without one resource. */
export function without(
    resources: readonly DeclaredResource[],
    type: string,
    name: string,
): DeclaredResource[] {
    const kept = resources.filter((resource) => resource.type !== type || resource.name !== name);
    if (kept.length === resources.length) throw new Error(`No ${type} named ${name} to remove.`);
    return kept;
}

/** The stack with one more resource, at the root of the stack unless `urn` says otherwise. */
export function withAdded(
    resources: readonly DeclaredResource[],
    resource: Pick<DeclaredResource, "type" | "name" | "inputs"> & Partial<DeclaredResource>,
): DeclaredResource[] {
    const stackAndProject = (resources[0]?.urn ?? "urn:pulumi:stack::ddb-changefeed")
        .split("::", 2)
        .join("::");
    return [
        ...resources,
        {
            urn: `${stackAndProject}::${resource.type}::${resource.name}`,
            state: { ...resource.inputs, id: resource.name },
            options: { protect: false, retainOnDelete: false },
            propertyDependencies: {},
            ...resource,
        },
    ];
}
