import type { InvokeOptions, Invocation, LocalFunction } from "./local-function";

/**
 * A function's execution environments as Lambda scales them: an invocation goes to an idle
 * environment, or to a new one (a cold start) when all are busy, so concurrent invocations (an
 * event source mapping's shards, or several batches of one shard with a `parallelizationFactor`
 * above 1) run side by side, each environment handling one invocation at a time.
 */
export class FunctionPool {
    private readonly idle: LocalFunction[];
    private readonly created: LocalFunction[] = [];
    private busy = 0;
    private peak = 0;

    /**
     * @param first - the environment to use first (its owner stops it)
     * @param create - starts another environment of the same function; without it, concurrent
     *   invocations queue for `first`, one at a time
     */
    public constructor(
        private readonly first: LocalFunction,
        private readonly create?: () => LocalFunction,
    ) {
        this.idle = [first];
    }

    /** The most invocations that ran at once. */
    public get peakConcurrency(): number {
        return this.peak;
    }

    public async invoke(event: unknown, options: InvokeOptions = {}): Promise<Invocation> {
        const fn = this.create ? (this.idle.pop() ?? this.another(this.create)) : this.first;
        this.busy++;
        this.peak = Math.max(this.peak, this.busy);
        try {
            return await fn.invoke(event, options);
        } finally {
            this.busy--;
            if (this.create) this.idle.push(fn);
        }
    }

    /** Stops the environments this pool started (by pid), not the first one. */
    public async stop(): Promise<void> {
        await Promise.all(this.created.map((fn) => fn.stop()));
    }

    private another(create: () => LocalFunction): LocalFunction {
        const fn = create();
        this.created.push(fn);
        return fn;
    }
}
