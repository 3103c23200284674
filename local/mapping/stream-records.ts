import type {
    AttributeValue as SdkAttributeValue,
    _Record as SdkStreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import type { AttributeValue, DynamoDBRecord } from "aws-lambda";

/** A DynamoDB Local quirk that was repaired on the way to the handler, for the operator to see. */
export type Repair = { readonly eventID: string; readonly attribute: string; readonly what: string };

/**
 * Turns a record read from the Streams API into the record Lambda hands the function: binary
 * values as base64, the creation time as epoch seconds, and the fields Lambda adds
 * (`eventSourceARN`, the table's region).
 *
 * It also repairs DynamoDB Local's empty-map quirk (an empty map arrives as `{}` instead of
 * `{"M":{}}`; AWS sends the latter), reporting each repair through `onRepair`.
 */
export function toLambdaRecord(
    record: SdkStreamRecord,
    context: { readonly eventSourceArn: string; readonly region: string },
    onRepair: (repair: Repair) => void = () => undefined,
): DynamoDBRecord {
    const eventID = record.eventID ?? "";
    const stream = record.dynamodb ?? {};
    const image = (name: string, item: Record<string, SdkAttributeValue> | undefined) =>
        item === undefined
            ? undefined
            : toEventImage(item, name, (attribute, what) => onRepair({ eventID, attribute, what }));
    const created = stream.ApproximateCreationDateTime;
    return {
        eventID,
        eventName: record.eventName as DynamoDBRecord["eventName"],
        eventVersion: record.eventVersion ?? "1.1",
        eventSource: "aws:dynamodb",
        awsRegion: context.region,
        eventSourceARN: context.eventSourceArn,
        ...(record.userIdentity
            ? {
                  userIdentity: {
                      type: record.userIdentity.Type,
                      principalId: record.userIdentity.PrincipalId,
                  },
              }
            : {}),
        dynamodb: {
            ...(created ? { ApproximateCreationDateTime: Math.floor(created.getTime() / 1000) } : {}),
            ...(stream.Keys ? { Keys: image("Keys", stream.Keys) } : {}),
            ...(stream.NewImage ? { NewImage: image("NewImage", stream.NewImage) } : {}),
            ...(stream.OldImage ? { OldImage: image("OldImage", stream.OldImage) } : {}),
            ...(stream.SequenceNumber ? { SequenceNumber: stream.SequenceNumber } : {}),
            ...(stream.SizeBytes !== undefined ? { SizeBytes: stream.SizeBytes } : {}),
            ...(stream.StreamViewType ? { StreamViewType: stream.StreamViewType } : {}),
        },
    };
}

export function toEventImage(
    item: Record<string, SdkAttributeValue>,
    path: string,
    onRepair: (attribute: string, what: string) => void,
): Record<string, AttributeValue> {
    const image: Record<string, AttributeValue> = {};
    for (const [name, value] of Object.entries(item))
        image[name] = toEventValue(value, `${path}.${name}`, onRepair);
    return image;
}

function toEventValue(
    value: SdkAttributeValue,
    path: string,
    onRepair: (attribute: string, what: string) => void,
): AttributeValue {
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
    // DynamoDB Local writes an empty map as a value with no type at all.
    if (Object.keys(value).filter((key) => key !== "$unknown").length === 0) {
        onRepair(path, 'empty map sent as {} by DynamoDB Local; delivered as {"M":{}} as AWS sends it');
        return { M: {} };
    }
    throw new Error(`Stream attribute ${path} has no DynamoDB type: ${JSON.stringify(value)}`);
}

/** DynamoDB Local rounds `ApproximateCreationDateTime` down to the minute (AWS keeps the second). */
export const LOCAL_RECORD_TIME_RESOLUTION_SECONDS = 60;

/**
 * When a record read from DynamoDB Local was written, at the latest, in epoch milliseconds: the
 * end of the minute its rounded-down `ApproximateCreationDateTime` names. Ages measured from it
 * are lower bounds, up to a minute short, so the local mapping never discards a fresh record as
 * too old (it may keep an expired one up to a minute longer than AWS would).
 */
export function localRecordTimeMs(record: DynamoDBRecord): number | undefined {
    const created = record.dynamodb?.ApproximateCreationDateTime;
    if (created === undefined) return undefined;
    const resolution = LOCAL_RECORD_TIME_RESOLUTION_SECONDS;
    return (Math.floor(created / resolution) * resolution + resolution) * 1000;
}
