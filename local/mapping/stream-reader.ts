import {
    DescribeStreamCommand,
    GetRecordsCommand,
    GetShardIteratorCommand,
    type DynamoDBStreamsClient,
    type _Record as SdkStreamRecord,
} from "@aws-sdk/client-dynamodb-streams";

/**
 * Reads every record currently in a stream, shard by shard from TRIM_HORIZON, through the real
 * Streams API. A shard counts as read when GetRecords returns no more records (open shards keep
 * answering with an iterator, so an empty page is the end of what is there now).
 */
export async function readAllStreamRecords(
    client: DynamoDBStreamsClient,
    streamArn: string,
): Promise<SdkStreamRecord[]> {
    const records: SdkStreamRecord[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
        const description = await client.send(
            new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
        );
        const shards = description.StreamDescription?.Shards ?? [];
        for (const shard of shards) {
            let iterator = (
                await client.send(
                    new GetShardIteratorCommand({
                        StreamArn: streamArn,
                        ShardId: shard.ShardId,
                        ShardIteratorType: "TRIM_HORIZON",
                    }),
                )
            ).ShardIterator;
            while (iterator) {
                const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
                records.push(...(page.Records ?? []));
                if ((page.Records ?? []).length === 0) break;
                iterator = page.NextShardIterator;
            }
        }
        exclusiveStartShardId = description.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    return records;
}
