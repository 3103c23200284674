import type { AttributeValue as SdkAttributeValue } from "@aws-sdk/client-dynamodb";
import type { AttributeValue as StreamAttributeValue } from "aws-lambda";

/** An item as the AWS SDK writes it: binary values are bytes. */
export type SdkItem = Record<string, SdkAttributeValue>;

/** An item as it arrives in a Lambda stream event: binary values are base64 strings. */
export type StreamImage = Record<string, StreamAttributeValue>;

/** What one stream record asks of the projection table. */
export type ProjectionChange =
    | { readonly kind: "put"; readonly key: SdkItem; readonly item: SdkItem }
    | { readonly kind: "delete"; readonly key: SdkItem };

/** One line of an archive object: a stream record, kept in DynamoDB JSON so it round-trips. */
export type ArchiveLine = {
    readonly eventID: string | null;
    readonly eventName: string | null;
    readonly sequenceNumber: string | null;
    readonly approximateCreationDateTime: string | null;
    readonly keys: StreamImage | null;
    readonly oldImage: StreamImage | null;
    readonly newImage: StreamImage | null;
};

/** A ready-to-store archive object. */
export type ArchiveObject = {
    readonly key: string;
    readonly body: Uint8Array;
    readonly lineCount: number;
};

/** What the handler reads from its environment. */
export type HandlerSettings = {
    readonly projectionTable: string;
    readonly archiveBucket: string;
    readonly archivePrefix: string;
};
