import {
    GetRecordsCommand,
    GetShardIteratorCommand,
    type _Record as SdkStreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import type { ShardStart } from "./checkpoints";
import type { StreamsApi } from "./starting-positions";

/** Records of a shard that the stream trimmed (past its 24-hour retention) before they were read. */
export type TrimmedRange = {
    readonly shardId: string;
    /** The last sequence number read or checkpointed before the loss (none: from the shard's start). */
    readonly after: string | undefined;
    /** The first record read after resuming at TRIM_HORIZON (none: the shard held nothing then). */
    readonly resumedAt: string | undefined;
};

/** One GetRecords call's outcome. */
export type ShardPage = {
    readonly records: readonly SdkStreamRecord[];
    /**
     * The call did not look at the shard's end (its iterator had expired or the records it pointed
     * at were trimmed): an empty page here does not mean the shard is caught up.
     */
    readonly interrupted: boolean;
};

export type ShardReaderOptions = {
    readonly streams: StreamsApi;
    readonly streamArn: string;
    readonly shardId: string;
    /** Where to start when nothing has been read yet: after the checkpoint, or the shard's start. */
    readonly start: () => ShardStart;
    readonly onTrimmed: (range: TrimmedRange) => void;
};

/**
 * Reads one shard page by page through the Streams API, keeping its place across the two errors
 * a long-running reader meets:
 *
 * - `ExpiredIteratorException` (an iterator unused for 15 minutes): a new iterator right after the
 *   last record read, or at the shard's start position if nothing was read yet;
 * - `TrimmedDataAccessException` (the records the iterator points at are past the stream's
 *   24-hour retention): a new iterator at TRIM_HORIZON, the oldest record still there, reporting
 *   the lost range through `onTrimmed`. Records at or before the last one read are skipped, so a
 *   shard that was not really trimmed (DynamoDB Local trims nothing) is not read twice.
 *
 * Any other error is thrown.
 */
export class ShardReader {
    private iterator: string | undefined;
    private opened = false;
    private lastRead: string | undefined;
    private trimmedAfter: { after: string | undefined } | undefined;
    private ended = false;

    public constructor(private readonly options: ShardReaderOptions) {}

    /** True once the shard is closed and every record in it has been read. */
    public get closed(): boolean {
        return this.ended;
    }

    /** Reads the next page of at most `limit` records (GetRecords allows 1,000). */
    public async read(limit: number): Promise<ShardPage> {
        if (this.ended) return { records: [], interrupted: false };
        if (!this.opened) {
            const opened = await this.open();
            if (!opened) return { records: [], interrupted: true };
        }
        if (!this.iterator) {
            this.ended = true;
            return { records: [], interrupted: false };
        }
        let page;
        try {
            page = await this.options.streams.send(
                new GetRecordsCommand({ ShardIterator: this.iterator, Limit: Math.min(1000, limit) }),
            );
        } catch (error) {
            const name = (error as { name?: string }).name;
            if (name === "ExpiredIteratorException") {
                this.opened = false;
                return { records: [], interrupted: true };
            }
            if (name === "TrimmedDataAccessException") {
                await this.resumeAtTrimHorizon();
                return { records: [], interrupted: true };
            }
            throw error;
        }
        const records = (page.Records ?? []).filter((record) => !this.alreadyRead(record));
        if (this.trimmedAfter) {
            this.options.onTrimmed({
                shardId: this.options.shardId,
                after: this.trimmedAfter.after,
                resumedAt: records[0]?.dynamodb?.SequenceNumber,
            });
            this.trimmedAfter = undefined;
        }
        this.lastRead = records[records.length - 1]?.dynamodb?.SequenceNumber ?? this.lastRead;
        this.iterator = page.NextShardIterator;
        if (!this.iterator) this.ended = true;
        return { records, interrupted: false };
    }

    /** Opens (or reopens) the iterator right after the last record read; false if it was trimmed. */
    private async open(): Promise<boolean> {
        const start: ShardStart = this.lastRead
            ? { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: this.lastRead }
            : this.options.start();
        try {
            this.iterator = await this.iteratorAt(start);
            this.opened = true;
            return true;
        } catch (error) {
            if ((error as { name?: string }).name !== "TrimmedDataAccessException") throw error;
            await this.resumeAtTrimHorizon(
                start.type === "AFTER_SEQUENCE_NUMBER" ? start.sequenceNumber : undefined,
            );
            return false;
        }
    }

    private async resumeAtTrimHorizon(after = this.lastRead ?? this.startSequenceNumber()): Promise<void> {
        this.trimmedAfter = { after };
        this.lastRead = after;
        this.iterator = await this.iteratorAt({ type: "TRIM_HORIZON" });
        this.opened = true;
    }

    private startSequenceNumber(): string | undefined {
        const start = this.options.start();
        return start.type === "AFTER_SEQUENCE_NUMBER" ? start.sequenceNumber : undefined;
    }

    private async iteratorAt(start: ShardStart): Promise<string | undefined> {
        const { streams, streamArn, shardId } = this.options;
        const answer = await streams.send(
            new GetShardIteratorCommand({
                StreamArn: streamArn,
                ShardId: shardId,
                ShardIteratorType: start.type,
                ...(start.type === "AFTER_SEQUENCE_NUMBER" ? { SequenceNumber: start.sequenceNumber } : {}),
            }),
        );
        return answer.ShardIterator;
    }

    private alreadyRead(record: SdkStreamRecord): boolean {
        const sequence = record.dynamodb?.SequenceNumber;
        return (
            this.lastRead !== undefined && sequence !== undefined && BigInt(sequence) <= BigInt(this.lastRead)
        );
    }
}
