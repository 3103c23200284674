import { jsonBody, type ArnScope, type RequiredAuthorization, type ServiceRequest } from "./mapped-request";

/**
 * The IAM authorizations a DynamoDB or DynamoDB Streams request needs, as AWS documents them: the
 * action is the operation in `X-Amz-Target` (`DynamoDB_20120810.PutItem` → `dynamodb:PutItem`;
 * Streams' operations are `dynamodb:` actions too), the resource the table its body names
 * (`TableName`), one per table for batch and transaction operations (`RequestItems`,
 * `TransactItems`), or the stream (`StreamArn`, or the stream a shard iterator was issued for).
 * Condition keys: `dynamodb:Attributes` (an item's attribute names), `dynamodb:Select`,
 * `dynamodb:ReturnValues`, `dynamodb:ReturnConsumedCapacity`, from the body. Not
 * `dynamodb:LeadingKeys`: which of a key's attributes is the partition key is in the table's key
 * schema, not the request, and no policy of the program conditions on it. An export is on its
 * table, and DynamoDB writes it to S3 as the caller, so AWS also requires `s3:AbortMultipartUpload`,
 * `s3:PutObject` and `s3:PutObjectAcl` on the destination ("Requesting a table export in
 * DynamoDB", which the reference's dependent actions do not list); `DescribeExport` is on the
 * export's ARN (`ExportArn`).
 *
 * @param streamArnOf turns a stream ARN as DynamoDB Local names it into the one the program declared
 */
export function dynamodbAuthorizations(
    request: ServiceRequest,
    scope: ArnScope,
    streamArnOf: (localArn: string) => string,
): RequiredAuthorization[] {
    const target = String(request.headers["x-amz-target"] ?? "");
    const operation = target.slice(target.indexOf(".") + 1);
    const action = `dynamodb:${operation}`;
    const body = jsonBody(request);
    const tableArn = (name: string): string =>
        name.startsWith("arn:")
            ? name.replace(DYNAMODB_LOCAL_ARN, `arn:aws:dynamodb:${scope.region}:`)
            : `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${name}`;
    if (target.startsWith("DynamoDBStreams_")) {
        const streamArn =
            typeof body.StreamArn === "string" ? body.StreamArn : streamOfIterator(body.ShardIterator);
        return [{ action, arn: streamArn ? streamArnOf(streamArn) : "*", context: {} }];
    }
    if (isRecord(body.RequestItems)) {
        return Object.keys(body.RequestItems).map((table) => ({ action, arn: tableArn(table), context: {} }));
    }
    if (Array.isArray(body.TransactItems)) {
        return body.TransactItems.flatMap((item: unknown) =>
            Object.entries(isRecord(item) ? item : {}).map(([kind, detail]) => ({
                action: `dynamodb:${TRANSACT_ACTIONS[kind] ?? kind}`,
                arn: tableArn(String(isRecord(detail) ? detail.TableName : "")),
                context: itemContext(isRecord(detail) ? detail : {}),
            })),
        );
    }
    const table = body.TableName ?? body.TableArn ?? body.ResourceArn ?? body.ExportArn;
    return [
        { action, arn: typeof table === "string" ? tableArn(table) : "*", context: itemContext(body) },
        ...(operation === "ExportTableToPointInTime" ? exportDestination(body) : []),
    ];
}

/** What writing an export's objects under `<S3Prefix>/AWSDynamoDB/` needs, as the caller. */
function exportDestination(body: Body): RequiredAuthorization[] {
    const prefix =
        typeof body.S3Prefix === "string" && body.S3Prefix ? `${body.S3Prefix.replace(/\/$/, "")}/` : "";
    const arn = `arn:aws:s3:::${String(body.S3Bucket)}/${prefix}AWSDynamoDB/`;
    return EXPORT_WRITE_ACTIONS.map((action) => ({ action, arn, context: {} }));
}

const EXPORT_WRITE_ACTIONS = ["s3:PutObject", "s3:PutObjectAcl", "s3:AbortMultipartUpload"] as const;

/** DynamoDB Local names its region `ddblocal` in the ARNs it hands out (a table's, so an export's); the program's are in the stack's region. */
const DYNAMODB_LOCAL_ARN = /^arn:aws:dynamodb:ddblocal:/;

const TRANSACT_ACTIONS: Readonly<Record<string, string>> = {
    Put: "PutItem",
    Update: "UpdateItem",
    Delete: "DeleteItem",
    ConditionCheck: "ConditionCheckItem",
    Get: "GetItem",
};

type Body = Record<string, unknown>;

function isRecord(value: unknown): value is Body {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A shard iterator names its stream: as text, or base64-encoded, depending on who issued it. */
function streamOfIterator(iterator: unknown): string | undefined {
    if (typeof iterator !== "string") return undefined;
    const pattern = /arn:aws:dynamodb:[^|"\s]*?:table\/[^/|"\s]+\/stream\/[^|"\s]+/;
    return (
        pattern.exec(iterator)?.[0] ?? pattern.exec(Buffer.from(iterator, "base64").toString("latin1"))?.[0]
    );
}

function itemContext(body: Body): Record<string, string | readonly string[]> {
    const context: Record<string, string | readonly string[]> = {};
    if (isRecord(body.Item)) context["dynamodb:Attributes"] = Object.keys(body.Item);
    for (const [field, conditionKey] of [
        ["Select", "dynamodb:Select"],
        ["ReturnValues", "dynamodb:ReturnValues"],
        ["ReturnConsumedCapacity", "dynamodb:ReturnConsumedCapacity"],
    ] as const) {
        if (typeof body[field] === "string") context[conditionKey] = body[field];
    }
    return context;
}
