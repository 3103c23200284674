import type { AttributeValue as SdkAttributeValue } from "@aws-sdk/client-dynamodb";
import type { AttributeValue } from "aws-lambda";

/**
 * An item as the SDK returns it (binary as bytes) in the form a Lambda stream event carries it
 * (binary as base64), so scanned items can go through the handler's own path. Pure.
 *
 * @throws {Error} naming the attribute when a value has no DynamoDB type
 */
export function toEventImage(
    item: Record<string, SdkAttributeValue>,
    path = "item",
): Record<string, AttributeValue> {
    const image: Record<string, AttributeValue> = {};
    for (const [name, value] of Object.entries(item)) image[name] = toEventValue(value, `${path}.${name}`);
    return image;
}

function toEventValue(value: SdkAttributeValue, path: string): AttributeValue {
    if (value.S !== undefined) return { S: value.S };
    if (value.N !== undefined) return { N: value.N };
    if (value.B !== undefined) return { B: Buffer.from(value.B).toString("base64") };
    if (value.BOOL !== undefined) return { BOOL: value.BOOL };
    if (value.NULL !== undefined) return { NULL: value.NULL };
    if (value.SS !== undefined) return { SS: value.SS };
    if (value.NS !== undefined) return { NS: value.NS };
    if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString("base64")) };
    if (value.L !== undefined) return { L: value.L.map((v, i) => toEventValue(v, `${path}[${i}]`)) };
    if (value.M !== undefined) return { M: toEventImage(value.M, path) };
    throw new Error(`Attribute ${path} has no DynamoDB type: ${JSON.stringify(value)}`);
}
