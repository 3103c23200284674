import { runBackfill } from "../../ops/backfill";
import { createHandlerRunner } from "../../ops/handler-runner";
import { resolveTarget, type TargetOptions } from "../../ops/target";
import { formatDuration, formatProgressBar } from "../runner/progress-bar";
import { createProgressLine } from "../runner/progress-line";
import type { CommandContext } from "../runner/run-command";

export type ScanBackfillOptions = {
    readonly target: TargetOptions;
    readonly segments: number;
    /** Items per second over all segments; undefined for no limit. */
    readonly rate: number | undefined;
    readonly pageSize: number;
    readonly checkpointFile: string;
    readonly restart: boolean;
};

/**
 * `npm run backfill`: parallel segmented Scans through the handler's own path, with one progress
 * bar and a summary. Exit code 0 when complete, 130 when interrupted (the checkpoint saved).
 */
export async function runScanBackfillCommand(
    options: ScanBackfillOptions,
    context: CommandContext,
): Promise<number> {
    const { segments, rate, pageSize, checkpointFile } = options;
    const target = await resolveTarget(options.target);
    const abort = new AbortController();
    context.onInterrupt(() => {
        console.log("\nInterrupted: finishing the pages in flight and saving the checkpoint…");
        abort.abort();
    });
    const progress = createProgressLine(process.stdout);
    try {
        console.log(
            `Backfilling ${target.names.sourceTable} → ${target.names.projectionTable} and s3://${target.names.archiveBucket}/${target.settings.archivePrefix} (${target.description})`,
        );
        console.log(
            `  ${segments} segments, ${rate ? `${rate} items/s` : "no rate limit"}, pages of ${pageSize}, checkpoint ${checkpointFile}`,
        );
        const result = await runBackfill({
            dynamodb: target.clients.dynamodb,
            sourceTable: target.names.sourceTable,
            region: target.region,
            runBatch: createHandlerRunner(target),
            segments,
            ...(rate ? { ratePerSecond: rate } : {}),
            pageSize,
            checkpointFile,
            restart: options.restart,
            signal: abort.signal,
            onProgress: (state) =>
                progress.update(
                    formatProgressBar({
                        done: state.items,
                        total: state.estimatedTotal,
                        elapsedMs: state.elapsedMs,
                    }),
                ),
        });
        progress.done();
        if (result.alreadyComplete) {
            console.log(
                `Backfill run ${result.runId} already completed (${result.totalItems.toLocaleString("en-US")} items); ` +
                    `pass --restart to run it again.`,
            );
            return 0;
        }
        const summary = `${result.items.toLocaleString("en-US")} items in ${result.pages} pages in ${formatDuration(result.elapsedMs)}`;
        if (!result.complete) {
            console.log(
                `Interrupted after ${summary}; run the same command again to resume (run ${result.runId}).`,
            );
            return 130;
        }
        console.log(
            `Backfill complete${result.resumed ? " (resumed)" : ""}: ${summary}; ${result.totalItems.toLocaleString("en-US")} items over the whole run ${result.runId}.`,
        );
        return 0;
    } finally {
        progress.done();
        target.close();
    }
}
