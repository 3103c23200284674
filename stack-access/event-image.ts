import type { AttributeValue as SdkAttributeValue } from "@aws-sdk/client-dynamodb";
import type { AttributeValue } from "aws-lambda";

/**
 * Called for a value DynamoDB Local sends with no type at all (its form of an empty map), which is
 * then passed on as `{"M":{}}`, as AWS sends it. Without it such a value is an error.
 */
export type EmptyMapRepair = (attribute: string, what: string) => void;

/**
 * An item as the SDK returns it (binary as bytes) in the form a Lambda stream event carries it
 * (binary as base64), so scanned or streamed items can go through the handler's own path. Pure.
 *
 * @throws {Error} naming the attribute when a value has no DynamoDB type (and no `onRepair`)
 */
export function toEventImage(
    item: Record<string, SdkAttributeValue>,
    path = "item",
    onRepair?: EmptyMapRepair,
): Record<string, AttributeValue> {
    const image: Record<string, AttributeValue> = {};
    for (const [name, value] of Object.entries(item))
        image[name] = toEventValue(value, `${path}.${name}`, onRepair);
    return image;
}

function toEventValue(value: SdkAttributeValue, path: string, onRepair?: EmptyMapRepair): AttributeValue {
    if (value.S !== undefined) return { S: value.S };
    if (value.N !== undefined) return { N: value.N };
    if (value.B !== undefined) return { B: Buffer.from(value.B).toString("base64") };
    if (value.BOOL !== undefined) return { BOOL: value.BOOL };
    if (value.NULL !== undefined) return { NULL: value.NULL };
    if (value.SS !== undefined) return { SS: value.SS };
    if (value.NS !== undefined) return { NS: value.NS };
    if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString("base64")) };
    if (value.L !== undefined)
        return { L: value.L.map((v, i) => toEventValue(v, `${path}[${i}]`, onRepair)) };
    if (value.M !== undefined) return { M: toEventImage(value.M, path, onRepair) };
    if (onRepair && Object.keys(value).filter((key) => key !== "$unknown").length === 0) {
        onRepair(path, 'empty map sent as {} by DynamoDB Local; delivered as {"M":{}} as AWS sends it');
        return { M: {} };
    }
    throw new Error(`Attribute ${path} has no DynamoDB type: ${JSON.stringify(value)}`);
}
