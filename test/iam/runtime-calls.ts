/**
 * The calls each runtime principal makes, as the local stack's IAM gates saw them (object keys cut
 * after their first folder, `<stack>` for the stack's name): the integration tests compare what
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
        "s3:GetObject arn:aws:s3:::changefeed-backfill-exports-<stack>/exports/…",
        "s3:PutObject arn:aws:s3:::changefeed-backfill-exports-<stack>/results/…",
    ],
    /** `npm run backfill -- --local --from-export` (its Step Functions and export calls go to the local endpoint). */
    operator: [
        "s3:GetObject arn:aws:s3:::changefeed-backfill-exports-<stack>/exports/…",
        "s3:GetObject arn:aws:s3:::changefeed-backfill-exports-<stack>/results/…",
    ],
} as const;

export type RuntimeActor = keyof typeof RUNTIME_CALLS;

/** A table's entries for one stack: `<stack>` filled in. */
export function runtimeCalls(actor: RuntimeActor, stack: string): string[] {
    return RUNTIME_CALLS[actor].map((call) => call.replace(/<stack>/g, stack));
}

/** How the tables write a call: object keys cut after their first folder. */
export function asRuntimeCall(action: string, resource: string): string {
    return `${action} ${resource.replace(/^(arn:aws:s3:::[^/]+\/[^/]+\/).*$/, "$1…")}`;
}
