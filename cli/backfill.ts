// `npm run backfill`: the scan backfill (sessions/scan-backfill.ts) or, with --from-export, the backfill from an export.
import * as path from "node:path";
import { explainOpsError } from "../ops/errors";
import { defaultLocalStateDirectory } from "../stack-access/local-stack-file";
import { PROJECT_ROOT } from "../stack-access/project";
import {
    integerFlag,
    runCommand,
    UsageError,
    type CommandContext,
    type ParsedFlags,
} from "./runner/run-command";
import { runExportBackfillCommand } from "./sessions/export-backfill";
import { runScanBackfillCommand } from "./sessions/scan-backfill";
import { TARGET_FLAGS, TARGET_USAGE, targetOptions } from "./target-flags";

const USAGE = `Usage: npm run backfill -- --stack <name> [options]
       npm run backfill -- --stack <name> --from-export [--export-arn <arn>] [--dry-run] [--restart]

Copies every existing item of the source table into the projection and the archive through the
handler's own path (parallel segmented Scans). Writes carry a sequence lower than any real stream
record, so a key the stream has already written or deleted is left alone. Interrupted (Ctrl-C or a
failure), it resumes from its checkpoint when run again.

  --segments <n>             parallel Scan segments (1-64, default 4)
  --rate <items/s>           limit over all segments (default: unlimited)
  --page-size <n>            items per Scan page, batch and archive object (1-1000, default 100)
  --checkpoint <file>        default .ops/<stack>/backfill.json (with --local: in the local state directory)
  --restart                  discard the checkpoint and start a new run

With --from-export, for tables of any size: a point-in-time export of the source table (it needs
point-in-time recovery), applied file by file, in parallel, by the stack's backfill state machine.
Run again after a partial failure, it applies only the files that did not succeed.

  --from-export              export the table and apply the export with the state machine
  --export-arn <arn>         apply this completed export instead of starting one
  --dry-run                  say what it would start, and start nothing
  --restart                  with --from-export: a new export and run, whatever the last run left
${TARGET_USAGE}`;

/** Flags of one kind of backfill that the other refuses. */
const SCAN_ONLY = ["segments", "rate", "page-size", "checkpoint"] as const;
const EXPORT_ONLY = ["export-arn", "dry-run"] as const;

const BACKFILL_FLAGS = {
    ...TARGET_FLAGS,
    segments: { type: "string" },
    rate: { type: "string" },
    "page-size": { type: "string" },
    checkpoint: { type: "string" },
    restart: { type: "boolean", default: false },
    "from-export": { type: "boolean", default: false },
    "export-arn": { type: "string" },
    "dry-run": { type: "boolean", default: false },
} as const;

runCommand({
    name: "backfill",
    usage: USAGE,
    options: BACKFILL_FLAGS,
    run: backfill,
    explainError: (error) =>
        explainOpsError(error, process.argv.includes("--from-export") ? "backfillFromExport" : "backfill"),
});

async function backfill(
    values: ParsedFlags<typeof BACKFILL_FLAGS>,
    context: CommandContext,
): Promise<number> {
    const given = (flag: string) =>
        (values as Record<string, unknown>)[flag] !== undefined &&
        (values as Record<string, unknown>)[flag] !== false;
    if (values["from-export"]) {
        const wrong = SCAN_ONLY.filter(given);
        if (wrong.length > 0)
            throw new UsageError(
                `--${wrong.join(", --")} belong to the scan backfill, not to --from-export.`,
            );
        return runExportBackfillCommand({
            target: targetOptions(values),
            ...(values["export-arn"] ? { exportArn: values["export-arn"] } : {}),
            restart: values.restart,
            dryRun: values["dry-run"],
            ...(values.local ? { pollMs: 250 } : {}),
        });
    }
    const wrong = EXPORT_ONLY.filter(given);
    if (wrong.length > 0) throw new UsageError(`--${wrong.join(", --")} only go with --from-export.`);
    const segments = integerFlag("segments", values.segments, 1, 64) ?? 4;
    const rate = integerFlag("rate", values.rate, 1, 1_000_000);
    const pageSize = integerFlag("page-size", values["page-size"], 1, 1000) ?? 100;
    // A local stack's checkpoint lives with its state, so `npm start -- --fresh` discards both.
    const defaultDirectory = values.local
        ? (values["state-dir"] ?? defaultLocalStateDirectory(values.stack))
        : path.join(PROJECT_ROOT, ".ops", values.stack);
    const checkpointFile = path.resolve(values.checkpoint ?? path.join(defaultDirectory, "backfill.json"));

    return runScanBackfillCommand(
        { target: targetOptions(values), segments, rate, pageSize, checkpointFile, restart: values.restart },
        context,
    );
}
