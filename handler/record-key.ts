import { unmarshall } from "@aws-sdk/util-dynamodb";
import type { DynamoDBRecord } from "aws-lambda";
import { toSdkItem } from "./attribute-values";

/**
 * A record's key as plain values for logs and error messages, e.g. `{"id":"order-7"}`.
 * A number a JS number would round stays a string, so the key printed is the key stored.
 */
export function describeRecordKey(record: DynamoDBRecord): string {
    const keys = record.dynamodb?.Keys;
    if (!keys) return "(no keys)";
    try {
        const plain = unmarshall(toSdkItem(keys), { wrapNumbers: exactNumber });
        return JSON.stringify(plain, (_name, value: unknown) =>
            value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value,
        );
    } catch {
        return JSON.stringify(keys);
    }
}

function exactNumber(text: string): number | string {
    const number = Number(text);
    return String(number) === text ? number : text;
}
