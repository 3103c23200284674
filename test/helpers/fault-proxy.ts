import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** What to do with one request on its way to the real server. */
export type Fault = "pass" | "fail";

/** The request as the proxy sees it, to decide on a fault. */
export type ProxiedRequest = {
    readonly method: string;
    readonly path: string;
    readonly target: string | undefined;
    readonly body: string;
};

export type FaultProxy = {
    readonly endpoint: string;
    /** Replaces the rule that decides each request's fate (initially: pass everything). */
    setRule(rule: (request: ProxiedRequest) => Fault): void;
    readonly counts: { passed: number; failed: number };
    stop(): Promise<void>;
};

/**
 * An HTTP proxy on 127.0.0.1 in front of a real local server (DynamoDB Local or s3rver) that fails
 * the requests a rule picks with the server error the service itself would send (DynamoDB:
 * InternalServerError; S3: SlowDown), and forwards the rest untouched.
 */
export async function startFaultProxy(
    targetEndpoint: string,
    service: "dynamodb" | "s3",
): Promise<FaultProxy> {
    const target = new URL(targetEndpoint);
    let rule: (request: ProxiedRequest) => Fault = () => "pass";
    const counts = { passed: 0, failed: 0 };
    const agent = new http.Agent({ keepAlive: true });

    const server = http.createServer(async (request, response) => {
        const chunks: Buffer[] = [];
        for await (const chunk of request) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks);
        const proxied = {
            method: request.method ?? "GET",
            path: request.url ?? "/",
            target: request.headers["x-amz-target"] as string | undefined,
            body: body.toString("utf8"),
        };
        if (rule(proxied) === "fail") {
            counts.failed++;
            sendFault(response, service);
            return;
        }
        counts.passed++;
        const upstream = http.request(
            {
                host: target.hostname,
                port: target.port,
                method: request.method,
                path: request.url,
                headers: request.headers,
                agent,
            },
            (answer) => {
                response.writeHead(answer.statusCode ?? 502, answer.headers);
                answer.pipe(response);
            },
        );
        upstream.on("error", (error) => {
            response.writeHead(502);
            response.end(String(error));
        });
        upstream.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        endpoint: `http://127.0.0.1:${port}`,
        counts,
        setRule: (next) => {
            rule = next;
        },
        stop: async () => {
            agent.destroy();
            server.closeAllConnections();
            await new Promise<void>((resolve) => server.close(() => resolve()));
        },
    };
}

function sendFault(response: http.ServerResponse, service: "dynamodb" | "s3"): void {
    if (service === "dynamodb") {
        response.writeHead(500, { "content-type": "application/x-amz-json-1.0" });
        response.end(
            JSON.stringify({
                __type: "com.amazonaws.dynamodb.v20120810#InternalServerError",
                message: "injected fault",
            }),
        );
    } else {
        response.writeHead(503, { "content-type": "application/xml" });
        response.end(
            '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>injected fault</Message></Error>',
        );
    }
}
