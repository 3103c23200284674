import type { _Record as SdkStreamRecord } from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import { batchIsDue, MAX_PAYLOAD_BYTES, nextBatchLength, recordPayloadBytes } from "./batching";
import { deliverBatch, type DeliveryEvent, type MappingHooks, type MappingSettings } from "./delivery";
import { concurrentStreamOf } from "./parallelization";
import type { ShardReader } from "./shard-reader";

/** How one shard's records are spread over concurrent batches (`parallelizationFactor`). */
export type Parallelization = {
    readonly factor: number;
    /** The source table's partition-key attribute: records of one key stay in one lane, in order. */
    readonly partitionKeyName: string | undefined;
};

export type ShardLoopOptions = {
    readonly shardId: string;
    readonly reader: ShardReader;
    readonly settings: MappingSettings;
    readonly batchingWindowMs: number;
    readonly parallelization: Parallelization;
    /** Turns a Streams API record into the record Lambda delivers. */
    readonly toLambdaRecord: (record: SdkStreamRecord) => DynamoDBRecord;
    /** Delivery of one batch (the function, the failure destination, the clock, the schedule). */
    readonly delivery: Omit<MappingHooks, "onEvent">;
    /** Persists the shard's checkpoint: every record up to this one is processed. */
    readonly checkpoint: (sequenceNumber: string) => void;
    readonly onEvent: (event: DeliveryEvent) => void;
    /** Records read from the stream, as they arrive. */
    readonly onRead: (count: number) => void;
    /**
     * The mapping's event filter, applied before batching as Lambda applies it: a record it
     * refuses is never delivered and never retried (default: every record passes).
     */
    readonly filter?: (record: DynamoDBRecord) => boolean;
    /** Records the filter refused, as they are read. */
    readonly onFiltered?: (count: number) => void;
    /** A poll that started at `tick` found the shard caught up with nothing queued or in flight. */
    readonly onIdle: (tick: number) => void;
    /** A counter the mapping shares across its loops, to order polls against `whenIdle` calls. */
    readonly tick: () => number;
    readonly pollIntervalMs: number;
};

type Queued = { readonly record: DynamoDBRecord; readonly bytes: number };

/** One of a shard's concurrent batch streams: its queued records and its batch in flight. */
type Lane = {
    readonly queue: Queued[];
    inFlight: Promise<void> | undefined;
    /** When the lane's batching window began: when its previous invocation completed. */
    windowStartedAt: number;
};

/**
 * Polls one shard and delivers its records, as an event source mapping does for each shard, on
 * its own schedule so that a shard stuck on a poison record never holds up the others.
 *
 * With a `parallelizationFactor` above 1, the shard's records are spread over that many lanes by
 * their partition key (see `concurrentStreamOf`), each delivering one batch at a time, in order:
 * up to `factor` batches of the shard are in flight at once, and a key's records never overtake
 * each other.
 *
 * The checkpoint rule with concurrent batches: the shard's checkpoint advances to a record only
 * when that record and every record read before it, in every lane, is processed (checkpointed or
 * discarded). A record processed early in one lane waits for the slower lanes before the
 * checkpoint passes it, so a restart re-delivers (at least once), and never skips, what a slower
 * lane had not finished.
 *
 * A lane's batch is due when it is full (`batchSize` records or 6 MB of payload), when its
 * batching window has passed since the lane's previous invocation completed (AWS starts the
 * window then, not when the first record arrives), or when the shard is closed and read to its end.
 */
export class ShardLoop {
    private readonly lanes: Lane[];
    /** Records read and not yet behind the checkpoint, in stream order. */
    private readonly unsettled: DynamoDBRecord[] = [];
    /** Those of them not processed yet. */
    private readonly pending = new Set<DynamoDBRecord>();
    private stopping = false;
    private wake: (() => void) | undefined;
    private failure: { error: unknown } | undefined;

    public constructor(private readonly options: ShardLoopOptions) {
        const startedAt = this.now();
        this.lanes = Array.from({ length: Math.max(1, options.parallelization.factor) }, () => ({
            queue: [],
            inFlight: undefined,
            windowStartedAt: startedAt,
        }));
    }

    public get shardId(): string {
        return this.options.shardId;
    }

    /**
     * Polls and delivers until the shard is closed and everything in it is processed, or until
     * `stop` is called (after the batches in flight are delivered and checkpointed).
     *
     * @throws the first error a delivery or a read raised (a failure destination that refused a
     *   write, a Streams API error other than an expired iterator or trimmed data)
     */
    public async run(): Promise<void> {
        const { reader, settings, pollIntervalMs } = this.options;
        const capacity = settings.batchSize * this.lanes.length;
        while (!this.stopping && !this.failure) {
            let worked = false;
            let caughtUp = false;
            const pollTick = this.options.tick();
            const queued = this.queuedCount();
            if (!reader.closed && queued < capacity) {
                const page = await reader.read(capacity - queued);
                if (page.records.length > 0) {
                    this.enqueue(page.records);
                    worked = true;
                } else {
                    caughtUp = !page.interrupted;
                }
            }
            worked = this.dispatchDueBatches() || worked;
            if (reader.closed && this.everythingSettled()) break;
            if (worked) continue;
            if (caughtUp && this.queuedCount() === 0 && this.lanes.every((lane) => !lane.inFlight)) {
                this.options.onIdle(pollTick);
            }
            await this.sleep(this.nextWakeInMs(pollIntervalMs));
        }
        await Promise.all(this.lanes.map((lane) => lane.inFlight));
        if (this.failure) throw this.failure.error;
    }

    /** Stops polling; `run` resolves once the batches in flight are delivered and checkpointed. */
    public stop(): void {
        this.stopping = true;
        this.wake?.();
    }

    private enqueue(records: readonly SdkStreamRecord[]): void {
        const { parallelization } = this.options;
        const { filter } = this.options;
        let filtered = 0;
        for (const sdkRecord of records) {
            const record = this.options.toLambdaRecord(sdkRecord);
            if (filter && !filter(record)) {
                // Never delivered, yet passed in order: the checkpoint moves past it as Lambda's does.
                filtered++;
                this.unsettled.push(record);
                continue;
            }
            const lane = concurrentStreamOf(
                record,
                parallelization.partitionKeyName ?? "",
                this.lanes.length,
            );
            this.lanes[lane]!.queue.push({ record, bytes: recordPayloadBytes(record) });
            this.unsettled.push(record);
            this.pending.add(record);
        }
        this.options.onRead(records.length);
        if (filtered > 0) {
            this.options.onFiltered?.(filtered);
            this.settle([]);
        }
    }

    /** Starts a batch on every idle lane whose batch is due; true if it started any. */
    private dispatchDueBatches(): boolean {
        const { settings, batchingWindowMs, reader } = this.options;
        const maxPayloadBytes = this.options.delivery.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;
        let started = false;
        for (const lane of this.lanes) {
            if (lane.inFlight || lane.queue.length === 0) continue;
            const sizes = lane.queue.map((queued) => queued.bytes);
            const due = batchIsDue({
                sizes,
                batchSize: settings.batchSize,
                windowMs: batchingWindowMs,
                windowStartedAt: lane.windowStartedAt,
                now: this.now(),
                closed: reader.closed,
                maxPayloadBytes,
            });
            if (!due) continue;
            const length = nextBatchLength(sizes, settings.batchSize, maxPayloadBytes);
            const batch = lane.queue.splice(0, length).map((queued) => queued.record);
            lane.inFlight = this.deliver(lane, batch);
            started = true;
        }
        return started;
    }

    private async deliver(lane: Lane, batch: readonly DynamoDBRecord[]): Promise<void> {
        try {
            await deliverBatch(batch, this.options.settings, {
                ...this.options.delivery,
                onEvent: (event) => {
                    if (event.kind === "checkpointed") this.settle(event.batch);
                    if (event.kind === "discarded") this.settle(event.batch.records);
                    this.options.onEvent(event);
                },
            });
            this.settle(batch);
        } catch (error) {
            this.failure ??= { error };
        } finally {
            lane.inFlight = undefined;
            // AWS starts the next batching window as soon as the previous invocation completes.
            lane.windowStartedAt = this.now();
            this.wake?.();
        }
    }

    /** Marks records processed and moves the checkpoint past every record settled in order. */
    private settle(records: readonly DynamoDBRecord[]): void {
        for (const record of records) this.pending.delete(record);
        let last: string | undefined;
        while (this.unsettled.length > 0 && !this.pending.has(this.unsettled[0]!)) {
            const record = this.unsettled.shift()!;
            last = record.dynamodb?.SequenceNumber ?? last;
        }
        if (last) this.options.checkpoint(last);
    }

    private everythingSettled(): boolean {
        return this.unsettled.length === 0 && this.lanes.every((lane) => !lane.inFlight);
    }

    private queuedCount(): number {
        return this.lanes.reduce((sum, lane) => sum + lane.queue.length, 0);
    }

    /** Until the next poll, or sooner when a lane's batching window ends. */
    private nextWakeInMs(pollIntervalMs: number): number {
        const { batchingWindowMs } = this.options;
        let wait = pollIntervalMs;
        for (const lane of this.lanes) {
            if (lane.inFlight || lane.queue.length === 0) continue;
            wait = Math.min(wait, Math.max(0, lane.windowStartedAt + batchingWindowMs - this.now()));
        }
        return wait;
    }

    private sleep(ms: number): Promise<void> {
        return new Promise((resolve) => {
            const timer = setTimeout(done, ms);
            function done(): void {
                clearTimeout(timer);
                resolve();
            }
            this.wake = done;
        });
    }

    private now(): number {
        return (this.options.delivery.now ?? Date.now)();
    }
}
