import { DeleteItemCommand, PutItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { AttributeValue, DynamoDBRecord } from "aws-lambda";
import { readAllStreamRecords } from "../../local/mapping/stream-reader";
import { toLambdaRecord } from "../../local/mapping/stream-records";
import type { LocalStack } from "../../local/stack";
import { generateWorkload, type Workload, type WorkloadSpec } from "./workload";

/** A workload written to the source table and read back from its real stream, ready to replay. */
export type Recording = {
    readonly workload: Workload;
    /** The stream's records as Lambda delivers them, in stream order. */
    readonly records: readonly DynamoDBRecord[];
};

/** Parallel writers; each key belongs to one, so its changes stay in order. */
const WRITE_LANES = 8;

/**
 * Writes a workload to the stack's empty source table, then reads every change back from the
 * table's stream once. Replaying these records, rather than synthesized ones, gives each contender
 * what Lambda would deliver: DynamoDB Local's real sequence numbers, images and event names. The
 * writes also warm DynamoDB Local's JVM up before anything is timed.
 *
 * @throws {Error} when the stream does not hold exactly one record per change
 */
export async function recordWorkload(stack: LocalStack, spec: WorkloadSpec): Promise<Recording> {
    const workload = generateWorkload(spec, WRITE_LANES);
    const table = stack.names.sourceTable;
    await Promise.all(
        Array.from({ length: WRITE_LANES }, (_, lane) =>
            writeLane(stack.clients.dynamodb, table, workload, lane),
        ),
    );
    const records = (await readAllStreamRecords(stack.clients.streams, stack.sourceStreamArn)).map((record) =>
        toLambdaRecord(record, { eventSourceArn: stack.sourceStreamArn, region: stack.region }),
    );
    if (records.length !== workload.operations.length) {
        throw new Error(
            `${table}'s stream holds ${records.length} records for ${workload.operations.length} changes; ` +
                "the source table must be empty when the bench starts.",
        );
    }
    return { workload, records };
}

async function writeLane(
    client: DynamoDBClient,
    table: string,
    workload: Workload,
    lane: number,
): Promise<void> {
    for (const operation of workload.operations) {
        if (operation.lane !== lane) continue;
        if (operation.kind === "put")
            await client.send(new PutItemCommand({ TableName: table, Item: operation.item }));
        else await client.send(new DeleteItemCommand({ TableName: table, Key: operation.key }));
    }
}

/**
 * Copies of records under other keys (`prefix` + key), for warming a contender up with realistic
 * records without touching the keys it is then timed on. Event IDs and sequence numbers change too
 * (a leading 9 keeps them digits and in order), so no timed batch shares an archive object or a
 * prepared ceiling batch with a warm-up one.
 */
export function warmupCopies(
    records: readonly DynamoDBRecord[],
    keyAttribute: string,
    prefix: string,
): DynamoDBRecord[] {
    const rekey = (image: Record<string, AttributeValue> | undefined) => {
        const key = image?.[keyAttribute]?.S;
        return image && key !== undefined ? { ...image, [keyAttribute]: { S: `${prefix}${key}` } } : image;
    };
    return records.map((record) => ({
        ...record,
        eventID: `${prefix}${record.eventID ?? ""}`,
        dynamodb: {
            ...record.dynamodb,
            ...(record.dynamodb?.SequenceNumber
                ? { SequenceNumber: `9${record.dynamodb.SequenceNumber}` }
                : {}),
            Keys: rekey(record.dynamodb?.Keys),
            NewImage: rekey(record.dynamodb?.NewImage),
            OldImage: rekey(record.dynamodb?.OldImage),
        },
    }));
}
