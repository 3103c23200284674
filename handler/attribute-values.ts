import type { AttributeValue as SdkAttributeValue } from "@aws-sdk/client-dynamodb";
import type { AttributeValue as StreamAttributeValue } from "aws-lambda";
import type { SdkItem, StreamImage } from "./types";

/**
 * Converts an image from a Lambda stream event into the SDK's form, losslessly.
 *
 * Numbers stay decimal strings (all 38 digits survive); only binary changes representation, from
 * the event's base64 text to the bytes the SDK sends.
 *
 * @throws {TypeError} when a value carries no known DynamoDB type descriptor
 */
export function toSdkItem(image: StreamImage): SdkItem {
    const item: SdkItem = {};
    for (const [name, value] of Object.entries(image)) item[name] = toSdkValue(value, name);
    return item;
}

function toSdkValue(value: StreamAttributeValue, path: string): SdkAttributeValue {
    if (value.S !== undefined) return { S: value.S };
    if (value.N !== undefined) return { N: value.N };
    if (value.B !== undefined) return { B: Buffer.from(value.B, "base64") };
    if (value.BOOL !== undefined) return { BOOL: value.BOOL };
    if (value.NULL !== undefined) return { NULL: value.NULL };
    if (value.SS !== undefined) return { SS: [...value.SS] };
    if (value.NS !== undefined) return { NS: [...value.NS] };
    if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b, "base64")) };
    if (value.L !== undefined) return { L: value.L.map((v, i) => toSdkValue(v, `${path}[${i}]`)) };
    if (value.M !== undefined) {
        const map: Record<string, SdkAttributeValue> = {};
        for (const [name, nested] of Object.entries(value.M)) {
            map[name] = toSdkValue(nested, `${path}.${name}`);
        }
        return { M: map };
    }
    throw new TypeError(`attribute ${path} has no DynamoDB type (S, N, B, BOOL, NULL, SS, NS, BS, L or M)`);
}
