import type {
    AttributeValue as SdkAttributeValue,
    _Record as SdkStreamRecord,
} from "@aws-sdk/client-dynamodb-streams";
import type { DynamoDBRecord } from "aws-lambda";
import { toEventImage } from "../../stack-access/event-image";

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
