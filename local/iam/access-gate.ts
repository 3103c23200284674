import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { AccessLog } from "./access-log";
import { dynamodbAuthorizations } from "./dynamodb-request";
import type { PolicyDocument, PolicyEvaluator } from "./evaluator";
import type { ArnScope, RequiredAuthorization, ServiceRequest } from "./mapped-request";
import type { LocalPrincipal } from "./principals";
import { s3Authorizations } from "./s3-request";
import { statesAuthorizations } from "./states-request";
import { actionReference, documentedContext, evaluatedResource } from "./service-reference";

export type GatedService = "dynamodb" | "s3" | "states";

/** Who may pass, and how their requests are decided and recorded. */
export type AuthorizerOptions = {
    readonly scope: ArnScope;
    readonly principals: readonly LocalPrincipal[];
    /** Bucket policies, by bucket name (S3 only). */
    readonly resourcePolicies: ReadonlyMap<string, PolicyDocument>;
    readonly evaluate: PolicyEvaluator;
    readonly log: AccessLog;
    /** A stream ARN as DynamoDB Local names it → the one the program declared. */
    readonly streamArnOf?: (localArn: string) => string;
};

export type AccessGateOptions = AuthorizerOptions & {
    /** The server the gate stands in front of (DynamoDB Local or s3rver). */
    readonly target: string;
    readonly service: "dynamodb" | "s3";
    /** The access key the server itself accepts, which an allowed S3 request is forwarded with. */
    readonly serverAccessKeyId?: string;
};

/** AWS's answer to a request it refuses: a denial, or an access key it does not know. */
export type RefusalAnswer = {
    readonly status: number;
    readonly headers: Readonly<Record<string, string | number>>;
    /** Absent for an S3 HEAD request, whose error has no body. */
    readonly body?: string;
};

/** Authorizes one request of a service as AWS would: undefined when it may pass, else AWS's answer. */
export type RequestAuthorizer = (
    service: GatedService,
    request: ServiceRequest,
) => Promise<RefusalAnswer | undefined>;

/**
 * The decision every gate makes: the caller is the principal whose access key signed the
 * request, the request becomes the IAM authorizations it needs, each evaluated against the
 * principal's identity policies (and the bucket's policy), and each recorded in the access log.
 */
export function requestAuthorizer(options: AuthorizerOptions): RequestAuthorizer {
    const byKey = new Map(options.principals.map((principal) => [principal.accessKeyId, principal]));
    return async (service, request) => {
        const accessKeyId = accessKeyOf(request);
        const principal = accessKeyId ? byKey.get(accessKeyId) : undefined;
        if (!principal) {
            options.log.record(accessKeyId ?? "(unsigned)", "(any)", "*", false, "unknown access key");
            return unknownKeyAnswer(service, request.method);
        }
        const denial = await firstDenial(principal, authorizationsOf(service, request, options), options);
        return denial ? denialAnswer(service, request.method, denial) : undefined;
    };
}

/**
 * Authorizes a call a principal makes inside the local stack, where no HTTP request carries it
 * (a state machine invoking a function), recorded like the gates' calls.
 *
 * @returns AWS's denial message, or undefined when the call is allowed
 */
export async function authorizeCall(
    principal: LocalPrincipal,
    authorization: RequiredAuthorization,
    options: AuthorizerOptions,
): Promise<string | undefined> {
    const denial = await firstDenial(principal, [authorization], options);
    return denial ? denialMessage(denial) : undefined;
}

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
    const authorize = requestAuthorizer(options);

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
            const refusal = await authorize(options.service, received);
            if (refusal) {
                sendRefusal(response, refusal);
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

function authorizationsOf(
    service: GatedService,
    request: ServiceRequest,
    options: AuthorizerOptions,
): RequiredAuthorization[] {
    if (service === "s3") return s3Authorizations(request);
    if (service === "states") return statesAuthorizations(request);
    return dynamodbAuthorizations(request, options.scope, options.streamArnOf ?? ((arn) => arn));
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
    options: AuthorizerOptions,
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

/** Sends a refused request AWS's answer. */
export function sendRefusal(response: http.ServerResponse, refusal: RefusalAnswer): void {
    response.writeHead(refusal.status, refusal.headers);
    response.end(refusal.body);
}

/**
 * DynamoDB: HTTP 400 `com.amazon.coral.service#AccessDeniedException` with `Message`; Step
 * Functions: HTTP 400 `AccessDeniedException` with `message`; S3: HTTP 403 `AccessDenied`.
 */
function denialAnswer(service: GatedService, method: string, denial: Denial): RefusalAnswer {
    if (service === "dynamodb")
        return jsonAnswer("com.amazon.coral.service#AccessDeniedException", {
            Message: denialMessage(denial),
        });
    if (service === "states") return jsonAnswer("AccessDeniedException", { message: denialMessage(denial) });
    return s3ErrorAnswer(method, "AccessDenied", "Access Denied");
}

function unknownKeyAnswer(service: GatedService, method: string): RefusalAnswer {
    if (service === "s3")
        return s3ErrorAnswer(
            method,
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
        );
    return jsonAnswer(
        `${service === "dynamodb" ? "com.amazon.coral.service#" : ""}UnrecognizedClientException`,
        { message: "The security token included in the request is invalid." },
    );
}

function jsonAnswer(type: string, fields: Record<string, string>): RefusalAnswer {
    const body = JSON.stringify({ __type: type, ...fields });
    return {
        status: 400,
        headers: {
            "content-type": "application/x-amz-json-1.0",
            "x-amzn-requestid": randomUUID(),
            "content-length": Buffer.byteLength(body),
        },
        body,
    };
}

function s3ErrorAnswer(method: string, code: string, message: string): RefusalAnswer {
    const requestId = randomUUID().replace(/-/g, "").slice(0, 16).toUpperCase();
    const body =
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
        `<RequestId>${requestId}</RequestId><HostId>${Buffer.from(requestId).toString("base64")}</HostId></Error>`;
    return {
        status: 403,
        headers: {
            "content-type": "application/xml",
            "x-amz-request-id": requestId,
            ...(method === "HEAD" ? {} : { "content-length": Buffer.byteLength(body) }),
        },
        ...(method === "HEAD" ? {} : { body }),
    };
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
