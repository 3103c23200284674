import {
    runExportBackfill,
    type ExportBackfillOutcome,
    type ExportBackfillProgress,
} from "../../ops/export-backfill";
import { resolveExportBackfill } from "../../ops/export-target";
import type { TargetOptions } from "../../ops/target";
import { formatDuration, formatProgressBar } from "../runner/progress-bar";
import { createProgressLine } from "../runner/progress-line";

export type ExportBackfillCommandOptions = {
    readonly target: TargetOptions;
    readonly exportArn?: string;
    readonly restart: boolean;
    readonly dryRun: boolean;
    readonly pollMs?: number;
};

/**
 * `npm run backfill -- --from-export`: the export, the state machine's run with one progress bar
 * of files and items, then a summary. Exit code 0 when every file was applied, 2 when some were
 * not (running the command again applies just those).
 */
export async function runExportBackfillCommand(options: ExportBackfillCommandOptions): Promise<number> {
    const resolved = await resolveExportBackfill(options.target);
    const progress = createProgressLine(process.stdout);
    const count = (value: number) => value.toLocaleString("en-US");
    try {
        const { target } = resolved;
        progress.log(
            `${options.dryRun ? "Dry run: " : ""}Backfilling ${target.sourceTable} from a point-in-time export with ` +
                `${target.stateMachineArn} (${target.description})`,
        );
        const outcome: ExportBackfillOutcome = await runExportBackfill(resolved.clients, target, {
            ...(options.exportArn ? { exportArn: options.exportArn } : {}),
            restart: options.restart,
            dryRun: options.dryRun,
            ...(options.pollMs ? { pollMs: options.pollMs } : {}),
            log: (line) => progress.log(line),
            onProgress: (state: ExportBackfillProgress) =>
                progress.update(
                    state.phase === "export"
                        ? `export ${state.status} · ${formatDuration(state.elapsedMs)}`
                        : `${count(state.filesDone)}/${count(state.files)} files · ` +
                              formatProgressBar(
                                  { done: state.itemsDone, total: state.items, elapsedMs: state.elapsedMs },
                                  "items",
                              ) +
                              (state.failedFiles > 0 ? ` · ${count(state.failedFiles)} files failed` : ""),
                ),
        });
        progress.done();
        if (outcome.kind !== "ran") return 0;
        const { summary } = outcome;
        console.log(`
Backfill ${outcome.status === "SUCCEEDED" ? "finished" : outcome.status.toLowerCase()} in ${formatDuration(outcome.elapsedMs)}${outcome.how === "redrive" ? " (redriven)" : outcome.how === "unfinished-files" ? " (the last run's unfinished files)" : ""}
  execution   ${outcome.executionArn}
              ${target.executionLink(outcome.executionArn)}
  files       ${count(summary.files.total)}: ${count(summary.files.succeeded)} applied, ${count(summary.files.failed)} failed, ${count(summary.files.notRun)} not run
  items       ${count(summary.items)}
  applied     ${count(summary.applied)}
  skipped     ${count(summary.stale)} (the projection already held a newer state: written or deleted by the stream)
  failed      ${count(summary.failedItems)} (in files that failed or did not run)`);
        for (const failure of summary.failures.slice(0, 10)) {
            console.log(`  - ${failure.dataFileS3Key}: ${failure.error}: ${failure.cause}`);
        }
        if (summary.failures.length > 10) console.log(`  … and ${summary.failures.length - 10} more`);
        if (summary.unfinished.length > 0) {
            console.log(
                `Fix the cause and run the same command again: it applies only these ${count(summary.unfinished.length)} files.`,
            );
            return 2;
        }
        return 0;
    } finally {
        progress.done();
        resolved.close();
    }
}
