import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { sendRefusal, type RequestAuthorizer } from "../iam/access-gate";
import { serviceError, type LocalExportService } from "./export-service";
import type { Execution, LocalStateMachineRunner, MapRun } from "./state-machine-runner";

/** An endpoint for the SDK clients of `npm run backfill -- --local --from-export`. */
export type LocalAwsEndpoint = { readonly endpoint: string; stop(): Promise<void> };

export type LocalAwsEndpointOptions = {
    readonly runner: LocalStateMachineRunner;
    readonly exports: LocalExportService;
    /** DynamoDB Local, which answers every other DynamoDB call. */
    readonly dynamodbEndpoint: string;
    /** Authorizes each call the endpoint answers itself, as the caller's key says who it is (absent: no IAM). */
    readonly authorize?: RequestAuthorizer;
};

type Body = Record<string, unknown>;
type Handler = (body: Body) => Promise<unknown> | unknown;

/** Timestamps in the AWS JSON protocols: epoch seconds. */
const seconds = (date: Date | undefined) => (date === undefined ? undefined : date.getTime() / 1000);

/** The fields DescribeExecution and ListExecutions both answer with, as Step Functions writes them. */
function executionSummary(found: Execution) {
    return {
        executionArn: found.executionArn,
        stateMachineArn: found.stateMachineArn,
        name: found.name,
        status: found.status,
        startDate: seconds(found.startDate),
        stopDate: seconds(found.stopDate),
    };
}

/**
 * One HTTP endpoint on 127.0.0.1 that speaks the AWS JSON protocol (`X-Amz-Target`) for what a
 * backfill from an export calls: Step Functions' StartExecution, DescribeExecution,
 * ListExecutions, RedriveExecution, ListMapRuns and DescribeMapRun (answered by the local state
 * machine runner), and DynamoDB's ExportTableToPointInTime, DescribeExport and
 * DescribeContinuousBackups (answered by the local export service); every other DynamoDB call
 * goes on to DynamoDB Local. So the command's AWS SDK code runs unchanged against the local stack.
 * With `authorize`, each call it answers itself is authorized first, as AWS would (a call it
 * forwards is authorized by the gate it is forwarded to), and a refused one gets AWS's answer.
 */
export async function startLocalAwsEndpoint(options: LocalAwsEndpointOptions): Promise<LocalAwsEndpoint> {
    const { runner, exports } = options;
    const execution = (arn: unknown): Execution => {
        const found = runner.describe(String(arn));
        if (!found) throw serviceError("ExecutionDoesNotExist", `Execution Does Not Exist: '${String(arn)}'`);
        return found;
    };
    const stateMachine = (arn: unknown) => {
        if (arn !== runner.stateMachineArn)
            throw serviceError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${String(arn)}'`);
    };
    const mapRun = (arn: unknown): MapRun => {
        const found = runner.mapRun(String(arn));
        if (!found) throw serviceError("ResourceNotFound", `Map Run Does Not Exist: '${String(arn)}'`);
        return found;
    };
    const handlers: Record<string, Handler> = {
        "AWSStepFunctions.StartExecution": (body) => {
            stateMachine(body.stateMachineArn);
            const started = runner.start(
                JSON.parse(String(body.input ?? "{}")),
                body.name ? String(body.name) : undefined,
            );
            return { executionArn: started.executionArn, startDate: seconds(started.startDate) };
        },
        "AWSStepFunctions.DescribeExecution": (body) => {
            const found = execution(body.executionArn);
            return {
                ...executionSummary(found),
                input: JSON.stringify(found.input),
                output: found.output === undefined ? undefined : JSON.stringify(found.output),
                error: found.error,
                cause: found.cause,
                redriveCount: found.redriveCount,
                redriveDate: seconds(found.redriveDate),
                redriveStatus: runner.redriveStatus(found),
            };
        },
        "AWSStepFunctions.ListExecutions": (body) => {
            stateMachine(body.stateMachineArn);
            const listed = runner.list(body.statusFilter as Execution["status"] | undefined);
            return {
                executions: listed.slice(0, Number(body.maxResults) || listed.length).map((found) => ({
                    ...executionSummary(found),
                    redriveCount: found.redriveCount,
                })),
            };
        },
        "AWSStepFunctions.RedriveExecution": (body) => ({
            redriveDate: seconds(
                runner.redrive(String(execution(body.executionArn).executionArn)).redriveDate,
            ),
        }),
        "AWSStepFunctions.ListMapRuns": (body) => {
            const found = execution(body.executionArn);
            return {
                mapRuns: found.mapRun
                    ? [
                          {
                              executionArn: found.executionArn,
                              mapRunArn: found.mapRun.mapRunArn,
                              stateMachineArn: found.stateMachineArn,
                              startDate: seconds(found.mapRun.startDate),
                              stopDate: seconds(found.mapRun.stopDate),
                          },
                      ]
                    : [],
            };
        },
        "AWSStepFunctions.DescribeMapRun": (body) => {
            const run = mapRun(body.mapRunArn);
            const count = (status: string) => run.items.filter((item) => item.status === status).length;
            const counts = {
                pending: count("PENDING"),
                running: count("RUNNING"),
                succeeded: count("SUCCEEDED"),
                failed: count("FAILED"),
                timedOut: 0,
                aborted: count("ABORTED"),
                total: run.items.length,
                resultsWritten: run.status === "RUNNING" ? 0 : run.items.length,
                failuresNotRedrivable: 0,
                pendingRedrive: 0,
            };
            return {
                mapRunArn: run.mapRunArn,
                executionArn: run.executionArn,
                status: run.status,
                startDate: seconds(run.startDate),
                stopDate: seconds(run.stopDate),
                maxConcurrency: run.maxConcurrency,
                toleratedFailurePercentage: run.toleratedFailurePercentage,
                toleratedFailureCount: 0,
                itemCounts: counts,
                executionCounts: counts,
                redriveCount: run.redriveCount,
                redriveDate: seconds(run.redriveDate),
            };
        },
        "DynamoDB_20120810.ExportTableToPointInTime": (body) => ({
            ExportDescription: describeExport(exports.start(body as never)),
        }),
        "DynamoDB_20120810.DescribeExport": (body) => ({
            ExportDescription: describeExport(exports.describe(String(body.ExportArn))),
        }),
    };

    const server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
            const target = String(request.headers["x-amz-target"] ?? "");
            const raw = Buffer.concat(chunks);
            const reply = (status: number, payload: unknown) => {
                response.writeHead(status, { "content-type": "application/x-amz-json-1.0" });
                response.end(JSON.stringify(payload));
            };
            void (async () => {
                try {
                    const body = JSON.parse(raw.toString("utf8") || "{}") as Body;
                    // A table the program declared has the recovery it declared; others are DynamoDB Local's.
                    const declared =
                        target === "DynamoDB_20120810.DescribeContinuousBackups"
                            ? exports.pointInTimeRecovery(String(body.TableName))
                            : undefined;
                    const handler = Object.hasOwn(handlers, target) ? handlers[target] : undefined;
                    const refusal =
                        (handler !== undefined || declared !== undefined) && options.authorize
                            ? await options.authorize(
                                  target.startsWith("AWSStepFunctions.") ? "states" : "dynamodb",
                                  {
                                      method: request.method ?? "POST",
                                      url: request.url ?? "/",
                                      headers: request.headers,
                                      body: raw,
                                  },
                              )
                            : undefined;
                    if (refusal) return sendRefusal(response, refusal);
                    if (declared !== undefined) return reply(200, continuousBackups(declared));
                    if (handler) return reply(200, await handler(body));
                    if (target.startsWith("DynamoDB_20120810."))
                        return await forward(options.dynamodbEndpoint, request, raw, response);
                    reply(400, {
                        __type: "UnknownOperationException",
                        message: `${target} is not emulated locally.`,
                    });
                } catch (error) {
                    const failure = error as Error;
                    reply(400, {
                        __type: failure.name === "Error" ? "InternalFailure" : failure.name,
                        message: failure.message,
                    });
                }
            })();
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        endpoint: `http://127.0.0.1:${port}`,
        stop: () =>
            new Promise<void>((resolve) => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}

function continuousBackups(enabled: boolean): Record<string, unknown> {
    const status = enabled ? "ENABLED" : "DISABLED";
    return {
        ContinuousBackupsDescription: {
            ContinuousBackupsStatus: status,
            PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: status },
        },
    };
}

function describeExport(description: ReturnType<LocalExportService["describe"]>): Record<string, unknown> {
    return {
        ...description,
        ExportTime: seconds(description.ExportTime),
        StartTime: seconds(description.StartTime),
        EndTime: seconds(description.EndTime),
    };
}

/** Relays a DynamoDB call to DynamoDB Local as it came (DynamoDB Local does not check signatures). */
async function forward(
    endpoint: string,
    request: http.IncomingMessage,
    body: Buffer,
    response: http.ServerResponse,
): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string" && name !== "host" && name !== "content-length") headers[name] = value;
    }
    const answer = await fetch(endpoint, { method: "POST", headers, body });
    response.writeHead(answer.status, {
        "content-type": answer.headers.get("content-type") ?? "application/x-amz-json-1.0",
    });
    response.end(Buffer.from(await answer.arrayBuffer()));
}
