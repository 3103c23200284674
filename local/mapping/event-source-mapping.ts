import { DescribeStreamCommand, type Shard } from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { InvokeOptions, Invocation } from "../lambda/local-function";
import type { CheckpointStore, ShardStart } from "./checkpoints";
import type { DeliveryEvent, DeliverySchedule, DiscardedBatch, MappingSettings } from "./delivery";
import { ShardLoop } from "./shard-loop";
import { ShardReader, type TrimmedRange } from "./shard-reader";
import { startingPositions, type StartingPosition, type StreamsApi } from "./starting-positions";
import { localRecordTimeMs, toLambdaRecord, type Repair } from "./stream-records";

/** Live counters for the one-line progress display. */
export type MappingProgress = {
    /** Stream records read. */
    seen: number;
    /** Records checkpointed as processed (successful batches, including superseded records). */
    delivered: number;
    /** Records sent to the on-failure destination. */
    failed: number;
    /** Function invocations. */
    batches: number;
    /**
     * Iterator age as AWS reports it: the age of a batch's last record when its invocation
     * finished (the largest over the shards being read), kept while idle, as the metric keeps its
     * last value when no invocation reports a new one. A record's time is the end of the minute
     * DynamoDB Local rounded it down to, so the age shown is up to a minute low, never high.
     */
    iteratorAgeMs: number;
    /** Records the mapping's filter dropped: never delivered, never retried. */
    filtered: number;
};

export type EventSourceMappingOptions = {
    readonly streams: StreamsApi;
    readonly streamArn: string;
    readonly region: string;
    readonly settings: MappingSettings;
    readonly startingPosition: StartingPosition;
    readonly batchingWindowSeconds: number;
    /** Batches of one shard in flight at once, keys kept in order (default 1). */
    readonly parallelizationFactor?: number;
    readonly checkpoints: CheckpointStore;
    readonly invoke: (event: DynamoDBStreamEvent, options?: InvokeOptions) => Promise<Invocation>;
    readonly discard: (batch: DiscardedBatch, shardId: string) => Promise<void>;
    readonly onRepair?: (repair: Repair) => void;
    /** Things the operator should know about, as sentences (records lost to the stream's retention). */
    readonly onNotice?: (notice: string) => void;
    /** How often an idle shard and the stream's shard list are polled; Lambda polls 4 times a second. */
    readonly pollIntervalMs?: number;
    /** The clock for record ages and batching windows (default: Date.now). */
    readonly now?: () => number;
    /** Unusual things to do on purpose (the chaos mode); none by default. */
    readonly schedule?: DeliverySchedule;
    /** Every delivery event, with the shard it happened in. */
    readonly onDeliveryEvent?: (event: DeliveryEvent, shardId: string) => void;
    /** The mapping's event filter: records it refuses are skipped before batching (default: none). */
    readonly filter?: (record: DynamoDBRecord) => boolean;
};

/**
 * A local event source mapping for a DynamoDB stream: polls the real Streams API (DescribeStream,
 * GetShardIterator, GetRecords) and drives the function with the mapping's rules.
 *
 * - On its first start it records where each shard starts (see `startingPositions`).
 * - Every shard has its own loop (see `ShardLoop`), so a shard stuck retrying a poison record
 *   does not hold up the others; parent shards are read to the end before their children start.
 * - With a `parallelizationFactor` above 1, up to that many batches of each shard are in flight
 *   at once, spread by the partition key (read from the stream's key schema), so each key's
 *   records stay in order.
 * - Each shard's checkpoint is kept after every batch, so a restart resumes after the last
 *   processed record.
 */
export class LocalEventSourceMapping {
    public readonly progress: MappingProgress = {
        seen: 0,
        delivered: 0,
        failed: 0,
        batches: 0,
        iteratorAgeMs: 0,
        filtered: 0,
    };
    private readonly loops = new Map<string, { readonly loop: ShardLoop; readonly done: Promise<void> }>();
    private readonly finishedShards = new Set<string>();
    /** Per running shard, the tick of its latest poll that found it caught up and empty. */
    private readonly idleSince = new Map<string, number>();
    /** Per shard being read, its latest iterator age. */
    private readonly iteratorAges = new Map<string, number>();
    private starts: Readonly<Record<string, ShardStart>> = {};
    /** The source table's partition-key attribute, from the stream's key schema. */
    private partitionKeyName: string | undefined;
    private running = false;
    private discovery: Promise<void> | undefined;
    private wakeDiscovery: (() => void) | undefined;
    private idleWaiters: { readonly after: number; readonly wake: () => void }[] = [];
    /** Orders polls and discoveries against `whenIdle` calls. */
    private clock = 0;
    private lastDiscovery = { startedAt: -1, finished: false };
    private lastShardFinishedAt = -1;
    private failure: { error: unknown } | undefined;

    public constructor(private readonly options: EventSourceMappingOptions) {}

    /** Starts polling in the background. */
    public start(): void {
        if (this.running) return;
        this.running = true;
        this.discovery = this.run().catch((error: unknown) => this.fail(error));
    }

    /** Stops after the batches in flight (if any) are delivered and checkpointed. */
    public async stop(): Promise<void> {
        this.running = false;
        this.wakeDiscovery?.();
        for (const { loop } of this.loops.values()) loop.stop();
        await this.discovery;
        await Promise.all([...this.loops.values()].map(({ done }) => done));
    }

    /**
     * Resolves when every shard has been polled, after this call, and found caught up with nothing
     * queued or in flight, and the shard list has been read again since the last shard finished:
     * everything written before the call has been delivered or discarded. Rejects if polling failed.
     */
    public async whenIdle(): Promise<void> {
        this.throwIfFailed();
        if (!this.running) throw new Error("The stream poller is not running.");
        const after = this.tick();
        await new Promise<void>((wake) => this.idleWaiters.push({ after, wake }));
        this.throwIfFailed();
    }

    private throwIfFailed(): void {
        if (this.failure) throw this.failure.error;
    }

    private tick(): number {
        return ++this.clock;
    }

    private async run(): Promise<void> {
        const interval = this.options.pollIntervalMs ?? 250;
        await this.create();
        while (this.running) {
            this.lastDiscovery = { startedAt: this.tick(), finished: false };
            await this.discoverShards();
            this.lastDiscovery.finished = true;
            this.checkIdle();
            await new Promise<void>((resolve) => {
                const timer = setTimeout(done, interval);
                function done(): void {
                    clearTimeout(timer);
                    resolve();
                }
                this.wakeDiscovery = done;
            });
        }
    }

    /**
     * Creates the mapping on its first start: records where each shard there now starts (see
     * `startingPositions`), so that later starts, re-acquired iterators and shards held back behind
     * their parent all start from the position the mapping was created with.
     */
    private async create(): Promise<void> {
        const { streams, streamArn, startingPosition, checkpoints } = this.options;
        const { shards, partitionKeyName } = await this.describeStream();
        this.partitionKeyName = partitionKeyName;
        if ((this.options.parallelizationFactor ?? 1) > 1 && !partitionKeyName) {
            throw new Error(
                `The stream ${streamArn} describes no HASH key in its KeySchema, so records cannot be ` +
                    `spread over ${this.options.parallelizationFactor} concurrent batches by partition key; ` +
                    `use parallelizationFactor 1 for this stream.`,
            );
        }
        const recorded = checkpoints.getStarts(streamArn);
        if (recorded) {
            this.starts = recorded;
            return;
        }
        this.starts = await startingPositions(streams, streamArn, shards, startingPosition);
        checkpoints.setStarts(streamArn, this.starts);
    }

    private async describeStream(): Promise<{ shards: Shard[]; partitionKeyName: string | undefined }> {
        const { streams, streamArn } = this.options;
        const shards: Shard[] = [];
        let partitionKeyName: string | undefined;
        let start: string | undefined;
        do {
            const page = await streams.send(
                new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
            );
            shards.push(...(page.StreamDescription?.Shards ?? []));
            partitionKeyName ??= page.StreamDescription?.KeySchema?.find(
                (key) => key.KeyType === "HASH",
            )?.AttributeName;
            start = page.StreamDescription?.LastEvaluatedShardId;
        } while (start);
        return { shards, partitionKeyName };
    }

    /** Starts a loop for every shard that is not running or finished and whose parent is done. */
    private async discoverShards(): Promise<void> {
        const { shards: all } = await this.describeStream();
        const known = new Set(all.map((shard) => shard.ShardId));
        for (const shard of all) {
            const shardId = shard.ShardId;
            if (!shardId || this.loops.has(shardId) || this.finishedShards.has(shardId)) continue;
            const parent = shard.ParentShardId;
            if (parent && known.has(parent) && !this.finishedShards.has(parent)) continue;
            if (!this.running) return;
            this.startLoop(shardId);
        }
    }

    private startLoop(shardId: string): void {
        const { streams, streamArn, region, settings, checkpoints } = this.options;
        const reader = new ShardReader({
            streams,
            streamArn,
            shardId,
            start: () => this.startOf(shardId),
            onTrimmed: (range) => this.options.onNotice?.(describeTrimmed(range)),
        });
        const loop = new ShardLoop({
            shardId,
            reader,
            settings,
            batchingWindowMs: this.options.batchingWindowSeconds * 1000,
            parallelization: {
                factor: this.options.parallelizationFactor ?? 1,
                partitionKeyName: this.partitionKeyName,
            },
            toLambdaRecord: (record) =>
                toLambdaRecord(record, { eventSourceArn: streamArn, region }, this.options.onRepair),
            delivery: {
                invoke: (event, options) => this.options.invoke(event, options),
                discard: (batch) => this.options.discard(batch, shardId),
                recordTimeMs: localRecordTimeMs,
                ...(this.options.now ? { now: this.options.now } : {}),
                ...(this.options.schedule ? { schedule: this.options.schedule } : {}),
            },
            checkpoint: (sequenceNumber) => checkpoints.set(streamArn, shardId, sequenceNumber),
            onEvent: (event) => {
                this.count(shardId, event);
                this.options.onDeliveryEvent?.(event, shardId);
            },
            onRead: (count) => {
                this.progress.seen += count;
                this.idleSince.delete(shardId);
            },
            ...(this.options.filter
                ? {
                      filter: this.options.filter,
                      onFiltered: (count: number) => (this.progress.filtered += count),
                  }
                : {}),
            onIdle: (tick) => {
                this.idleSince.set(shardId, tick);
                this.checkIdle();
            },
            tick: () => this.tick(),
            pollIntervalMs: this.options.pollIntervalMs ?? 250,
        });
        const done = loop.run().then(
            () => {
                if (!this.running) return;
                // Closed and fully processed: its children may start now.
                this.loops.delete(shardId);
                this.idleSince.delete(shardId);
                this.iteratorAges.delete(shardId); // the age shown stays until the next invocation
                this.finishedShards.add(shardId);
                this.lastShardFinishedAt = this.tick();
                this.wakeDiscovery?.();
            },
            (error: unknown) => this.fail(error),
        );
        this.loops.set(shardId, { loop, done });
    }

    /** After the checkpoint; else where the mapping's creation put the shard; else its start. */
    private startOf(shardId: string): ShardStart {
        const { checkpoints, streamArn } = this.options;
        const checkpoint = checkpoints.get(streamArn, shardId);
        if (checkpoint) return { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: checkpoint };
        // A shard that appeared after the mapping was created is read from its start, as Lambda
        // reads a child shard once its parent is done.
        return this.starts[shardId] ?? { type: "TRIM_HORIZON" };
    }

    private count(shardId: string, event: DeliveryEvent): void {
        if (event.kind === "invoked") {
            this.progress.batches++;
            const last = event.batch[event.batch.length - 1];
            const written = last && localRecordTimeMs(last);
            if (written !== undefined) {
                const finished = (this.options.now ?? Date.now)();
                this.iteratorAges.set(shardId, Math.max(0, finished - written));
                this.progress.iteratorAgeMs = Math.max(...this.iteratorAges.values());
            }
        }
        if (event.kind === "checkpointed") this.progress.delivered += event.records;
        if (event.kind === "discarded") this.progress.failed += event.batch.records.length;
    }

    /** Wakes the `whenIdle` callers whose condition now holds. */
    private checkIdle(): void {
        const discovery = this.lastDiscovery;
        const due = this.idleWaiters.filter(
            (waiter) =>
                discovery.finished &&
                discovery.startedAt > waiter.after &&
                this.lastShardFinishedAt < discovery.startedAt &&
                [...this.loops.keys()].every((shardId) => (this.idleSince.get(shardId) ?? -1) > waiter.after),
        );
        if (due.length === 0) return;
        this.idleWaiters = this.idleWaiters.filter((waiter) => !due.includes(waiter));
        for (const waiter of due) waiter.wake();
    }

    private fail(error: unknown): void {
        this.failure ??= { error };
        this.running = false;
        this.wakeDiscovery?.();
        for (const { loop } of this.loops.values()) loop.stop();
        for (const waiter of this.idleWaiters.splice(0)) waiter.wake();
    }
}

/** The operator's line for records the stream trimmed before the mapping read them. */
export function describeTrimmed(range: TrimmedRange): string {
    const after = range.after ? `after sequence number ${range.after}` : "from the shard's start";
    const until = range.resumedAt ? `before ${range.resumedAt}` : "up to the shard's current end";
    return (
        `Shard ${range.shardId}: records ${after} were trimmed from the stream (past its 24-hour retention) ` +
        `before they were delivered: the records ${after} and ${until} are lost. ` +
        `Resumed at the oldest record still in the shard (TRIM_HORIZON).`
    );
}
