/**
 * Counts AWS API calls with SDK middleware: every command a client sends, by operation, as the
 * SDK itself sees it (not estimated from the code). The same middleware counts the packaged
 * handler and the naive baseline (in their own processes, through `function-preload.ts`) and
 * the ceiling driver (in the bench process).
 *
 * Dependency-free on purpose: this file is also transpiled and loaded into the function's
 * process, where only the Lambda runtime's modules exist.
 */

/** The calls of one operation. */
export type OperationCount = {
    /** Commands sent: what AWS bills as requests when none is retried. */
    calls: number;
    /** HTTP requests, retries included. */
    attempts: number;
    /** Commands that ended in an error (a failed conditional write is still a billed write). */
    errors: number;
    /** Bytes of request bodies passed as `Body` (S3 objects). */
    bodyBytes: number;
};

/** Counts by operation, named `<service>.<operation>`, e.g. `DynamoDB.PutItem`, `S3.PutObject`. */
export type CallTally = Record<string, OperationCount>;

/** Running counts, plus a window that can be taken and reset (e.g. once per invocation). */
export class CallCounter {
    /** Totals since the counter was created. */
    public readonly totals: CallTally = {};
    private window: CallTally = {};

    /** Adds to an operation's counts. */
    public add(operation: string, change: Partial<OperationCount>): void {
        for (const tally of [this.totals, this.window]) {
            const entry = (tally[operation] ??= { calls: 0, attempts: 0, errors: 0, bodyBytes: 0 });
            entry.calls += change.calls ?? 0;
            entry.attempts += change.attempts ?? 0;
            entry.errors += change.errors ?? 0;
            entry.bodyBytes += change.bodyBytes ?? 0;
        }
    }

    /** Counts since the previous call (or since creation). */
    public takeWindow(): CallTally {
        const taken = this.window;
        this.window = {};
        return taken;
    }
}

/** Just what the counter needs of a Smithy middleware stack (no @smithy/types import, see above). */
type Context = { readonly clientName?: string; readonly commandName?: string };
type Args = { readonly input?: unknown };
type Handler = (args: Args) => Promise<unknown>;
type Middleware = (next: Handler, context: Context) => Handler;
type MiddlewareStackLike = {
    add(middleware: Middleware, options: { step: string; priority?: string; name?: string }): void;
};

/** An AWS SDK v3 client, as far as counting goes (its stack's exact types vary per client). */
export type ClientLike = { readonly middlewareStack: unknown };

/**
 * Adds the counting middleware to one client. Call once per client (the stack refuses a
 * second middleware of the same name).
 */
export function addCallCounter(client: ClientLike, counter: CallCounter): void {
    const stack = client.middlewareStack as MiddlewareStackLike;
    // Outermost, before serialization and retries: one count per command, whatever happens.
    stack.add(
        (next, context) => async (args) => {
            const operation = operationName(context);
            counter.add(operation, { calls: 1, bodyBytes: bodyBytes(args.input) });
            try {
                return await next(args);
            } catch (error) {
                counter.add(operation, { errors: 1 });
                throw error;
            }
        },
        { step: "initialize", priority: "high", name: "benchCallCounter" },
    );
    // Inside the retry middleware (finalizeRequest, high): once per HTTP request sent.
    stack.add(
        (next, context) => (args) => {
            counter.add(operationName(context), { attempts: 1 });
            return next(args);
        },
        { step: "finalizeRequest", priority: "low", name: "benchAttemptCounter" },
    );
}

/**
 * Makes every client of an SDK client class count its calls: the class's `send` adds the
 * middleware to each instance on its first call. This reaches clients built inside code we do
 * not control (the packaged handler's factory) without changing that code.
 */
export function countCallsOfClientClass(
    clientClass: { prototype: { send: (...args: unknown[]) => unknown } },
    counter: CallCounter,
): void {
    const instrumented = new WeakSet<object>();
    const send = clientClass.prototype.send;
    clientClass.prototype.send = function (this: ClientLike, ...args: unknown[]) {
        if (!instrumented.has(this)) {
            instrumented.add(this);
            addCallCounter(this, counter);
        }
        return send.apply(this, args);
    };
}

function operationName(context: Context): string {
    const service = (context.clientName ?? "Unknown").replace(/Client$/, "");
    const command = (context.commandName ?? "Unknown").replace(/Command$/, "");
    return `${service}.${command}`;
}

function bodyBytes(input: unknown): number {
    const body = (input as { Body?: unknown } | undefined)?.Body;
    if (typeof body === "string") return Buffer.byteLength(body);
    if (body instanceof Uint8Array) return body.byteLength;
    return 0;
}
