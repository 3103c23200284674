import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { AccessLog } from "./access-log";
import { dynamodbAuthorizations } from "./dynamodb-request";
import type { PolicyDocument, PolicyEvaluator } from "./evaluator";
import type { ArnScope, RequiredAuthorization, ServiceRequest } from "./mapped-request";
import type { LocalPrincipal } from "./principals";
import { s3Authorizations } from "./s3-request";
import { actionReference, documentedContext, evaluatedResource } from "./service-reference";

export type GatedService = "dynamodb" | "s3";

export type AccessGateOptions = {
    /** The server the gate stands in front of (DynamoDB Local or s3rver). */
    readonly target: string;
    readonly service: GatedService;
    readonly scope: ArnScope;
    readonly principals: readonly LocalPrincipal[];
    /** Bucket policies, by bucket name (S3 only). */
    readonly resourcePolicies: ReadonlyMap<string, PolicyDocument>;
    readonly evaluate: PolicyEvaluator;
    readonly log: AccessLog;
    /** A stream ARN as DynamoDB Local names it → the one the program declared. */
    readonly streamArnOf?: (localArn: string) => string;
    /** The access key the server itself accepts, which an allowed S3 request is forwarded with. */
    readonly serverAccessKeyId?: string;
};

export type AccessGate = {
    readonly endpoint: string;
    stop(): Promise<void>;
};

/**
 * An HTTP proxy on 127.0.0.1 in front of a local server that authorizes every request as AWS
 * would before the server sees it: the caller is the principal whose access key signed it, the
 * request becomes the IAM authorizations it needs (its action, resource ARN and condition keys),
 * each evaluated against the principal's identity policies and the bucket's policy. A denied
 * request gets AWS's own answer (DynamoDB: HTTP 400 AccessDeniedException; S3: HTTP 403
 * AccessDenied), so the caller's own error path runs.
 *
 * `aws:SecureTransport` is `true`: a loopback request is plain HTTP, but the local endpoint stands
 * for the service's TLS endpoint, which the SDK always uses on AWS; so a bucket's TLS-only deny
 * is evaluated as it is on AWS, where it never denies the program's own calls.
 */
export async function startAccessGate(options: AccessGateOptions): Promise<AccessGate> {
    const target = new URL(options.target);
    const agent = new http.Agent({ keepAlive: true });
    const byKey = new Map(options.principals.map((principal) => [principal.accessKeyId, principal]));

    const server = http.createServer((request, response) => {
        void (async () => {
            const chunks: Buffer[] = [];
            for await (const chunk of request) chunks.push(chunk as Buffer);
            const received: ServiceRequest = {
                method: request.method ?? "GET",
                url: request.url ?? "/",
                headers: request.headers,
                body: Buffer.concat(chunks),
            };
            const accessKeyId = accessKeyOf(received);
            const principal = accessKeyId ? byKey.get(accessKeyId) : undefined;
            if (!principal) {
                options.log.record(accessKeyId ?? "(unsigned)", "(any)", "*", false, "unknown access key");
                sendUnknownKey(response, options.service, received.method);
                return;
            }
            const denial = await firstDenial(principal, authorizationsOf(received, options), options);
            if (denial) {
                sendDenial(response, options.service, received.method, denial);
                return;
            }
            forward(
                received,
                response,
                target,
                agent,
                options.service === "s3" ? options.serverAccessKeyId : undefined,
            );
        })().catch((error: unknown) => {
            response.writeHead(500, { "content-type": "text/plain" });
            response.end(`The local IAM gate failed: ${String(error)}`);
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        endpoint: `http://127.0.0.1:${port}`,
        stop: async () => {
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
            agent.destroy();
        },
    };
}

function authorizationsOf(request: ServiceRequest, options: AccessGateOptions): RequiredAuthorization[] {
    return options.service === "s3"
        ? s3Authorizations(request)
        : dynamodbAuthorizations(request, options.scope, options.streamArnOf ?? ((arn) => arn));
}

type Denial = {
    readonly principal: LocalPrincipal;
    readonly action: string;
    readonly resource: string;
    readonly reason: string;
};

async function firstDenial(
    principal: LocalPrincipal,
    authorizations: readonly RequiredAuthorization[],
    options: AccessGateOptions,
): Promise<Denial | undefined> {
    for (const authorization of authorizations) {
        const reference = await actionReference(authorization.action);
        const resource = reference ? evaluatedResource(reference, authorization.arn) : authorization.arn;
        const decision = reference
            ? await options.evaluate({
                  principalArn: principal.arn,
                  action: reference.action,
                  resource,
                  accountId: options.scope.accountId,
                  context: {
                      ...documentedContext(reference, authorization.context),
                      "aws:SecureTransport": "true",
                      "aws:PrincipalArn": principal.arn.replace(
                          /^arn:aws:sts::(\d+):assumed-role\/([^/]+)\/.*$/,
                          "arn:aws:iam::$1:role/$2",
                      ),
                      "aws:PrincipalAccount": options.scope.accountId,
                      "aws:CurrentTime": new Date().toISOString(),
                  },
                  identityPolicies: principal.identityPolicies,
                  ...bucketPolicy(authorization.arn, options.resourcePolicies),
              })
            : {
                  allowed: false as const,
                  reason: `because ${authorization.action} is not in the Service Authorization Reference`,
              };
        options.log.record(
            principal.name,
            authorization.action,
            resource,
            decision.allowed,
            decision.allowed ? undefined : decision.reason,
        );
        if (!decision.allowed)
            return { principal, action: authorization.action, resource, reason: decision.reason };
    }
    return undefined;
}

function bucketPolicy(
    arn: string,
    policies: ReadonlyMap<string, PolicyDocument>,
): { resourcePolicy?: PolicyDocument } {
    const bucket = /^arn:aws:s3:::([^/]+)/.exec(arn)?.[1];
    const policy = bucket ? policies.get(bucket) : undefined;
    return policy ? { resourcePolicy: policy } : {};
}

/** The access key id a SigV4 request was signed with (header or presigned query). */
export function accessKeyOf(request: ServiceRequest): string | undefined {
    const authorization = request.headers.authorization;
    const header =
        typeof authorization === "string" ? /Credential=([^/,\s]+)\//.exec(authorization)?.[1] : undefined;
    if (header) return header;
    const credential = new URL(request.url, "http://local").searchParams.get("X-Amz-Credential");
    return credential?.split("/")[0];
}

/** AWS's denial message: `User: <arn> is not authorized to perform: <action> on resource: <arn> because …`. */
export function denialMessage(denial: Denial): string {
    return `User: ${denial.principal.arn} is not authorized to perform: ${denial.action} on resource: ${denial.resource} ${denial.reason}`;
}

function sendDenial(
    response: http.ServerResponse,
    service: GatedService,
    method: string,
    denial: Denial,
): void {
    if (service === "dynamodb") {
        sendJson(response, "AccessDeniedException", { Message: denialMessage(denial) });
        return;
    }
    sendS3Error(response, method, "AccessDenied", "Access Denied");
}

function sendUnknownKey(response: http.ServerResponse, service: GatedService, method: string): void {
    if (service === "dynamodb") {
        sendJson(response, "UnrecognizedClientException", {
            message: "The security token included in the request is invalid.",
        });
        return;
    }
    sendS3Error(
        response,
        method,
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
    );
}

function sendJson(response: http.ServerResponse, type: string, fields: Record<string, string>): void {
    const body = JSON.stringify({ __type: `com.amazon.coral.service#${type}`, ...fields });
    response.writeHead(400, {
        "content-type": "application/x-amz-json-1.0",
        "x-amzn-requestid": randomUUID(),
        "content-length": Buffer.byteLength(body),
    });
    response.end(body);
}

function sendS3Error(response: http.ServerResponse, method: string, code: string, message: string): void {
    const requestId = randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase();
    const body =
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
        `<RequestId>${requestId}</RequestId><HostId>${Buffer.from(requestId).toString("base64")}</HostId></Error>`;
    response.writeHead(403, {
        "content-type": "application/xml",
        "x-amz-request-id": requestId,
        ...(method === "HEAD" ? {} : { "content-length": Buffer.byteLength(body) }),
    });
    response.end(method === "HEAD" ? undefined : body);
}

/** Sends an allowed request on unchanged (S3: signed with the one key s3rver accepts, which does not check SigV4 signatures). */
function forward(
    request: ServiceRequest,
    response: http.ServerResponse,
    target: URL,
    agent: http.Agent,
    serverAccessKeyId: string | undefined,
): void {
    const headers = { ...request.headers };
    if (serverAccessKeyId && typeof headers.authorization === "string") {
        headers.authorization = headers.authorization.replace(
            /Credential=[^/,\s]+\//,
            `Credential=${serverAccessKeyId}/`,
        );
    }
    const upstream = http.request(
        {
            host: target.hostname,
            port: target.port,
            method: request.method,
            path: request.url,
            headers,
            agent,
        },
        (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
        },
    );
    upstream.on("error", () => response.destroy());
    upstream.end(request.body);
}
