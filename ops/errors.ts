/** What each command needs, for the message when AWS says access is denied. */
export const REQUIRED_PERMISSIONS = {
    backfill:
        "dynamodb:DescribeTable and dynamodb:Scan on the source table, dynamodb:PutItem on the projection table, " +
        "s3:PutObject on the archive bucket's prefix, and lambda:GetFunctionConfiguration on the stream handler",
    backfillFromExport:
        "dynamodb:DescribeContinuousBackups, dynamodb:ExportTableToPointInTime and dynamodb:DescribeExport on the source " +
        "table and its exports; s3:PutObject, s3:PutObjectAcl, s3:GetObject and s3:AbortMultipartUpload on the backfill bucket; and " +
        "states:ListExecutions, states:StartExecution, states:DescribeExecution, states:RedriveExecution, " +
        "states:ListMapRuns and states:DescribeMapRun on the backfill state machine and its executions",
    redrive:
        "s3:ListBucket, s3:GetObject, s3:PutObject and s3:DeleteObject on the failure bucket, dynamodb:PutItem " +
        "on the projection table, s3:PutObject on the archive bucket's prefix, and lambda:GetFunctionConfiguration " +
        "on the stream handler",
} as const;

/**
 * A command's failure as one actionable message: access denials name the permissions the command
 * needs, missing tables and buckets say the stack may not be deployed. Pure.
 */
export function explainOpsError(error: unknown, command: keyof typeof REQUIRED_PERMISSIONS): string {
    const failure = error as { name?: string; message?: string };
    const message = failure.message ?? String(error);
    if (
        failure.name === "AccessDenied" ||
        failure.name === "AccessDeniedException" ||
        /not authorized/i.test(message)
    ) {
        return `Missing permissions: ${message}\nThe credentials running ${command} need ${REQUIRED_PERMISSIONS[command]}.`;
    }
    if (failure.name === "ResourceNotFoundException" || failure.name === "NoSuchBucket") {
        return `${message}\nIs the stack deployed (pulumi up), and are the names right? They come from the flags or from pulumi stack output.`;
    }
    if (failure.name === "CredentialsProviderError") {
        return `${message}\nNo AWS credentials were found: configure them (aws configure, AWS_PROFILE, or a role), or use --local.`;
    }
    return message;
}
