import * as pulumi from "@pulumi/pulumi";
import { GET_TABLE_TOKEN, type InvokeAnswer } from "../../local/program";

/** One resource as the mock engine saw it register, with the aliases it asked for. */
export type Registration = {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly parentUrn: string;
    readonly aliasSpecs: readonly AliasSpec[];
};

/** An alias as the SDK sends it to the engine (name, type and parent default to the resource's own). */
type AliasSpec = {
    readonly name: string;
    readonly type: string;
    readonly noparent?: boolean;
    readonly parenturn?: string;
};

type RegisterRequest = {
    getType(): string;
    getName(): string;
    getParent(): string;
    getAliasesList(): { toObject(): { spec?: AliasSpec } }[];
};

/**
 * Records every resource registration from now on (call right after the mocks are installed):
 * the mock engine keeps URNs but not the aliases the engine would match old URNs against.
 */
export function recordRegistrations(stack: string, project: string): Registration[] {
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(request: RegisterRequest, callback: unknown): unknown;
    };
    const registrations: Registration[] = [];
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) => {
        registrations.push({
            type: request.getType(),
            name: request.getName(),
            parentUrn: request.getParent(),
            urn: urnOf(stack, project, request.getType(), request.getName(), request.getParent()),
            aliasSpecs: request
                .getAliasesList()
                .map((alias) => alias.toObject().spec)
                .filter((spec): spec is AliasSpec => spec !== undefined),
        });
        return register(request, callback);
    };
    return registrations;
}

/**
 * The URNs a registration answers to besides its own, as the Pulumi engine derives them: each of
 * its alias specs, and each alias of its parent with the registration's own name and type.
 */
export function aliasUrns(
    registration: Registration,
    all: readonly Registration[],
    stack: string,
    project: string,
): string[] {
    const own = registration.aliasSpecs.map((spec) =>
        urnOf(
            stack,
            project,
            spec.type || registration.type,
            spec.name || registration.name,
            spec.noparent ? "" : spec.parenturn || registration.parentUrn,
        ),
    );
    const parent = all.find((candidate) => candidate.urn === registration.parentUrn);
    const inherited = parent
        ? aliasUrns(parent, all, stack, project).map((parentAlias) =>
              urnOf(stack, project, registration.type, registration.name, parentAlias),
          )
        : [];
    return [...own, ...inherited];
}

function urnOf(stack: string, project: string, type: string, name: string, parentUrn: string): string {
    const parentType = parentUrn === "" ? "" : (parentUrn.split("::")[2] ?? "");
    // The stack resource is every resource's implicit root and never part of the type chain.
    const chain = parentType === "" || parentType === "pulumi:pulumi:Stack" ? type : `${parentType}$${type}`;
    return `urn:pulumi:${stack}::${project}::${chain}::${name}`;
}

/** A table as `aws.dynamodb.getTable` describes it, for a test's existing tables. */
export type ExistingTable = {
    readonly hashKey: string;
    readonly rangeKey?: string;
    readonly attributes: readonly { readonly name: string; readonly type: string }[];
    /** Absent: no stream. */
    readonly streamViewType?: "NEW_AND_OLD_IMAGES" | "NEW_IMAGE" | "OLD_IMAGE" | "KEYS_ONLY";
};

/**
 * Answers `aws.dynamodb.getTable` from a map of existing tables, as the provider does on AWS: a
 * name that is not there fails with the provider's "couldn't find resource".
 */
export function existingTables(tables: Record<string, ExistingTable>, region = "us-east-1"): InvokeAnswer {
    return async (token, args) => {
        if (token !== GET_TABLE_TOKEN)
            throw new Error(`This test answers only ${GET_TABLE_TOKEN}, not ${token}.`);
        const name = String(args.name);
        const table = tables[name];
        if (!table) {
            // The engine hands the SDK a gRPC error, whose text is in `details`.
            const message = `reading DynamoDB Table (${name}): couldn't find resource`;
            throw Object.assign(new Error(message), { details: message });
        }
        const arn = `arn:aws:dynamodb:${region}:123456789012:table/${name}`;
        return {
            name,
            arn,
            hashKey: table.hashKey,
            rangeKey: table.rangeKey ?? "",
            attributes: table.attributes,
            streamEnabled: table.streamViewType !== undefined,
            streamViewType: table.streamViewType ?? "",
            streamArn: table.streamViewType ? `${arn}/stream/2026-01-01T00:00:00.000` : "",
            streamLabel: table.streamViewType ? "2026-01-01T00:00:00.000" : "",
        };
    };
}
