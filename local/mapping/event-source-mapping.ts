import {
    DescribeStreamCommand,
    GetRecordsCommand,
    GetShardIteratorCommand,
    type DynamoDBStreamsClient,
    type Shard,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { CheckpointStore } from "./checkpoints";
import { deliverShard, type DiscardedBatch, type MappingSettings } from "./delivery";
import type { Invocation } from "../lambda/local-function";
import { toLambdaRecord, type Repair } from "./stream-records";

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
    /** Age of the last record handed to the function when it was delivered (0 when idle). */
    iteratorAgeMs: number;
    /** Records the mapping's filter dropped: never delivered, never retried. */
    filtered: number;
};

export type EventSourceMappingOptions = {
    readonly streams: DynamoDBStreamsClient;
    readonly streamArn: string;
    readonly region: string;
    readonly settings: MappingSettings;
    readonly startingPosition: "TRIM_HORIZON" | "LATEST";
    readonly batchingWindowSeconds: number;
    readonly checkpoints: CheckpointStore;
    readonly invoke: (event: DynamoDBStreamEvent) => Promise<Invocation>;
    readonly discard: (batch: DiscardedBatch, shardId: string) => Promise<void>;
    readonly onRepair?: (repair: Repair) => void;
    /** How often an idle shard is polled; Lambda polls 4 times a second. */
    readonly pollIntervalMs?: number;
    /** The mapping's event filter: records it refuses are skipped before batching (default: none). */
    readonly filter?: (record: DynamoDBRecord) => boolean;
};

type ShardState = {
    readonly shardId: string;
    iterator: string | undefined;
    closed: boolean;
    buffer: DynamoDBRecord[];
    bufferSince: number;
};

/**
 * A local event source mapping for a DynamoDB stream: polls the real Streams API (DescribeStream,
 * GetShardIterator, GetRecords), gathers batches up to `batchSize` within the batching window,
 * delivers them with the mapping's rules (see `deliverShard`), and checkpoints each shard after
 * every batch so that a restart resumes after the last processed record. Parent shards are read
 * to the end before their children, as Lambda does.
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
    private readonly shards = new Map<string, ShardState>();
    private readonly finishedShards = new Set<string>();
    private running = false;
    private loop: Promise<void> | undefined;
    private idleWaiters: { readonly afterRound: number; readonly wake: () => void }[] = [];
    private round = 0;
    private firstDiscovery = true;
    private failure: unknown;

    public constructor(private readonly options: EventSourceMappingOptions) {}

    /** Starts polling in the background. */
    public start(): void {
        if (this.running) return;
        this.running = true;
        this.loop = this.run().catch((error: unknown) => {
            this.failure = error;
            this.running = false;
            for (const waiter of this.idleWaiters.splice(0)) waiter.wake();
        });
    }

    /** Stops after the batch in flight (if any) is delivered and checkpointed. */
    public async stop(): Promise<void> {
        this.running = false;
        await this.loop;
    }

    /**
     * Resolves when a polling round that started after this call finds every shard empty with
     * nothing buffered or in flight: everything written before the call has been delivered or
     * discarded. Rejects if polling failed.
     */
    public async whenIdle(): Promise<void> {
        if (this.failure || !this.running)
            throw this.failure ?? new Error("The stream poller is not running.");
        const afterRound = this.round;
        await new Promise<void>((wake) => this.idleWaiters.push({ afterRound, wake }));
        if (this.failure) throw this.failure;
    }

    private async run(): Promise<void> {
        const interval = this.options.pollIntervalMs ?? 250;
        while (this.running) {
            this.round++;
            await this.discoverShards();
            let active = false;
            for (const shard of this.shards.values()) {
                if (!this.running) break;
                active = (await this.pollShard(shard)) || active;
            }
            const waiting = [...this.shards.values()].some((shard) => shard.buffer.length > 0);
            if (!active && waiting) {
                // Records are gathering within the batching window: not idle yet.
                await new Promise((resolve) => setTimeout(resolve, interval));
            } else if (!active) {
                this.progress.iteratorAgeMs = 0;
                const due = this.idleWaiters.filter((waiter) => waiter.afterRound < this.round);
                this.idleWaiters = this.idleWaiters.filter((waiter) => waiter.afterRound >= this.round);
                for (const waiter of due) waiter.wake();
                await new Promise((resolve) => setTimeout(resolve, interval));
            }
        }
    }

    private async discoverShards(): Promise<void> {
        const { streams, streamArn, startingPosition } = this.options;
        const all: Shard[] = [];
        let start: string | undefined;
        do {
            const page = await streams.send(
                new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
            );
            all.push(...(page.StreamDescription?.Shards ?? []));
            start = page.StreamDescription?.LastEvaluatedShardId;
        } while (start);
        const known = new Set(all.map((shard) => shard.ShardId));
        for (const shard of all) {
            const shardId = shard.ShardId;
            if (!shardId || this.shards.has(shardId) || this.finishedShards.has(shardId)) continue;
            const parent = shard.ParentShardId;
            if (parent && known.has(parent) && !this.finishedShards.has(parent)) continue;
            // LATEST applies to the shards there when the mapping is first created; shards born
            // later are read from their start, as Lambda does.
            const iterator = await this.iteratorAfterCheckpoint(
                shardId,
                this.firstDiscovery ? startingPosition : "TRIM_HORIZON",
            );
            this.shards.set(shardId, {
                shardId,
                iterator,
                closed: !iterator,
                buffer: [],
                bufferSince: 0,
            });
        }
        this.firstDiscovery = false;
    }

    /** Reads what the shard has and delivers a batch when it is due; true if it did any work. */
    private async pollShard(shard: ShardState): Promise<boolean> {
        const { settings, streams, streamArn, region } = this.options;
        let read = 0;
        if (shard.iterator && shard.buffer.length < settings.batchSize) {
            const page = await streams
                .send(
                    new GetRecordsCommand({
                        ShardIterator: shard.iterator,
                        Limit: Math.min(1000, settings.batchSize - shard.buffer.length),
                    }),
                )
                .catch(async (error: { name?: string }) => {
                    // Iterators expire after 15 minutes idle: start again after the checkpoint.
                    if (error.name !== "ExpiredIteratorException") throw error;
                    await this.reacquire(shard);
                    return { Records: [], NextShardIterator: shard.iterator };
                });
            const records = (page.Records ?? []).map((record) =>
                toLambdaRecord(record, { eventSourceArn: streamArn, region }, this.options.onRepair),
            );
            read = records.length;
            const passed = this.options.filter ? records.filter(this.options.filter) : records;
            this.progress.filtered += records.length - passed.length;
            if (passed.length > 0 && shard.buffer.length === 0) shard.bufferSince = Date.now();
            shard.buffer.push(...passed);
            this.progress.seen += read;
            shard.iterator = page.NextShardIterator;
            if (!shard.iterator) shard.closed = true;
        }
        const windowElapsed = Date.now() - shard.bufferSince >= this.options.batchingWindowSeconds * 1000;
        const due =
            shard.buffer.length > 0 &&
            (shard.buffer.length >= settings.batchSize || windowElapsed || shard.closed);
        if (due) {
            await this.deliver(shard, shard.buffer.splice(0, settings.batchSize));
            if (shard.buffer.length > 0) shard.bufferSince = Date.now();
        }
        if (shard.closed && shard.buffer.length === 0) {
            this.shards.delete(shard.shardId);
            this.finishedShards.add(shard.shardId);
        }
        return read > 0 || due;
    }

    private async reacquire(shard: ShardState): Promise<void> {
        shard.buffer = [];
        shard.iterator = await this.iteratorAfterCheckpoint(shard.shardId, "TRIM_HORIZON");
    }

    /** An iterator right after the shard's checkpoint, or at `withoutCheckpoint` when it has none. */
    private async iteratorAfterCheckpoint(
        shardId: string,
        withoutCheckpoint: "TRIM_HORIZON" | "LATEST",
    ): Promise<string | undefined> {
        const { streams, streamArn, checkpoints } = this.options;
        const checkpoint = checkpoints.get(streamArn, shardId);
        const answer = await streams.send(
            new GetShardIteratorCommand({
                StreamArn: streamArn,
                ShardId: shardId,
                ...(checkpoint
                    ? { ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: checkpoint }
                    : { ShardIteratorType: withoutCheckpoint }),
            }),
        );
        return answer.ShardIterator;
    }

    private async deliver(shard: ShardState, batch: DynamoDBRecord[]): Promise<void> {
        const { settings, checkpoints, streamArn } = this.options;
        await deliverShard(batch, settings, {
            invoke: async (event) => {
                const last = event.Records[event.Records.length - 1]?.dynamodb?.ApproximateCreationDateTime;
                this.progress.iteratorAgeMs = last === undefined ? 0 : Math.max(0, Date.now() - last * 1000);
                this.progress.batches++;
                return this.options.invoke(event);
            },
            discard: (discarded) => this.options.discard(discarded, shard.shardId),
            onEvent: (event) => {
                if (event.kind === "checkpointed") this.progress.delivered += event.records;
                if (event.kind === "discarded") this.progress.failed += event.batch.records.length;
            },
        });
        const last = batch[batch.length - 1]?.dynamodb?.SequenceNumber;
        if (last) checkpoints.set(streamArn, shard.shardId, last);
    }
}
