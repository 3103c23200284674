import type { TargetNames, TargetOptions } from "../ops/target";

/** Flags every ops command takes, in node:util parseArgs form. */
export const TARGET_FLAGS = {
    stack: { type: "string", default: "dev" },
    local: { type: "boolean", default: false },
    "state-dir": { type: "string" },
    "source-table": { type: "string" },
    "projection-table": { type: "string" },
    "archive-bucket": { type: "string" },
    "failure-bucket": { type: "string" },
    "function-name": { type: "string" },
} as const;

export const TARGET_USAGE = `  --stack <name>             the stack (its config in stacks/Pulumi.<name>.yaml; default dev)
  --local                    act on the local stack that \`npm start -- --stack <name>\` is running
  --state-dir <path>         that local stack's state directory (default .local/<stack>/)
  --source-table <name>      names on AWS; each one not given is read with pulumi stack output --json
  --projection-table <name>
  --archive-bucket <name>
  --failure-bucket <name>
  --function-name <name>     the stream handler, whose deployed settings the command applies
  --help                     this text`;

type ParsedTargetFlags = {
    stack: string;
    local: boolean;
    "state-dir"?: string | undefined;
    "source-table"?: string | undefined;
    "projection-table"?: string | undefined;
    "archive-bucket"?: string | undefined;
    "failure-bucket"?: string | undefined;
    "function-name"?: string | undefined;
};

export function targetOptions(values: ParsedTargetFlags): TargetOptions {
    const names: Partial<Record<keyof TargetNames, string>> = {};
    if (values["source-table"]) names.sourceTable = values["source-table"];
    if (values["projection-table"]) names.projectionTable = values["projection-table"];
    if (values["archive-bucket"]) names.archiveBucket = values["archive-bucket"];
    if (values["failure-bucket"]) names.failureBucket = values["failure-bucket"];
    return {
        stack: values.stack,
        local: values.local,
        ...(values["state-dir"] ? { stateDirectory: values["state-dir"] } : {}),
        ...(values["function-name"] ? { functionName: values["function-name"] } : {}),
        names,
    };
}
