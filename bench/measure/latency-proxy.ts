/**
 * The latency proxy: HTTP proxies on 127.0.0.1 in front of DynamoDB Local and s3rver that hold each
 * request for a delay drawn from the latency model (`latency.ts`), then forward it untouched. It
 * runs in a process of its own (this file, transpiled and forked), so its timers and forwarding
 * neither wait on nor slow down the measured processes' event loops.
 */
import { fork } from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { latencySampler, MODELED_OPERATIONS, operationOf, type LatencyModel } from "./latency";

type Endpoints = { readonly dynamodb: string; readonly s3: string };
/** Requests delayed, by operation. */
type ProxyStats = Record<string, number>;
type Message = ({ type: "ready" } & Endpoints) | { type: "stopped"; stats: ProxyStats };

/**
 * Forks the proxy (`script`: this file transpiled) in front of the servers at `targets`, each
 * operation drawing from its own sampler seeded from `seed`, and resolves once it listens. Its
 * `stop` resolves with what it delayed (nothing if it had exited).
 */
export async function startLatencyProxy(
    script: string,
    targets: Endpoints,
    model: LatencyModel,
    seed: number,
) {
    const args = [targets.dynamodb, targets.s3, JSON.stringify(model), String(seed)];
    const child = fork(script, args, { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const next = <T extends Message["type"]>(type: T) =>
        new Promise<Extract<Message, { type: T }> | undefined>((resolve) => {
            child.on(
                "message",
                (message: Message) =>
                    message.type === type && resolve(message as Extract<Message, { type: T }>),
            );
            child.once("exit", () => resolve(undefined));
        });
    const ready = await next("ready");
    if (!ready) throw new Error("The latency proxy exited before it listened.");
    let stopping: Promise<ProxyStats> | undefined;
    return {
        endpoints: { dynamodb: ready.dynamodb, s3: ready.s3 },
        // Once: a replay releases its proxy when it reads the stats and again on its way out.
        stop: (): Promise<ProxyStats> =>
            (stopping ??= (async () => {
                if (child.exitCode !== null || child.signalCode !== null || !child.connected) return {};
                const stopped = next("stopped");
                // A proxy that exits meanwhile closes the channel: then `stopped` resolves on its exit.
                child.send({ type: "stop" }, () => undefined);
                return (await stopped)?.stats ?? {};
            })()),
    };
}

/** The proxy process: one server per service, one sampler per operation. */
function main(): void {
    const [dynamodbTarget = "", s3Target = "", model = "{}", seed = "0"] = process.argv.slice(2);
    const samplers = new Map(
        MODELED_OPERATIONS.map((op, at) => [
            op,
            latencySampler((JSON.parse(model) as LatencyModel)[op], +seed + at),
        ]),
    );
    const stats: ProxyStats = {};
    const agent = new http.Agent({ keepAlive: true });
    const serve = async (service: "dynamodb" | "s3", target: string): Promise<string> => {
        const { hostname: host, port } = new URL(target);
        const server = http.createServer((request, response) => {
            const { method, url: path, headers } = request;
            const operation = operationOf(service, method, headers["x-amz-target"] as string | undefined);
            if (operation) stats[operation] = (stats[operation] ?? 0) + 1;
            const forward = () =>
                request.pipe(
                    http
                        .request({ host, port, method, path, headers, agent }, (answer) =>
                            answer.pipe(response.writeHead(answer.statusCode ?? 502, answer.headers)),
                        )
                        .on("error", (error) => response.writeHead(502).end(String(error))),
                );
            setTimeout(forward, operation ? (samplers.get(operation)?.() ?? 0) : 0);
        });
        // A function's environment idles while the streams before it are replayed: past Node's 5 s
        // default the proxy would close its sockets, and the SDK retry the request it was sending.
        server.keepAliveTimeout = 10 * 60_000;
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    process.on("message", (message: { type?: string }) => {
        if (message.type === "stop") process.send?.({ type: "stopped", stats }, () => process.exit(0));
    });
    process.on("disconnect", () => process.exit(0));
    void Promise.all([serve("dynamodb", dynamodbTarget), serve("s3", s3Target)]).then(([dynamodb, s3]) =>
        process.send?.({ type: "ready", dynamodb, s3 }),
    );
}

if (require.main === module) main();
