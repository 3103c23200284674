import type { LocalFunction } from "../lambda/local-function";
import type { LocalStack } from "../stack";
import { startLocalAwsEndpoint } from "./aws-endpoint";
import { LocalExportService } from "./export-service";
import { LocalStateMachineRunner } from "./state-machine-runner";

const STATE_MACHINE = "aws:sfn/stateMachine:StateMachine";
const TABLE = "aws:dynamodb/table:Table";

/** The program's backfill from exports, running on the local stack. */
export type RunningExportBackfill = {
    /** Where the SDK clients of `npm run backfill -- --local --from-export` send Step Functions and DynamoDB calls. */
    readonly endpoint: string;
    readonly stateMachineArn: string;
    readonly bucket: string;
    readonly runner: LocalStateMachineRunner;
    readonly maxConcurrency: number;
    stop(): Promise<void>;
};

export type ExportBackfillOptions = {
    /** Items per data file of a local export (default 1,000: many files from a modest table). */
    readonly itemsPerFile?: number;
    /** Receives every line the backfill function logs. */
    readonly onFunctionLog?: (line: string) => void;
};

/**
 * Runs the backfill state machine the program declared, when it declared one: its definition is
 * interpreted by the local runner (which refuses what it does not implement), every child
 * workflow invokes the program's backfill function in a Lambda-like process of its own (at most
 * the map's MaxConcurrency of them, reused warm), and exports of DynamoDB Local's tables are
 * written to s3rver in DynamoDB's layout. With IAM enforced, the endpoint authorizes the
 * operator's Step Functions and export calls, and the runner each invocation as the state
 * machine's role. Returns undefined when the program declared no state
 * machine (pointInTimeRecovery off).
 */
export async function startExportBackfill(
    stack: LocalStack,
    options: ExportBackfillOptions = {},
): Promise<RunningExportBackfill | undefined> {
    const machine = stack.run.resources.find((resource) => resource.type === STATE_MACHINE);
    if (!machine) return undefined;
    const definition = JSON.parse(String(machine.inputs.definition)) as Record<string, unknown>;
    const functionsByArn = new Map(
        stack.deployment.functions.map((fn) => [String(fn.resource.state.arn), fn.resource.name]),
    );
    const idle = new Map<string, LocalFunction[]>();
    const all: LocalFunction[] = [];
    const invoke = async (functionArn: string, payload: unknown) => {
        const declared = functionsByArn.get(functionArn);
        if (!declared)
            throw new Error(`The state machine invokes ${functionArn}, which the program did not declare.`);
        const pool = idle.get(functionArn) ?? [];
        idle.set(functionArn, pool);
        const environment =
            pool.pop() ??
            stack.createFunction({
                declared,
                ...(options.onFunctionLog ? { onLog: options.onFunctionLog } : {}),
            });
        if (!all.includes(environment)) all.push(environment);
        try {
            return await environment.invoke(payload);
        } finally {
            pool.push(environment);
        }
    };
    // The state machine reads the manifest and writes the map's results with its own role.
    const roleName = String(machine.inputs.roleArn).split("/").at(-1) ?? "";
    const asStateMachine = stack.clientsAs(roleName);
    const access = stack.access;
    const runner = new LocalStateMachineRunner({
        stateMachineArn: String(machine.state.arn),
        definition,
        s3: asStateMachine.s3,
        invoke,
        // It invokes the function as its role, as Step Functions does.
        ...(access ? { authorize: (call) => access.authorizeAs(roleName, call) } : {}),
    });
    const pointInTimeRecovery = new Map(
        stack.run.resources
            .filter((resource) => resource.type === TABLE)
            .map((table) => [
                String(table.state.name),
                (table.inputs.pointInTimeRecovery as { enabled?: boolean } | undefined)?.enabled === true,
            ]),
    );
    const exports = new LocalExportService({
        dynamodb: stack.clients.dynamodb,
        s3: stack.clients.s3,
        pointInTimeRecovery,
        itemsPerFile: options.itemsPerFile ?? 1000,
    });
    const endpoint = await startLocalAwsEndpoint({
        runner,
        exports,
        // The operator's other DynamoDB calls pass the IAM gate, as its export calls would on AWS.
        dynamodbEndpoint: access?.endpoints.dynamodb ?? stack.dynamodbServer.endpoint,
        ...(access ? { authorize: access.authorize } : {}),
    });
    const map = Object.values(definition.States as Record<string, Record<string, unknown>>).find(
        (state) => state.Type === "Map",
    );
    return {
        endpoint: endpoint.endpoint,
        stateMachineArn: runner.stateMachineArn,
        bucket: String(
            (map?.ItemReader as { Parameters?: { Bucket?: string } } | undefined)?.Parameters?.Bucket ?? "",
        ),
        runner,
        maxConcurrency: Number(map?.MaxConcurrency ?? 1),
        stop: async () => {
            await endpoint.stop();
            await Promise.all(all.map((fn) => fn.stop()));
            if (asStateMachine !== stack.clients)
                Object.values(asStateMachine).forEach((client) => client.destroy());
        },
    };
}
