import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { readSettings } from "../../handler/settings";
import { declaredFunctionEnvironment } from "../../local/program";
import type { LocalStack } from "../../local/stack";
import type { OpsTarget } from "../../ops/target";
import { readAllStreamRecords } from "../../local/mapping/stream-reader";
import { toLambdaRecord } from "../../local/mapping/stream-records";

/**
 * Reads the source table's real stream and returns, as Lambda would deliver them, the records
 * this reader has not returned before.
 */
export function streamTail(stack: LocalStack): () => Promise<DynamoDBRecord[]> {
    const seen = new Set<string>();
    return async () => {
        const records = await readAllStreamRecords(stack.clients.streams, stack.sourceStreamArn);
        const fresh = records.filter((record) => !seen.has(record.eventID ?? ""));
        for (const record of fresh) seen.add(record.eventID ?? "");
        return fresh.map((record) =>
            toLambdaRecord(record, { eventSourceArn: stack.sourceStreamArn, region: stack.region }),
        );
    };
}

export function asEvent(records: DynamoDBRecord[]): DynamoDBStreamEvent {
    return { Records: records };
}

/** The local stack as an ops target (backfill, redrive), with the function's declared settings. */
export function opsTargetFor(stack: LocalStack): OpsTarget {
    return {
        description: `local stack ${stack.run.stack} (in-process)`,
        names: stack.names,
        region: stack.region,
        clients: { dynamodb: stack.clients.dynamodb, s3: stack.clients.s3 },
        settings: readSettings(declaredFunctionEnvironment(stack.run)),
        close: () => undefined,
    };
}
