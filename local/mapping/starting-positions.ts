import {
    GetRecordsCommand,
    GetShardIteratorCommand,
    type DynamoDBStreamsClient,
    type Shard,
} from "@aws-sdk/client-dynamodb-streams";
import type { ShardStart } from "./checkpoints";

/** The stream reads the mapping makes: the real client, or a stand-in for it in tests. */
export type StreamsApi = Pick<DynamoDBStreamsClient, "send">;

/** Where a newly created mapping starts reading, as declared (`startingPosition`). */
export type StartingPosition = "TRIM_HORIZON" | "LATEST";

/**
 * Where each shard there now starts, for a mapping created now: every shard at TRIM_HORIZON, or,
 * for LATEST, just after the last record each shard holds now (TRIM_HORIZON for an empty shard:
 * whatever arrives in it arrives after the mapping was created).
 *
 * A LATEST iterator cannot be kept (iterators expire after 15 minutes), so the position is pinned
 * to a sequence number by reading each shard to its end once. That makes the mapping's creation
 * the moment LATEST refers to, across restarts and re-acquired iterators, as AWS keeps it.
 */
export async function startingPositions(
    streams: StreamsApi,
    streamArn: string,
    shards: readonly Shard[],
    position: StartingPosition,
): Promise<Record<string, ShardStart>> {
    const starts: Record<string, ShardStart> = {};
    for (const shard of shards) {
        if (!shard.ShardId) continue;
        const last =
            position === "LATEST" ? await lastSequenceNumber(streams, streamArn, shard.ShardId) : undefined;
        starts[shard.ShardId] = last
            ? { type: "AFTER_SEQUENCE_NUMBER", sequenceNumber: last }
            : { type: "TRIM_HORIZON" };
    }
    return starts;
}

async function lastSequenceNumber(
    streams: StreamsApi,
    streamArn: string,
    shardId: string,
): Promise<string | undefined> {
    let iterator = (
        await streams.send(
            new GetShardIteratorCommand({
                StreamArn: streamArn,
                ShardId: shardId,
                ShardIteratorType: "TRIM_HORIZON",
            }),
        )
    ).ShardIterator;
    let last: string | undefined;
    while (iterator) {
        const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
        const records = page.Records ?? [];
        if (records.length === 0) break;
        last = records[records.length - 1]?.dynamodb?.SequenceNumber ?? last;
        iterator = page.NextShardIterator;
    }
    return last;
}
