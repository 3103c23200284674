import { processPartialResponse, type BatchProcessor } from "@aws-lambda-powertools/batch";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { encodeArchiveObject } from "./archive";
import type { ArchiveWriter } from "./archive-writer";
import { invalidEventError, unreportableRecordError } from "./errors";
import { logRecordFailure } from "./log";
import type { ProjectionWriter } from "./projection-writer";
import { routeRecord } from "./route";

/** What one batch needs; built once per container by the factory in `index.ts`. */
export type BatchDependencies = {
    readonly processor: BatchProcessor;
    readonly writeProjection: ProjectionWriter;
    readonly writeArchive: ArchiveWriter;
    readonly archivePrefix: string;
};

/**
 * Applies a DynamoDB Streams batch to the projection table and archives it as one object.
 *
 * Records are applied in stream order; a record that fails is logged and reported by its sequence
 * number while the others still land. The archive is written concurrently; if it fails the whole
 * batch fails, so the mapping retries (and bisects) it.
 *
 * @throws {InvalidEventError} when the event has no `Records` array
 * @throws {ArchiveWriteError} when the archive object could not be stored
 * @throws {FullBatchFailureError} when every record failed (this is what makes the mapping bisect)
 * @throws {UnreportableRecordError} when a failed record has no sequence number to report it by
 */
export async function processStreamBatch(
    event: DynamoDBStreamEvent,
    dependencies: BatchDependencies,
    context?: Context,
): Promise<DynamoDBBatchResponse> {
    if (!Array.isArray(event?.Records)) throw invalidEventError("`Records` is not an array");
    if (event.Records.length === 0) return { batchItemFailures: [] };

    const unreportable: DynamoDBRecord[] = [];
    const applyRecord = async (record: DynamoDBRecord): Promise<void> => {
        try {
            await dependencies.writeProjection(routeRecord(record));
        } catch (error) {
            logRecordFailure(record, error);
            if (!record.dynamodb?.SequenceNumber) unreportable.push(record);
            throw error;
        }
    };

    const archiving = encodeArchiveObject(dependencies.archivePrefix, event.Records).then(
        dependencies.writeArchive,
    );
    const applying = processPartialResponse(event, applyRecord, dependencies.processor, {
        ...(context ? { context } : {}),
        // In order: two changes to one key must not race.
        processInParallel: false,
    });
    const [archived, applied] = await Promise.allSettled([archiving, applying]);
    if (archived.status === "rejected") throw archived.reason;
    if (applied.status === "rejected") throw applied.reason;
    if (unreportable.length > 0) throw unreportableRecordError(unreportable);
    return applied.value;
}
