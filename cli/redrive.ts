import { TARGET_FLAGS, TARGET_USAGE, targetOptions } from "./cli-options";
import { runCommand, type ParsedFlags } from "./command-line";
import { explainOpsError } from "./errors";
import { createHandlerRunner } from "./handler-runner";
import { FAILURE_PREFIX, REDRIVEN_PREFIX, runRedrive } from "./redrive";
import { resolveTarget } from "./target";

const USAGE = `Usage: npm run redrive -- --stack <name> [--dry-run] [options]

Re-runs the records of every failed batch in the failure destination (s3://<failure bucket>/${FAILURE_PREFIX})
through the handler's own code. Objects whose records all land move under ${REDRIVEN_PREFIX}; objects with
records that still fail stay, and each failure is printed with its reason. Running it again changes
nothing the second time.

  --dry-run                  only show what it would do
${TARGET_USAGE}`;

runCommand({
    name: "redrive",
    usage: USAGE,
    options: { ...TARGET_FLAGS, "dry-run": { type: "boolean", default: false } },
    run: redrive,
    explainError: (error) => explainOpsError(error, "redrive"),
});

async function redrive(values: ParsedFlags<typeof TARGET_FLAGS> & { "dry-run": boolean }): Promise<number> {
    const target = await resolveTarget(targetOptions(values));
    try {
        console.log(
            `${values["dry-run"] ? "Dry run: " : ""}Redriving s3://${target.names.failureBucket}/${FAILURE_PREFIX} → ${target.names.projectionTable} and s3://${target.names.archiveBucket}/ (${target.description})`,
        );
        const result = await runRedrive({
            s3: target.clients.s3,
            failureBucket: target.names.failureBucket,
            runBatch: createHandlerRunner(target),
            dryRun: values["dry-run"],
            log: (line) => console.log(line),
        });
        const count = (outcome: string) =>
            result.objects.filter((object) => object.outcome === outcome).length;
        if (result.objects.length > 0) {
            console.log(
                values["dry-run"]
                    ? `Would redrive ${count("would redrive")} failed batches (${result.objects.reduce((sum, object) => sum + object.records, 0)} records).`
                    : `Redriven ${count("redriven")}, still failing ${count("still failing")}, unreadable ${count("unreadable")}.`,
            );
        }
        return count("still failing") > 0 ? 2 : 0;
    } finally {
        target.close();
    }
}
