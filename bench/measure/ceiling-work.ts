import * as fs from "node:fs";
import type { PutItemCommandInput } from "@aws-sdk/client-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { encodeArchiveObject, planBatch, toGuardedPut, type HandlerSettings } from "../../handler";
import type { CeilingWork } from "./ceiling-function";

/** The handler's guarded PutItems for a batch, without the table name: one per distinct key, from its own `planBatch` and `toGuardedPut`. */
export function guardedPuts(
    batch: readonly DynamoDBRecord[],
    settings: HandlerSettings,
): PutItemCommandInput[] {
    const options = { nowSeconds: Date.now() / 1000, tombstoneTtlSeconds: settings.tombstoneTtlSeconds };
    return [...planBatch(batch, { ttlExpirations: settings.ttlExpirations }).writes.values()].map(
        (change) => {
            const put = toGuardedPut(change, options);
            return {
                TableName: undefined,
                Item: put.item,
                ConditionExpression: put.conditionExpression,
                ExpressionAttributeNames: put.expressionAttributeNames,
                ExpressionAttributeValues: put.expressionAttributeValues,
            };
        },
    );
}

/** Prepares the ceiling's work for these batches (items built, archives gzipped) into the file its function reads at init. */
export async function writeCeilingWork(
    file: string,
    batches: readonly (readonly DynamoDBRecord[])[],
    settings: HandlerSettings,
): Promise<void> {
    const work: CeilingWork = {};
    for (const batch of batches) {
        const { key, body } = await encodeArchiveObject(settings.archivePrefix, batch);
        const puts = guardedPuts(batch, settings);
        work[String(batch[0]?.dynamodb?.SequenceNumber)] = {
            puts,
            key,
            body: Buffer.from(body).toString("base64"),
        };
    }
    fs.writeFileSync(file, JSON.stringify(work));
}
