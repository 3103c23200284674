import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_ROOT, readStackConfigFile } from "../stack-access/project";

export { PROJECT_ROOT };

export const PROJECT_NAME = "ddb-changefeed";
/** The account every ARN of a local run is in. */
export const LOCAL_ACCOUNT_ID = "000000000000";

/** A resource the program declared, with the inputs it was given (Outputs resolved). */
export type DeclaredResource = {
    readonly type: string;
    readonly name: string;
    /** The URN the engine gives it (its parents' types included). */
    readonly urn: string;
    /** In a preview, an input computed from another resource is `pulumi.unknown`. */
    readonly inputs: Record<string, unknown>;
    /** The state the mock engine answered with: physical names and ARNs the program then used. */
    readonly state: Record<string, unknown>;
    /** The resource options the engine records for it, as far as the checks read them. */
    readonly options: { readonly protect: boolean; readonly retainOnDelete: boolean };
    /** Per input, the URNs of the resources its value came from (what policies see as propertyDependencies). */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
};

/** How the mock engine answers: as `pulumi up` (every value known), or as `pulumi preview` of a stack with no resources yet. */
export type ProgramRunMode = "update" | "new-stack-preview";

/** What running index.ts under Pulumi's mock engine produced. */
export type ProgramRun = {
    readonly stack: string;
    readonly config: Record<string, string>;
    readonly resources: readonly DeclaredResource[];
    readonly outputs: Record<string, unknown>;
};

/**
 * Reads `stacks/Pulumi.<stack>.yaml` into the flat `namespace:key` → string map Pulumi's runtime
 * holds (numbers and booleans as text, objects as JSON).
 *
 * @throws {Error} naming the file when the stack has no config file
 */
export function readStackConfig(stack: string): Record<string, string> {
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(readStackConfigFile(stack))) {
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return config;
}

/**
 * Answers a data-source call the program makes (`aws.dynamodb.getTable`, ...), as the provider
 * would on AWS: with the data source's outputs, or by throwing the provider's error.
 */
export type InvokeAnswer = (token: string, args: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** The data source that reads an existing source table. */
export const GET_TABLE_TOKEN = "aws:dynamodb/getTable:getTable";

/** How a run answers: as `pulumi up` or a preview, and the program's data-source calls. */
export type MockOptions = {
    /** `update` (default) or `new-stack-preview`. */
    readonly mode?: ProgramRunMode;
    /** Answers the program's data-source calls (default: none may be made). */
    readonly invoke?: InvokeAnswer;
};

/** Pulumi's mock engine, set up for one stack, recording what a program declares. */
export type MockEngine = {
    /** Filled in by `settle`: every resource declared, with what the engine learned of it. */
    readonly resources: DeclaredResource[];
    /**
     * Resolves each output (to `pulumi.unknown` where a preview cannot know it) once the program's
     * registrations have all reached the engine; rejects with the error of a registration that
     * failed (e.g. closure serialization).
     */
    settle(outputs: Record<string, unknown>): Promise<Record<string, unknown>>;
};

/**
 * Sets Pulumi's mock engine up for a stack: physical names are `<logical name>-<stack>`, ARNs
 * are in the stack's region and a local account, and data-source calls go to `options.invoke`.
 * Declare resources after this call (require the program, or construct a component).
 *
 * In `new-stack-preview` mode the engine answers as a preview of a stack that has no resources
 * yet: nothing a provider computes (IDs, ARNs, stream ARNs) is known, so every input built from
 * one is `pulumi.unknown`, as policies see it on a new stack's first `pulumi preview`.
 */
export function installMocks(
    stack: string,
    config: Record<string, string>,
    options: MockOptions = {},
): MockEngine {
    const region = config["aws:region"] ?? "us-east-1";
    const declared: Omit<DeclaredResource, "urn" | "options" | "propertyDependencies">[] = [];
    const preview = options.mode === "new-stack-preview";
    const invoke = options.invoke ?? noDataSources;

    pulumi.runtime.setMocks(
        {
            newResource: async (args) => {
                const state = preview
                    ? { ...args.inputs }
                    : mockState(args.type, args.name, args.inputs, stack, region);
                declared.push({ type: args.type, name: args.name, inputs: args.inputs, state });
                // No ID in a preview: the engine then treats every output not in `state` as unknown.
                return { id: preview ? undefined : String(state.id), state };
            },
            call: async (args) => invoke(args.token, args.inputs as Record<string, unknown>),
        },
        PROJECT_NAME,
        stack,
        preview,
    );
    pulumi.runtime.setAllConfig(config);
    const registrations = recordRegistrations();
    const resources: DeclaredResource[] = [];

    return {
        resources,
        settle: async (outputs) => {
            // A failure inside resource registration surfaces only as an unhandled rejection;
            // without this the outputs would never settle.
            let lastRejectionAt = Date.now();
            let failRegistration: (reason: unknown) => void = () => undefined;
            const onRejection = (reason: unknown): void => {
                lastRejectionAt = Date.now();
                failRegistration(reason);
            };
            const registrationFailed = new Promise<never>((_, reject) => {
                failRegistration = reject;
                process.on("unhandledRejection", onRejection);
            });
            try {
                const settled: Record<string, unknown> = {};
                for (const [name, value] of Object.entries(outputs)) {
                    settled[name] = pulumi.Output.isInstance(value)
                        ? await Promise.race([settle(value), registrationFailed])
                        : value;
                }
                // Resources no output depends on (the alarms), and components' outputs, may still
                // be registering; the next mocks must not receive them.
                await Promise.race([waitForRegistrations(), registrationFailed]);
                resources.length = 0;
                for (const resource of declared) {
                    const registration = registrations.get(`${resource.type}::${resource.name}`);
                    if (!registration)
                        throw new Error(`${resource.type} ${resource.name} was never registered.`);
                    resources.push({ ...resource, ...registration });
                }
                return settled;
            } catch (error) {
                // Registrations that depend on the failed value fail too, some later (a function's
                // code is serialized first): wait for them while still listening, so that their
                // rejections do not surface in whatever runs next.
                await Promise.race([
                    waitForRegistrations().catch(() => undefined),
                    untilQuiet(() => lastRejectionAt, { quietMs: 2_000, maxMs: 15_000 }),
                ]);
                throw error;
            } finally {
                process.off("unhandledRejection", onRejection);
            }
        },
    };
}

/**
 * Runs the real program (index.ts) under Pulumi's mock engine and records every resource it
 * declares. Physical names are `<logical name>-<stack>`, so local stacks do not collide.
 *
 * @param stack - a stack with a config file in stacks/
 * @param overrides - config to set on top of the stack file, as `namespace:key` → raw string
 * @param options - `mode` (`update` or `new-stack-preview`) and the `invoke` answer for data sources
 * @throws whatever the program throws, e.g. a ConfigError for invalid config
 */
export async function runProgram(
    stack: string,
    overrides: Record<string, string> = {},
    options: MockOptions = {},
): Promise<ProgramRun> {
    const config = { ...readStackConfig(stack), ...overrides };
    const engine = installMocks(stack, config, options);
    forgetProgramModules();
    const program = require(path.join(PROJECT_ROOT, "index")) as Record<string, unknown>;
    const outputs = await engine.settle(program);
    return { stack, config, resources: engine.resources, outputs };
}

/** The default answer: a run with no servers behind it cannot read anything that exists. */
async function noDataSources(token: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    throw new Error(
        `The program called ${token} (${JSON.stringify(args)}), but this run answers no data-source calls; ` +
            `pass an InvokeAnswer to runProgram.`,
    );
}

/** Finds the one declared resource of a type and logical name. */
export function findResource(run: ProgramRun, type: string, name: string): DeclaredResource {
    const found = run.resources.find((resource) => resource.type === type && resource.name === name);
    if (!found) {
        const declared = run.resources.map((resource) => `${resource.type} ${resource.name}`);
        throw new Error(`The program declared no ${type} named ${name}; it declared: ${declared.join("; ")}`);
    }
    return found;
}

/**
 * The environment the program sets on its handler function: the deployed function's settings
 * (readSettings in handler/settings.ts reads them), with the mock engine's physical names.
 */
export function declaredFunctionEnvironment(run: ProgramRun): Record<string, string> {
    const inputs = findResource(run, "aws:lambda/function:Function", "changefeed-handler").inputs as {
        environment?: { variables?: Record<string, string> };
    };
    return { ...inputs.environment?.variables };
}

function mockState(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    stack: string,
    region: string,
): Record<string, unknown> {
    const physicalName = `${name}-${stack}`;
    const arn = (service: string, resource: string): string =>
        `arn:aws:${service}:${region}:${LOCAL_ACCOUNT_ID}:${resource}`;
    switch (type) {
        case "aws:dynamodb/table:Table":
            return {
                ...inputs,
                id: physicalName,
                name: physicalName,
                arn: arn("dynamodb", `table/${physicalName}`),
                ...(inputs.streamEnabled
                    ? {
                          streamArn: arn("dynamodb", `table/${physicalName}/stream/local`),
                          streamLabel: "local",
                      }
                    : {}),
            };
        case "aws:s3/bucket:Bucket":
            return { ...inputs, id: physicalName, bucket: physicalName, arn: `arn:aws:s3:::${physicalName}` };
        case "aws:cloudwatch/logGroup:LogGroup": {
            const logGroupName = `${String(inputs.namePrefix ?? "")}${stack}`;
            return {
                ...inputs,
                id: logGroupName,
                name: logGroupName,
                arn: arn("logs", `log-group:${logGroupName}`),
            };
        }
        case "aws:iam/role:Role":
            return {
                ...inputs,
                id: physicalName,
                name: physicalName,
                arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${physicalName}`,
            };
        case "aws:lambda/function:Function":
            return {
                ...inputs,
                id: physicalName,
                name: physicalName,
                arn: arn("lambda", `function:${physicalName}`),
            };
        case "aws:sns/topic:Topic":
            return {
                ...inputs,
                id: arn("sns", physicalName),
                name: physicalName,
                arn: arn("sns", physicalName),
            };
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
            return {
                ...inputs,
                id: physicalName,
                name: physicalName,
                arn: arn("cloudwatch", `alarm:${physicalName}`),
            };
        case "aws:sfn/stateMachine:StateMachine":
            return {
                ...inputs,
                id: arn("states", `stateMachine:${physicalName}`),
                name: physicalName,
                arn: arn("states", `stateMachine:${physicalName}`),
            };
        case "aws:lambda/eventSourceMapping:EventSourceMapping":
            return { ...inputs, id: physicalName, uuid: `${physicalName}-uuid` };
        default:
            return { ...inputs, id: physicalName, name: physicalName };
    }
}

/** Program modules are cached by `require`; drop them so the next run declares its resources again. */
function forgetProgramModules(): void {
    for (const file of Object.keys(require.cache)) {
        const inProject =
            file.startsWith(PROJECT_ROOT + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`);
        const isProgram =
            inProject &&
            !file.startsWith(path.join(PROJECT_ROOT, "local") + path.sep) &&
            !file.startsWith(path.join(PROJECT_ROOT, "test") + path.sep);
        if (isProgram) delete require.cache[file];
    }
}

/** What the engine learns of each resource besides its inputs, by `<type>::<name>`. */
type Registration = Pick<DeclaredResource, "urn" | "options" | "propertyDependencies">;

type RegisterRequest = {
    getType(): string;
    getName(): string;
    getProtect(): boolean | undefined;
    getRetainondelete(): boolean | undefined;
    getPropertydependenciesMap(): {
        forEach(visit: (dependencies: { getUrnsList(): string[] }, input: string) => void): void;
    };
};
type RegisterCallback = (error: unknown, response?: { getUrn(): string }) => void;
type MockMonitor = { registerResource(request: RegisterRequest, callback: RegisterCallback): void };

/**
 * Records each registration's URN, options and property dependencies, which the mocks API does
 * not pass to `newResource`, by wrapping the mock monitor that `setMocks` installed.
 */
function recordRegistrations(): Map<string, Registration> {
    const registrations = new Map<string, Registration>();
    const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (request, callback) =>
        register(request, (error, response) => {
            if (response) {
                const propertyDependencies: Record<string, string[]> = {};
                request.getPropertydependenciesMap().forEach((dependencies, input) => {
                    propertyDependencies[input] = dependencies.getUrnsList();
                });
                registrations.set(`${request.getType()}::${request.getName()}`, {
                    urn: response.getUrn(),
                    options: {
                        protect: request.getProtect() === true,
                        retainOnDelete: request.getRetainondelete() === true,
                    },
                    propertyDependencies,
                });
            }
            callback(error, response);
        });
    return registrations;
}

/** Waits until the runtime has no call to the engine in flight (not in the SDK's typings; every runtime has it). */
/**
 * Resolves once `lastEventAt` is `quietMs` in the past (no new rejection arrived), or after `maxMs`:
 * registrations that wait on a failed value never finish, so waiting for all of them would hang.
 */
async function untilQuiet(
    lastEventAt: () => number,
    { quietMs, maxMs }: { readonly quietMs: number; readonly maxMs: number },
): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (Date.now() < deadline && Date.now() - lastEventAt() < quietMs) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

function waitForRegistrations(): Promise<void> {
    return (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

/** An output's value, or `pulumi.unknown` when a preview cannot know it (apply never runs then). */
async function settle<T>(output: pulumi.Output<T>): Promise<T | typeof pulumi.unknown> {
    // `isKnown` is not in the SDK's typings, but every Output has it.
    const known = await (output as unknown as { isKnown: Promise<boolean> }).isKnown;
    if (!known) return pulumi.unknown;
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}
