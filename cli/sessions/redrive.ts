import { createHandlerRunner } from "../../ops/handler-runner";
import { runRedrive } from "../../ops/redrive";
import { resolveTarget, type TargetOptions } from "../../ops/target";
import { FAILURE_PREFIX } from "../../stack-access/failure-destination";

/**
 * `npm run redrive`: the failed batches through the handler again, each one's fate printed, then
 * a count. Exit code 0 when none still fails, 2 when some do.
 */
export async function runRedriveCommand(targetOptions: TargetOptions, dryRun: boolean): Promise<number> {
    const target = await resolveTarget(targetOptions);
    try {
        console.log(
            `${dryRun ? "Dry run: " : ""}Redriving s3://${target.names.failureBucket}/${FAILURE_PREFIX} → ${target.names.projectionTable} and s3://${target.names.archiveBucket}/ (${target.description})`,
        );
        const result = await runRedrive({
            s3: target.clients.s3,
            failureBucket: target.names.failureBucket,
            runBatch: createHandlerRunner(target),
            dryRun,
            log: (line) => console.log(line),
        });
        const count = (outcome: string) =>
            result.objects.filter((object) => object.outcome === outcome).length;
        if (result.objects.length > 0) {
            console.log(
                dryRun
                    ? `Would redrive ${count("would redrive")} failed batches (${result.objects.reduce((sum, object) => sum + object.records, 0)} records).`
                    : `Redriven ${count("redriven")}, still failing ${count("still failing")}, unreadable ${count("unreadable")}.`,
            );
        }
        return count("still failing") > 0 ? 2 : 0;
    } finally {
        target.close();
    }
}
