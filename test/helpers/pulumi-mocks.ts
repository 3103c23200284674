import * as pulumi from "@pulumi/pulumi";
import { ChangeFeed } from "../../infra/change-feed";
import { readConfig } from "../../infra/config";
import {
    GET_TABLE_TOKEN,
    installMocks,
    PROJECT_NAME,
    readStackConfig,
    type DeclaredResource,
    type InvokeAnswer,
    type MockEngine,
} from "../../local/program";

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

/** A single-table design as teams have it: pk (S) + sk (S), its stream on with both images. */
export const SINGLE_TABLE_DESIGN: ExistingTable = {
    hashKey: "pk",
    rangeKey: "sk",
    attributes: [
        { name: "pk", type: "S" },
        { name: "sk", type: "S" },
    ],
    streamViewType: "NEW_AND_OLD_IMAGES",
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

/** The URN the engine gave a resource. */
export function resolveUrn(resource: pulumi.Resource): Promise<string> {
    return new Promise((resolve) => resource.urn.apply(resolve));
}

/**
 * The mock engine's record of a resource the test holds (a component's field, say): its inputs,
 * state and options, found by the URN the engine gave it. Call once the engine has settled.
 */
export async function declaredOf(engine: MockEngine, resource: pulumi.Resource): Promise<DeclaredResource> {
    const urn = await resolveUrn(resource);
    const found = engine.resources.find((declared) => declared.urn === urn);
    if (!found) throw new Error(`${urn} is not among the resources the engine settled.`);
    return found;
}

/**
 * The mock engine's records of the resources a component declared directly under itself, for the
 * children it keeps to itself (a SecureBucket's guardrails are not fields). Needs the
 * registrations recorded from the start, as `declareStackFeed` does.
 */
export async function childrenOf(
    engine: MockEngine,
    registrations: readonly Registration[],
    component: pulumi.ComponentResource,
): Promise<DeclaredResource[]> {
    const parentUrn = await resolveUrn(component);
    // By type and name, as the engine keys its own records: the mock engine's URN of a grandchild
    // leaves the grandparent's type out of the chain, so it differs from `registration.urn`.
    const children = new Set(
        registrations
            .filter((registration) => registration.parentUrn === parentUrn)
            .map((registration) => `${registration.type}::${registration.name}`),
    );
    return engine.resources.filter((declared) => children.has(`${declared.type}::${declared.name}`));
}

/** A stack's change feed, declared under the mock engine and settled. */
export type DeclaredStackFeed = {
    readonly feed: ChangeFeed;
    readonly engine: MockEngine;
    /** The raw config the runtime held: the stack file, with the test's overrides on top. */
    readonly config: Readonly<Record<string, string>>;
    /** Every registration, with its parent, for `childrenOf`. */
    readonly registrations: readonly Registration[];
};

/**
 * Declares a ChangeFeed under the mock engine with a stack's effective config, read and validated
 * by `readConfig()` exactly as index.ts does, and waits until the engine has every resource.
 * The feed is named "changefeed", as in index.ts, so physical names, the handler's service name and
 * the dashboard's name are the deployed stack's.
 *
 * @param overrides - config on top of the stack file, as `namespace:key` → raw string
 * @throws {ConfigError} when the config is invalid, as `pulumi up` would
 */
export async function declareStackFeed(
    stack: string,
    overrides: Record<string, string> = {},
): Promise<DeclaredStackFeed> {
    const config = { ...readStackConfig(stack), ...overrides };
    const engine = installMocks(stack, config);
    const registrations = recordRegistrations(stack, PROJECT_NAME);
    const feed = new ChangeFeed("changefeed", readConfig());
    // Settling waits for every registration in flight, the alarms and guardrails included.
    await engine.settle({ feed: feed.urn });
    return { feed, engine, config, registrations };
}
