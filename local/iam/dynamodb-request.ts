import type { ArnScope, RequiredAuthorization, ServiceRequest } from "./mapped-request";

/**
 * The IAM authorizations a DynamoDB or DynamoDB Streams request needs, as AWS documents them: the
 * action is the operation in `X-Amz-Target` (`DynamoDB_20120810.PutItem` → `dynamodb:PutItem`;
 * Streams' operations are `dynamodb:` actions too), the resource the table its body names
 * (`TableName`), one per table for batch and transaction operations (`RequestItems`,
 * `TransactItems`), or the stream (`StreamArn`, or the stream a shard iterator was issued for).
 * Condition keys: `dynamodb:Attributes` (an item's attribute names), `dynamodb:Select`,
 * `dynamodb:ReturnValues`, `dynamodb:ReturnConsumedCapacity`, from the body. Not
 * `dynamodb:LeadingKeys`: which of a key's attributes is the partition key is in the table's key
 * schema, not the request, and no policy of the program conditions on it.
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
    const body = parseBody(request.body);
    const tableArn = (name: string): string =>
        name.startsWith("arn:") ? name : `arn:aws:dynamodb:${scope.region}:${scope.accountId}:table/${name}`;
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
    const table = body.TableName ?? body.TableArn ?? body.ResourceArn;
    return [{ action, arn: typeof table === "string" ? tableArn(table) : "*", context: itemContext(body) }];
}

const TRANSACT_ACTIONS: Readonly<Record<string, string>> = {
    Put: "PutItem",
    Update: "UpdateItem",
    Delete: "DeleteItem",
    ConditionCheck: "ConditionCheckItem",
    Get: "GetItem",
};

type Body = Record<string, unknown>;

function parseBody(body: Buffer): Body {
    try {
        const parsed: unknown = JSON.parse(body.toString("utf8") || "{}");
        return isRecord(parsed) ? parsed : {};
    } catch {
        return {};
    }
}

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
