// `npm run redrive`: failed batches through the handler again (sessions/redrive.ts).
import { explainOpsError } from "../ops/errors";
import { REDRIVEN_PREFIX } from "../ops/redrive";
import { FAILURE_PREFIX } from "../stack-access/failure-destination";
import { runCommand } from "./runner/run-command";
import { runRedriveCommand } from "./sessions/redrive";
import { TARGET_FLAGS, TARGET_USAGE, targetOptions } from "./target-flags";

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
    run: (flags) => runRedriveCommand(targetOptions(flags), flags["dry-run"]),
    explainError: (error) => explainOpsError(error, "redrive"),
});
