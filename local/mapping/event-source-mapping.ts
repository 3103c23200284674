import {
    DescribeStreamCommand,
    GetRecordsCommand,
    GetShardIteratorCommand,
    type Shard,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import type { CheckpointStore, ShardStart } from "./checkpoints";
import { startingPositions, type StartingPosition, type StreamsApi } from "./starting-positions";
import { batchIsFull, nextBatchLength, recordPayloadBytes } from "./batching";
import { deliverShard, type DiscardedBatch, type MappingSettings } from "./delivery";
import type { Invocation } from "../lambda/local-function";
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
    /** Age of the last record handed to the function when it was delivered (0 when idle). */
    iteratorAgeMs: number;
};

export type EventSourceMappingOptions = {
    readonly streams: StreamsApi;
    readonly streamArn: string;
    readonly region: string;
    readonly settings: MappingSettings;
    readonly startingPosition: StartingPosition;
    readonly batchingWindowSeconds: number;
    readonly checkpoints: CheckpointStore;
    readonly invoke: (event: DynamoDBStreamEvent) => Promise<Invocation>;
    readonly discard: (batch: DiscardedBatch, shardId: string) => Promise<void>;
    readonly onRepair?: (repair: Repair) => void;
    /** How often an idle shard is polled; Lambda polls 4 times a second. */
    readonly pollIntervalMs?: number;
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
    };
    private readonly shards = new Map<string, ShardState>();
    private readonly finishedShards = new Set<string>();
    private running = false;
    private loop: Promise<void> | undefined;
    private idleWaiters: { readonly afterRound: number; readonly wake: () => void }[] = [];
    private round = 0;
    private starts: Readonly<Record<string, ShardStart>> = {};
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
        await this.create();
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

    /**
     * Creates the mapping on its first start: records where each shard there now starts (see
     * `startingPositions`), so that later starts, re-acquired iterators and shards held back behind
     * their parent all start from the position the mapping was created with.
     */
    private async create(): Promise<void> {
        const { streams, streamArn, startingPosition, checkpoints } = this.options;
        const recorded = checkpoints.getStarts(streamArn);
        if (recorded) {
            this.starts = recorded;
            return;
        }
        this.starts = await startingPositions(
            streams,
            streamArn,
            await this.describeShards(),
            startingPosition,
        );
        checkpoints.setStarts(streamArn, this.starts);
    }

    private async describeShards(): Promise<Shard[]> {
        const { streams, streamArn } = this.options;
        const all: Shard[] = [];
        let start: string | undefined;
        do {
            const page = await streams.send(
                new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
            );
            all.push(...(page.StreamDescription?.Shards ?? []));
            start = page.StreamDescription?.LastEvaluatedShardId;
        } while (start);
        return all;
    }

    private async discoverShards(): Promise<void> {
        const all = await this.describeShards();
        const known = new Set(all.map((shard) => shard.ShardId));
        for (const shard of all) {
            const shardId = shard.ShardId;
            if (!shardId || this.shards.has(shardId) || this.finishedShards.has(shardId)) continue;
            const parent = shard.ParentShardId;
            if (parent && known.has(parent) && !this.finishedShards.has(parent)) continue;
            const iterator = await this.iteratorAfterCheckpoint(shardId);
            this.shards.set(shardId, {
                shardId,
                iterator,
                closed: !iterator,
                buffer: [],
                bufferSince: 0,
            });
        }
    }

    /** Reads what the shard has and delivers a batch when it is due; true if it did any work. */
    private async pollShard(shard: ShardState): Promise<boolean> {
        const { settings, streams, streamArn, region } = this.options;
        let read = 0;
        const sizes = (): number[] => shard.buffer.map(recordPayloadBytes);
        if (shard.iterator && !batchIsFull(sizes(), settings.batchSize)) {
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
            if (read > 0 && shard.buffer.length === 0) shard.bufferSince = Date.now();
            shard.buffer.push(...records);
            this.progress.seen += read;
            shard.iterator = page.NextShardIterator;
            if (!shard.iterator) shard.closed = true;
        }
        const windowElapsed = Date.now() - shard.bufferSince >= this.options.batchingWindowSeconds * 1000;
        const buffered = sizes();
        const due =
            shard.buffer.length > 0 &&
            (batchIsFull(buffered, settings.batchSize) || windowElapsed || shard.closed);
        if (due) {
            await this.deliver(shard, shard.buffer.splice(0, nextBatchLength(buffered, settings.batchSize)));
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
        shard.iterator = await this.iteratorAfterCheckpoint(shard.shardId);
    }

    /**
     * An iterator right after the shard's checkpoint; without one, at the position recorded for
     * the shard when the mapping was created; for a shard that appeared later (a child of a
     * finished parent), at its start (TRIM_HORIZON), as Lambda reads new shards.
     */
    private async iteratorAfterCheckpoint(shardId: string): Promise<string | undefined> {
        const { streams, streamArn, checkpoints } = this.options;
        const checkpoint = checkpoints.get(streamArn, shardId);
        const start: ShardStart = checkpoint
            ? { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: checkpoint }
            : (this.starts[shardId] ?? { type: "TRIM_HORIZON" });
        const answer = await streams.send(
            new GetShardIteratorCommand({
                StreamArn: streamArn,
                ShardId: shardId,
                ...(start.type === "AFTER_SEQUENCE_NUMBER"
                    ? { ShardIteratorType: start.type, SequenceNumber: start.sequenceNumber }
                    : { ShardIteratorType: start.type }),
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
            recordTimeMs: localRecordTimeMs,
            onEvent: (event) => {
                if (event.kind === "checkpointed") this.progress.delivered += event.records;
                if (event.kind === "discarded") this.progress.failed += event.batch.records.length;
            },
        });
        const last = batch[batch.length - 1]?.dynamodb?.SequenceNumber;
        if (last) checkpoints.set(streamArn, shard.shardId, last);
    }
}
