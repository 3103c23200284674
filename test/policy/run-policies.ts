import * as pulumi from "@pulumi/pulumi";
import type {
    Policies,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    StackValidationArgs,
} from "@pulumi/policy";
import type { DeclaredResource } from "../../local/program";

/**
 * The policy server's own handling of unknown values (not in @pulumi/policy's typings): it wraps
 * every resource's properties in a proxy that throws UnknownValueError when a rule reads an unknown
 * one, and reports that rule as "can't run during preview" (advisory) instead of running it.
 */
const policyProxy = require("@pulumi/policy/proxy") as {
    unknownCheckingProxy<T extends object>(props: T): T;
    UnknownValueError: new (...args: never[]) => Error;
    unknownStringValue: string;
};

/** A violation a policy reported, and where. */
export type Violation = { readonly policy: string; readonly resource: string; readonly message: string };

/** What running a pack's policies over a stack's resources found. */
export type PolicyRun = {
    readonly violations: readonly Violation[];
    /** Per policy, how many resources (or stacks) it applied to; 0 means it checked nothing. */
    readonly applied: ReadonlyMap<string, number>;
    /**
     * The rules that read a value a preview cannot know, per resource (or "(stack)"): the engine
     * reports them as "can't run during preview", an advisory, so they enforce nothing there.
     */
    readonly skipped: readonly Violation[];
};

/** Thrown by `notApplicable`, as the policy server's own NotApplicableError is. */
class NotApplicable extends Error {}

type ResourceClass = { __pulumiType?: string; isInstance?: (value: unknown) => boolean };

/** How the policy server tells a resource's type: by the class's Pulumi type token. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
    const token = (resourceClass as ResourceClass).__pulumiType;
    return token !== undefined ? token === type : false;
}

/** A resource's properties as the policy server passes them: unknown values as its sentinels, behind its proxy. */
function policyProps(props: Record<string, unknown>): Record<string, unknown> {
    const withSentinels = (value: unknown): unknown => {
        if (pulumi.isUnknown(value)) return policyProxy.unknownStringValue;
        if (Array.isArray(value)) return value.map(withSentinels);
        if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
            return Object.fromEntries(
                Object.entries(value).map(([key, inner]) => [key, withSentinels(inner)]),
            );
        }
        return value;
    };
    return policyProxy.unknownCheckingProxy(withSentinels(props) as Record<string, unknown>);
}

function optionsOf(resource: DeclaredResource) {
    return {
        protect: resource.options.protect,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
    };
}

/**
 * Runs policies in-process as the Pulumi engine and policy server would: each resource policy
 * sees every resource's inputs (as just before it is created or updated), each stack policy sees
 * every resource's outputs with their property dependencies. Values a preview cannot know
 * (`pulumi.unknown`, see `runProgram`'s `new-stack-preview` mode) reach the rules as the server
 * passes them, so a rule that reads one is reported as skipped, not as applied. A policy that calls
 * `notApplicable` for a resource does not count as applied.
 */
export async function runPolicies(
    policies: Policies,
    resources: readonly DeclaredResource[],
): Promise<PolicyRun> {
    const violations: Violation[] = [];
    const skipped: Violation[] = [];
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
                const props = policyProps(resource.inputs);
                const args: ResourceValidationArgs = {
                    type: resource.type,
                    props,
                    urn: resource.urn,
                    name: resource.name,
                    opts: optionsOf(resource),
                    stackTags: new Map(),
                    isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
                    asType: ((resourceClass: unknown) =>
                        isTypeOf(resource.type, resourceClass)
                            ? props
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
                        if (error instanceof policyProxy.UnknownValueError) {
                            skipped.push({
                                policy: policy.name,
                                resource: resource.name,
                                message: error.message,
                            });
                        } else if (!(error instanceof NotApplicable)) throw error;
                    }
                }
                if (appliedHere) count(policy.name);
            }
        }
        if ("validateStack" in policy) {
            const byUrn = new Map<string, PolicyResource>();
            const policyResources: PolicyResource[] = resources.map((resource) => {
                const props = policyProps(resource.state);
                const policyResource: PolicyResource = {
                    type: resource.type,
                    props,
                    urn: resource.urn,
                    name: resource.name,
                    opts: optionsOf(resource),
                    dependencies: [],
                    propertyDependencies: {},
                    isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
                    asType: ((resourceClass: unknown) =>
                        isTypeOf(resource.type, resourceClass)
                            ? props
                            : undefined) as PolicyResource["asType"],
                };
                byUrn.set(resource.urn, policyResource);
                return policyResource;
            });
            // As the server does, dependencies name the resources themselves. Only property
            // dependencies are recorded here, so `dependencies` is their union (no dependsOn).
            resources.forEach((resource, index) => {
                const policyResource = policyResources[index]!;
                for (const [input, urns] of Object.entries(resource.propertyDependencies)) {
                    const sources = urns.flatMap((urn) => byUrn.get(urn) ?? []);
                    policyResource.propertyDependencies[input] = sources;
                    for (const source of sources)
                        if (!policyResource.dependencies.includes(source))
                            policyResource.dependencies.push(source);
                }
            });
            const args: StackValidationArgs = {
                resources: policyResources,
                stackTags: new Map(),
                getConfig: <T extends object>() => ({}) as T,
                notApplicable,
            };
            const reportViolation: ReportViolation = (message, urn) =>
                violations.push({
                    policy: policy.name,
                    resource: (urn && byUrn.get(urn)?.name) ?? "(stack)",
                    message,
                });
            try {
                await policy.validateStack(args, reportViolation);
                count(policy.name);
            } catch (error) {
                if (error instanceof policyProxy.UnknownValueError) {
                    skipped.push({ policy: policy.name, resource: "(stack)", message: error.message });
                } else if (!(error instanceof NotApplicable)) throw error;
            }
        }
    }
    return { violations, applied, skipped };
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
        const inputs = copyOf(resource.inputs);
        const state = copyOf(resource.state);
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

/** A deep copy of plain properties that keeps `pulumi.unknown` values what they are. */
function copyOf(props: Record<string, unknown>): Record<string, unknown> {
    const copy = (value: unknown): unknown => {
        if (pulumi.isUnknown(value)) return value;
        if (Array.isArray(value)) return value.map(copy);
        if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
            return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, copy(inner)]));
        }
        return value;
    };
    return copy(props) as Record<string, unknown>;
}
