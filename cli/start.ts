// `npm start`: the local stack (local/), deployed and driven as the flags say (sessions/local-stack.ts).
import { newChaosSeed, parseChaosSeed } from "../local";
import { integerFlag, runCommand, UsageError, type ParsedFlags } from "./runner/run-command";
import { runLocalStack, type StartOptions } from "./sessions/local-stack";

const USAGE = `Usage: npm start [-- options]

Runs the change feed on this machine: DynamoDB Local and s3rver on 127.0.0.1, the program
(index.ts) deployed to them under Pulumi's mock engine, and a local event source mapping that
polls the source table's stream and drives the packaged handler with the mapping's settings.

  --stack <name>       stack config from stacks/Pulumi.<name>.yaml (default: dev)
  --demo               write a sample workload (with one poison record), wait for the stream to
                       drain, check that everything converged, print a summary and exit
                       (0 when it converged, 1 otherwise)
  --events             invoke the packaged handler once with each sample event in events/ and exit
  --chaos              make the mapping do what AWS may do and rarely does: deliver a successful
                       batch again, throttle an invocation, time out a slow one (rates printed at
                       start); prints a seed
  --chaos-seed <n>     --chaos with this seed, to replay a run
  --fresh              discard the kept local state before starting
  --create-source      with a stack that attaches to an existing table (sourceTableName), create
                       that table first if it does not exist (pk S + sk S, stream NEW_AND_OLD_IMAGES),
                       as a team's table would be; --demo does this by itself
  --no-iam             do not enforce IAM (by default every request of the program's roles and of
                       the ops commands is authorized against their policies, as AWS would)
  --state-dir <path>   where to keep the local state (default: .local/<stack>/)
  --verbose            also print the function's INFO lines and metrics
  --dynamodb-port <n>  fixed port for DynamoDB Local (default: a free port)
  --s3-port <n>        fixed port for s3rver (default: a free port)
  --help               this text

Without --demo or --events it keeps running, with tables, streams, buckets and checkpoints kept in
.local/<stack>/ across restarts, until Ctrl-C.`;

const FLAGS = {
    stack: { type: "string", default: "dev" },
    demo: { type: "boolean", default: false },
    events: { type: "boolean", default: false },
    fresh: { type: "boolean", default: false },
    "create-source": { type: "boolean", default: false },
    "state-dir": { type: "string" },
    verbose: { type: "boolean", default: false },
    "dynamodb-port": { type: "string" },
    "s3-port": { type: "string" },
    chaos: { type: "boolean", default: false },
    "chaos-seed": { type: "string" },
    "no-iam": { type: "boolean", default: false },
} as const;

runCommand({
    name: "npm start",
    usage: USAGE,
    options: FLAGS,
    run: (flags, context) => runLocalStack(options(flags), context),
    // Pulumi wraps an input's failure once per property it sits in; the cause is what helps.
    explainError: (error) =>
        (error instanceof Error ? error.message : String(error)).replace(
            /^(error serializing property "[^"]*": )+/,
            "",
        ),
});

function options(values: ParsedFlags<typeof FLAGS>): StartOptions {
    if (values.demo && values.events)
        throw new UsageError("--demo and --events are separate modes; choose one.");
    const chaos = values.chaos || values["chaos-seed"] !== undefined;
    if (chaos && values.events) {
        throw new UsageError(
            "--chaos acts on the event source mapping, which --events does not run; drop one.",
        );
    }
    return {
        stack: values.stack,
        stateDirectory: values["state-dir"],
        verbose: values.verbose,
        demo: values.demo,
        events: values.events,
        fresh: values.fresh,
        createSource: values["create-source"] || values.demo,
        iam: !values["no-iam"],
        ports: {
            dynamodb: integerFlag("dynamodb-port", values["dynamodb-port"], 1, 65_535),
            s3: integerFlag("s3-port", values["s3-port"], 1, 65_535),
        },
        chaosSeed: chaos
            ? values["chaos-seed"] === undefined
                ? newChaosSeed()
                : parseChaosSeed(values["chaos-seed"])
            : undefined,
    };
}
