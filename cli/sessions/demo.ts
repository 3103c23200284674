import { readSettings } from "../../handler";
import {
    accessSummary,
    checkDemo,
    checkFilter,
    declaredFunctionEnvironment,
    formatProgress,
    sourceKeySchema,
    writeDemoWorkload,
    type Chaos,
    type LocalStack,
    type RunningMapping,
} from "../../local";
import type { ProgressLine } from "../runner/progress-line";

/**
 * `npm start -- --demo`: writes the demo workload, waits for the mapping to drain it, checks that
 * everything converged and prints a summary. Resolves to 0 when it converged, 1 otherwise.
 */
export async function runDemo(
    stack: LocalStack,
    feed: RunningMapping,
    progress: ProgressLine,
    startedAt: number,
    chaos: Chaos | undefined,
): Promise<number> {
    const keys = await sourceKeySchema(stack);
    console.log("\nWriting the demo workload (orders created, updated, cancelled, and one poison order)…");
    const timer = setInterval(() => progress.update(formatProgress(feed.poller.progress)), 250);
    const workload = await writeDemoWorkload(stack.clients.dynamodb, stack.names.sourceTable, keys);
    await feed.poller.whenIdle();
    clearInterval(timer);
    progress.update(formatProgress(feed.poller.progress));
    progress.done();

    const settings = readSettings(declaredFunctionEnvironment(stack.run));
    const report = await checkDemo(
        stack.clients,
        { ...stack.names, failureBucket: feed.failureBucket },
        keys,
        workload.poisonKey,
        {
            ...(settings.routes ? { routes: settings.routes } : {}),
            ...(settings.archiveExcludeAttributes
                ? { archiveExcludeAttributes: settings.archiveExcludeAttributes }
                : {}),
        },
    );
    const filter =
        settings.routes && feed.mapping.filterPatterns
            ? await checkFilter(
                  stack.clients.streams,
                  { arn: stack.sourceStreamArn, region: stack.region },
                  settings.routes,
                  feed.poller.progress.filtered,
                  report.archivedEventIds,
              )
            : undefined;
    const divergences = [...report.divergences, ...(filter?.divergences ?? [])];
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    const routeLines = settings.routes
        ? report.routes
              .map(
                  (route) =>
                      `\n  route ${route.route.padEnd(17)} ${route.items} live, ${route.tombstones} tombstones (${route.table})`,
              )
              .join("")
        : "";
    const filterLine = filter
        ? `\n  filtered at the mapping ${filter.filtered} of ${filter.streamRecords} changes (${filter.unneeded} needed by no route)`
        : "";
    console.log(`
Demo summary
  changes written         ${workload.changes} (to ${report.sourceItems} source items)
  projection rows         ${report.projectionItems} live, ${report.tombstones} tombstones${routeLines}${filterLine}
  archive                 ${report.archiveObjects} objects, ${report.archiveLines} lines
  invocations             ${feed.poller.progress.batches} (up to ${feed.functions.peakConcurrency} at once)
  failure destination     ${report.failureObjects} objects, ${report.failedRecords.length} records${listSome(report.failedRecords.map((record) => `${record.eventName} ${JSON.stringify(record.dynamodb?.Keys)}`))}${chaos ? `\n  chaos                   seed ${chaos.seed}: ${chaos.counts.redelivered} batches re-delivered, ${chaos.counts.throttled} invocations throttled, ${chaos.counts.timedOut} timed out` : ""}
  duration                ${seconds} s`);
    if (stack.access) for (const line of accessSummary(stack.access.log)) console.log(`  ${line}`);
    if (divergences.length === 0) {
        console.log(
            "\nConverged: every change but the poison record is in the projection, and the poison record is in the failure destination.",
        );
        if (filter) {
            console.log(
                "Each route's projection holds exactly the items that match it, and the mapping filtered out exactly the changes no route needs.",
            );
        }
        return 0;
    }
    console.log(`\nDid not converge (${divergences.length} problems):`);
    for (const divergence of divergences.slice(0, 20)) console.log(`  - ${truncate(divergence, 300)}`);
    if (divergences.length > 20) console.log(`  … and ${divergences.length - 20} more`);
    return 1;
}

/** ` (a, b, c … and 7 more)`, or nothing for an empty list. */
function listSome(items: readonly string[], shown = 3): string {
    if (items.length === 0) return "";
    const more = items.length > shown ? ` … and ${items.length - shown} more` : "";
    return ` (${items.slice(0, shown).join(", ")}${more})`;
}

function truncate(text: string, length: number): string {
    return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
