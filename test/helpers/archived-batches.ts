import { BatchProcessor, EventType } from "@aws-lambda-powertools/batch";
import type { DynamoDBRecord } from "aws-lambda";
import type { DeployedRoute, TtlExpirationMode } from "../../handler/contract";
import { processStreamBatch } from "../../handler/process-batch";
import type { ArchiveObject } from "../../handler/types";

export type ArchivingSettings = {
    readonly routes?: readonly DeployedRoute[];
    readonly ttlExpirations?: TtlExpirationMode;
};

/** The archive object the handler stores for one batch (projection writes all land). */
export async function archiveBatch(
    records: readonly DynamoDBRecord[],
    settings: ArchivingSettings = {},
): Promise<ArchiveObject[]> {
    const archived: ArchiveObject[] = [];
    await processStreamBatch(
        { Records: [...records] },
        {
            processor: new BatchProcessor(EventType.DynamoDBStreams),
            archivePrefix: "changes/",
            writeConcurrency: 4,
            ttlExpirations: settings.ttlExpirations ?? "delete",
            projectionTable: "projection",
            ...(settings.routes ? { routes: settings.routes } : {}),
            writeProjection: async () => "applied",
            writeArchive: async (archive) => {
                archived.push(archive);
            },
            telemetry: {
                batchStarted: () => undefined,
                recordFailed: () => undefined,
                batchFinished: () => undefined,
            },
        },
    );
    return archived;
}
