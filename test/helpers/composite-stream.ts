import {
    DescribeStreamCommand,
    GetRecordsCommand,
    GetShardIteratorCommand,
    type DescribeStreamCommandOutput,
    type DynamoDBStreamsClient,
    type GetRecordsCommandInput,
    type GetRecordsCommandOutput,
    type GetShardIteratorCommandInput,
    type GetShardIteratorCommandOutput,
} from "@aws-sdk/client-dynamodb-streams";
import type { StreamsApi } from "../../local/mapping/starting-positions";

/** One shard of the composite stream: the single shard of a real DynamoDB Local table's stream. */
export type CompositeShard = {
    readonly shardId: string;
    /** The real stream whose (only) shard this one reads. */
    readonly streamArn: string;
    readonly parentShardId?: string;
};

type Operation = "GetRecords" | "GetShardIterator";

/**
 * A DynamoDB stream with several shards, parents and children, made of real DynamoDB Local
 * streams (which have one shard each): every call reaches the real Streams API of the shard's
 * table. DynamoDB Local never splits or closes a shard, so `close` does what a shard rollover
 * does: once the shard's records are read, GetRecords answers without a next iterator. `failNext`
 * injects one service error into the next call for a shard, for the error paths only.
 */
export class CompositeStream {
    public readonly streamArn =
        "arn:aws:dynamodb:ddblocal:000000000000:table/composite/stream/2026-11-28T00:00:00.000";
    /** Every iterator request, as the mapping made it. */
    public readonly iteratorRequests: GetShardIteratorCommandInput[] = [];
    private readonly shards: CompositeShard[] = [];
    private readonly realShardIds = new Map<string, string>();
    private readonly closed = new Set<string>();
    private readonly faults: { shardId: string; operation: Operation; name: string }[] = [];

    public constructor(
        private readonly client: DynamoDBStreamsClient,
        private readonly partitionKey = "id",
    ) {}

    /** Adds a shard (at the start, or later, as a shard born after the mapping was created). */
    public async addShard(shard: CompositeShard): Promise<void> {
        const description = await this.client.send(new DescribeStreamCommand({ StreamArn: shard.streamArn }));
        const [real] = description.StreamDescription?.Shards ?? [];
        if (!real?.ShardId) throw new Error(`The stream ${shard.streamArn} has no shard.`);
        this.realShardIds.set(shard.shardId, real.ShardId);
        this.shards.push(shard);
    }

    /** Closes a shard: after its remaining records, GetRecords gives no next iterator. */
    public close(shardId: string): void {
        this.closed.add(shardId);
    }

    /** Makes the next `operation` on the shard fail with a service error named `name`. */
    public failNext(shardId: string, operation: Operation, name: string): void {
        this.faults.push({ shardId, operation, name });
    }

    /** The stand-in for the Streams client the mapping is given. */
    public get api(): StreamsApi {
        return { send: ((command: unknown) => this.send(command)) as StreamsApi["send"] };
    }

    private async send(command: unknown): Promise<unknown> {
        if (command instanceof DescribeStreamCommand) return this.describe();
        if (command instanceof GetShardIteratorCommand) return this.iterator(command.input);
        if (command instanceof GetRecordsCommand) return this.records(command.input);
        throw new Error(`The composite stream does not answer ${String(command)}.`);
    }

    private describe(): DescribeStreamCommandOutput {
        return {
            $metadata: {},
            StreamDescription: {
                StreamArn: this.streamArn,
                StreamStatus: "ENABLED",
                KeySchema: [{ AttributeName: this.partitionKey, KeyType: "HASH" }],
                Shards: this.shards.map((shard) => ({
                    ShardId: shard.shardId,
                    ...(shard.parentShardId ? { ParentShardId: shard.parentShardId } : {}),
                })),
            },
        };
    }

    private async iterator(input: GetShardIteratorCommandInput): Promise<GetShardIteratorCommandOutput> {
        this.iteratorRequests.push(input);
        const shard = this.shard(String(input.ShardId));
        this.injectedFault(shard.shardId, "GetShardIterator");
        const answer = await this.client.send(
            new GetShardIteratorCommand({
                ...input,
                StreamArn: shard.streamArn,
                ShardId: this.realShardIds.get(shard.shardId),
            }),
        );
        return { ...answer, ShardIterator: `${shard.shardId}|${answer.ShardIterator}` };
    }

    private async records(input: GetRecordsCommandInput): Promise<GetRecordsCommandOutput> {
        const iterator = String(input.ShardIterator);
        const separator = iterator.indexOf("|");
        const shardId = iterator.slice(0, separator);
        this.injectedFault(shardId, "GetRecords");
        const page = await this.client.send(
            new GetRecordsCommand({ ...input, ShardIterator: iterator.slice(separator + 1) }),
        );
        const records = page.Records ?? [];
        const next =
            this.closed.has(shardId) && records.length === 0
                ? undefined
                : page.NextShardIterator && `${shardId}|${page.NextShardIterator}`;
        return { ...page, Records: records, NextShardIterator: next };
    }

    private shard(shardId: string): CompositeShard {
        const shard = this.shards.find((candidate) => candidate.shardId === shardId);
        if (!shard) throw new Error(`The composite stream has no shard ${shardId}.`);
        return shard;
    }

    private injectedFault(shardId: string, operation: Operation): void {
        const index = this.faults.findIndex(
            (fault) => fault.shardId === shardId && fault.operation === operation,
        );
        if (index < 0) return;
        const [fault] = this.faults.splice(index, 1);
        throw Object.assign(new Error(`injected ${fault!.name}`), { name: fault!.name });
    }
}
