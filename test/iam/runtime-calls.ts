/**
 * The calls each runtime principal makes, as the local stack's IAM gates saw them (object keys cut
 * after their first folder, an export's, execution's or map run's id as `…`, `<stack>` for the
 * stack's name): the integration tests compare what
 * the gates record with these tables, and `role-proofs.test.ts` evaluates them against the
 * policies the program declares (and, for the operator, docs/bootstrap.md's).
 */
export const RUNTIME_CALLS = {
    /** The stream handler, and the event source mapping, which uses the function's role. */
    handler: [
        "dynamodb:DescribeStream arn:aws:dynamodb:us-east-1:000000000000:table/changefeed-source-<stack>/stream/local",
        "dynamodb:GetRecords arn:aws:dynamodb:us-east-1:000000000000:table/changefeed-source-<stack>/stream/local",
        "dynamodb:GetShardIterator arn:aws:dynamodb:us-east-1:000000000000:table/changefeed-source-<stack>/stream/local",
        "dynamodb:PutItem arn:aws:dynamodb:us-east-1:000000000000:table/changefeed-projection-<stack>",
        "s3:PutObject arn:aws:s3:::changefeed-archive-<stack>/changes/…",
        "s3:PutObject arn:aws:s3:::changefeed-failures-<stack>/aws/…",
    ],
    backfillFunction: [
        "dynamodb:PutItem arn:aws:dynamodb:us-east-1:000000000000:table/changefeed-projection-<stack>",
        "s3:GetObject arn:aws:s3:::changefeed-backfill-exports-<stack>/exports/…",
        "s3:PutObject arn:aws:s3:::changefeed-archive-<stack>/changes/…",
    ],
    stateMachine: [
        "lambda:InvokeFunction arn:aws:lambda:us-east-1:000000000000:function:changefeed-backfill-function-<stack>",
        "s3:GetObject arn:aws:s3:::changefeed-backfill-exports-<stack>/exports/…",
        "s3:PutObject arn:aws:s3:::changefeed-backfill-exports-<stack>/results/…",
    ],
    /** `npm run backfill -- --local --from-export`: a first run, from a new export to its summary. */
    operator: [
        "dynamodb:DescribeContinuousBackups arn:aws:dynamodb:us-east-1:000000000000:table/changefeed-source-<stack>",
        "dynamodb:DescribeExport arn:aws:dynamodb:us-east-1:000000000000:table/changefeed-source-<stack>/export/…",
        "dynamodb:ExportTableToPointInTime arn:aws:dynamodb:us-east-1:000000000000:table/changefeed-source-<stack>",
        "s3:AbortMultipartUpload arn:aws:s3:::changefeed-backfill-exports-<stack>/exports/…",
        "s3:GetObject arn:aws:s3:::changefeed-backfill-exports-<stack>/exports/…",
        "s3:GetObject arn:aws:s3:::changefeed-backfill-exports-<stack>/results/…",
        "s3:PutObject arn:aws:s3:::changefeed-backfill-exports-<stack>/exports/…",
        "s3:PutObjectAcl arn:aws:s3:::changefeed-backfill-exports-<stack>/exports/…",
        "states:DescribeExecution arn:aws:states:us-east-1:000000000000:execution:changefeed-backfill-state-machine-<stack>:…",
        "states:DescribeMapRun arn:aws:states:us-east-1:000000000000:mapRun:changefeed-backfill-state-machine-<stack>/DataFiles:…",
        "states:ListExecutions arn:aws:states:us-east-1:000000000000:stateMachine:changefeed-backfill-state-machine-<stack>",
        "states:ListMapRuns arn:aws:states:us-east-1:000000000000:execution:changefeed-backfill-state-machine-<stack>:…",
        "states:StartExecution arn:aws:states:us-east-1:000000000000:stateMachine:changefeed-backfill-state-machine-<stack>",
    ],
    /** A re-run that redrives a failed execution: the call the first run does not make. */
    operatorRedrive: [
        "states:RedriveExecution arn:aws:states:us-east-1:000000000000:execution:changefeed-backfill-state-machine-<stack>:…",
    ],
} as const;

export type RuntimeActor = keyof typeof RUNTIME_CALLS;

/** A table's entries for one stack: `<stack>` filled in. */
export function runtimeCalls(actor: RuntimeActor, stack: string): string[] {
    return RUNTIME_CALLS[actor].map((call) => call.replace(/<stack>/g, stack));
}

/** How the tables write a call: object keys cut after their first folder, ids as `…`. */
export function asRuntimeCall(action: string, resource: string): string {
    const written = resource
        .replace(/^(arn:aws:s3:::[^/]+\/[^/]+\/).*$/, "$1…")
        .replace(/(:table\/[^/]+\/export\/).*$/, "$1…")
        .replace(/^(arn:aws:states:[^:]*:[^:]*:(?:execution|mapRun):[^:]+:).*$/, "$1…");
    return `${action} ${written}`;
}
