import { DeleteItemCommand, PutItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import { readAllStreamRecords } from "../local/mapping/stream-reader";
import { toLambdaRecord } from "../local/mapping/stream-records";
import { generateWorkload, type Workload, type WorkloadSpec } from "./workload";

/** A workload written to the source table and read back from its real stream, ready to replay. */
export type Recording = {
    readonly spec: WorkloadSpec;
    readonly workload: Workload;
    /** The stream's records of this workload as Lambda delivers them, in stream order. */
    readonly records: readonly DynamoDBRecord[];
};

/** Where to record: the program's (empty) source table and its stream. */
export type SourceTable = { readonly name: string; readonly streamArn: string };

export type RecordingClients = {
    readonly dynamodb: DynamoDBClient;
    readonly streams: DynamoDBStreamsClient;
};

/** Parallel writers; each key belongs to one, so its changes stay in order. */
const WRITE_LANES = 8;

/**
 * Writes workloads to the empty source table one after another, then reads every change back
 * from the table's stream once and splits the records by key prefix (each workload has its own).
 * Replaying these records, rather than synthesized ones, gives each contender what Lambda would
 * deliver: DynamoDB Local's real sequence numbers, images and event names.
 *
 * One table for all workloads on purpose: on DynamoDB Local a second stream-enabled table takes
 * writes several times slower. The writes also warm DynamoDB Local's JVM up before anything is
 * timed.
 *
 * @throws {Error} when the stream does not hold exactly one record per change
 */
export async function recordWorkloads(
    clients: RecordingClients,
    source: SourceTable,
    specs: readonly WorkloadSpec[],
    region: string,
): Promise<Recording[]> {
    const workloads = specs.map((spec) => generateWorkload(spec, WRITE_LANES));
    for (const workload of workloads) await write(clients.dynamodb, source.name, workload);
    const records = (await readAllStreamRecords(clients.streams, source.streamArn)).map((record) =>
        toLambdaRecord(record, { eventSourceArn: source.streamArn, region }),
    );
    const recordings = specs.map((spec, index) => ({
        spec,
        workload: workloads[index] as Workload,
        records: records.filter((record) =>
            record.dynamodb?.Keys?.[spec.keyAttribute]?.S?.startsWith(spec.keyPrefix),
        ),
    }));
    const expected = workloads.reduce((sum, workload) => sum + workload.operations.length, 0);
    const matched = recordings.reduce((sum, recording) => sum + recording.records.length, 0);
    if (records.length !== expected || matched !== expected) {
        throw new Error(
            `${source.name}'s stream holds ${records.length} records (${matched} of the workloads' keys) for ` +
                `${expected} changes; the source table must be empty when the bench starts.`,
        );
    }
    return recordings;
}

async function write(client: DynamoDBClient, table: string, workload: Workload): Promise<void> {
    await Promise.all(
        Array.from({ length: WRITE_LANES }, async (_, lane) => {
            for (const operation of workload.operations) {
                if (operation.lane !== lane) continue;
                if (operation.kind === "put") {
                    await client.send(new PutItemCommand({ TableName: table, Item: operation.item }));
                } else {
                    await client.send(new DeleteItemCommand({ TableName: table, Key: operation.key }));
                }
            }
        }),
    );
}
