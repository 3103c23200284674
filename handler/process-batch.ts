import { processPartialResponse, type BatchProcessor } from "@aws-lambda-powertools/batch";
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { encodeArchiveObject } from "./archive";
import type { BatchSummary } from "./batch-outcome";
import type { ArchiveWriter } from "./archive-writer";
import { FirstRecordFailedError, InvalidEventError, UnreportableRecordError } from "./errors";
import { createLimiter } from "./limiter";
import { planBatch } from "./plan";
import type { ProjectionWriter } from "./projection-writer";
import { lowestSequenceNumber } from "./sequence";
import type { BatchTelemetry } from "./telemetry";
import type { BatchSettings, WriteOutcome } from "./types";

/**
 * What one batch needs: its settings, as read, and its sinks; built once per container by the
 * factory in `index.ts` (see `createBatchDependencies`).
 */
export type BatchDependencies = BatchSettings & {
    readonly processor: BatchProcessor;
    readonly writeProjection: ProjectionWriter;
    readonly writeArchive: ArchiveWriter;
    /** Where the batch's log lines and metrics go (see `createTelemetry`). */
    readonly telemetry: BatchTelemetry;
};

/**
 * Applies a DynamoDB Streams batch to the projection tables of its routes and archives it as one
 * object.
 *
 * Changes are coalesced per key and route (one guarded write carries each key's latest state in
 * each route it touches; the earlier records count as processed) and distinct writes run
 * concurrently, at most `writeConcurrency` at once. A record that carries several routes' writes
 * succeeds when all of them land. A record that fails is logged and reported by its sequence number
 * while the others still land. The archive is written concurrently; if it fails the whole batch
 * fails, so the mapping retries (and bisects) it.
 *
 * @throws {InvalidEventError} when the event has no `Records` array
 * @throws {ArchiveWriteError} when the archive object could not be stored
 * @throws {FullBatchFailureError} when every record failed (this is what makes the mapping bisect)
 * @throws {UnreportableRecordError} when a failed record has no sequence number to report it by
 * @throws {FirstRecordFailedError} when the batch's first record failed: a partial response could
 *   checkpoint nothing and the mapping would retry the whole rest of the batch with it, so the
 *   invocation fails instead, which makes the mapping bisect until the record is alone
 */
export async function processStreamBatch(
    event: DynamoDBStreamEvent,
    dependencies: BatchDependencies,
    context?: Context,
): Promise<DynamoDBBatchResponse> {
    if (!Array.isArray(event?.Records)) throw new InvalidEventError("`Records` is not an array");
    if (event.Records.length === 0) return { batchItemFailures: [] };
    const startedAt = Date.now();
    dependencies.telemetry.batchStarted(event.Records, context);

    const plan = planBatch(event.Records, dependencies);
    const summary: BatchSummary = {
        records: event.Records.length,
        writes: plan.writes.size,
        applied: 0,
        stale: 0,
        superseded: 0,
        archiveOnly: 0,
        failed: 0,
    };
    // Per-route counts only for a feed with routes: without, the summary stays as it always was.
    const routeCounts = dependencies.routes
        ? Object.fromEntries(
              dependencies.routes.map((route) => [route.name, { applied: 0, stale: 0, tombstoned: 0 }]),
          )
        : undefined;
    if (routeCounts) {
        summary.unrouted = 0;
        summary.routes = routeCounts;
    }
    const limit = createLimiter(dependencies.writeConcurrency);
    const write = async (writeId: string): Promise<WriteOutcome> => {
        const change = plan.writes.get(writeId);
        const route = plan.writeRoutes.get(writeId);
        if (!change || !route) throw new Error(`no planned write ${writeId}`);
        const outcome = await limit(() => dependencies.writeProjection(change, route.table));
        summary[outcome]++;
        const counts = routeCounts?.[route.name];
        if (counts) {
            counts[outcome]++;
            if (outcome === "applied" && change.kind === "delete") counts.tombstoned++;
        }
        return outcome;
    };

    const unreportable: DynamoDBRecord[] = [];
    const applyRecord = async (record: DynamoDBRecord): Promise<void> => {
        const recordPlan = plan.records.get(record);
        try {
            if (!recordPlan) throw new Error("record was not planned");
            switch (recordPlan.kind) {
                case "malformed":
                    throw recordPlan.error;
                case "write": {
                    if (recordPlan.writeIds.length === 1) {
                        await write(recordPlan.writeIds[0]!);
                        return;
                    }
                    // Every write is attempted; the record fails if any of them does.
                    const outcomes = await Promise.allSettled(recordPlan.writeIds.map(write));
                    const failed = outcomes.find((outcome) => outcome.status === "rejected");
                    if (failed) throw failed.reason;
                    return;
                }
                case "superseded":
                    summary.superseded++;
                    return;
                case "unrouted":
                    summary.unrouted = (summary.unrouted ?? 0) + 1;
                    return;
                case "archiveOnly":
                    summary.archiveOnly++;
                    return;
            }
        } catch (error) {
            summary.failed++;
            dependencies.telemetry.recordFailed(record, error);
            if (!record.dynamodb?.SequenceNumber) unreportable.push(record);
            throw error;
        }
    };

    let archiveBytes: number | undefined;
    // A batch no route needs leaves nothing to archive when the archive keeps routed records only.
    const archiving =
        plan.archived.length === 0
            ? Promise.resolve()
            : encodeArchiveObject(dependencies.archivePrefix, plan.archived, {
                  excludeAttributes: dependencies.archiveExcludeAttributes,
                  routesOf: (record) => plan.memberships.get(record),
              }).then(async (archive) => {
                  await dependencies.writeArchive(archive);
                  archiveBytes = archive.body.byteLength;
              });
    const applying = processPartialResponse(event, applyRecord, dependencies.processor, {
        ...(context ? { context } : {}),
        // Safe: each key has at most one write per route in the batch, and the limiter bounds the I/O.
        processInParallel: true,
    });
    const [archived, applied] = await Promise.allSettled([archiving, applying]);
    dependencies.telemetry.batchFinished({ summary, durationMs: Date.now() - startedAt, archiveBytes });
    if (archived.status === "rejected") throw archived.reason;
    if (applied.status === "rejected") throw applied.reason;
    if (unreportable.length > 0) throw new UnreportableRecordError(unreportable);
    const response = applied.value;
    const failures = response.batchItemFailures;
    // Looked for only when a record failed: a clean batch pads each sequence number once, in its change.
    if (event.Records.length > 1 && failures.length > 0) {
        const head = lowestSequenceNumber(event.Records);
        if (failures.some((failure) => failure.itemIdentifier === head)) {
            throw new FirstRecordFailedError(String(head), failures.length);
        }
    }
    return response;
}
