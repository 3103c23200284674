import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { KeyAttribute, KeyAttributeType } from "./config";

/** The only stream view that carries what the handler needs: both images of every change. */
export const REQUIRED_STREAM_VIEW_TYPE = "NEW_AND_OLD_IMAGES";

/** What the feed needs to know of its source table, created or existing. */
export type SourceTableShape = {
    readonly name: string;
    readonly arn: string;
    readonly streamArn: string;
    readonly partitionKey: KeyAttribute;
    readonly sortKey?: KeyAttribute;
    /**
     * The KMS key that encrypts an existing table (and so its stream), when it is not DynamoDB's
     * own: whoever reads the stream needs `kms:Decrypt` on it.
     */
    readonly kmsKeyArn?: string;
};

/** What `aws.dynamodb.getTable` answers, as far as the feed reads it. */
export type DescribedTable = {
    readonly name: string;
    readonly arn: string;
    readonly hashKey: string;
    readonly rangeKey?: string;
    readonly attributes: readonly { readonly name: string; readonly type: string }[];
    readonly streamEnabled: boolean;
    readonly streamViewType?: string;
    readonly streamArn?: string;
    /** The table's KMS key, when encrypted with one (customer-managed or `aws/dynamodb`). */
    readonly kmsKeyArn?: string;
};

/**
 * Checks that an existing table can feed the change feed and returns its shape.
 *
 * @throws {Error} one message naming the table, what is wrong and the AWS CLI command that fixes it
 */
export function checkExistingSourceTable(table: DescribedTable, region: string): SourceTableShape {
    const enable =
        `aws dynamodb update-table --region ${region} --table-name ${table.name} ` +
        `--stream-specification StreamEnabled=true,StreamViewType=${REQUIRED_STREAM_VIEW_TYPE}`;
    if (!table.streamEnabled || !table.streamArn) {
        throw new Error(
            `Source table "${table.name}" in ${region} has no stream, and the change feed reads its changes ` +
                `from one. Turn it on (this program never modifies a table it did not create):\n  ${enable}`,
        );
    }
    if (table.streamViewType !== REQUIRED_STREAM_VIEW_TYPE) {
        const disable =
            `aws dynamodb update-table --region ${region} --table-name ${table.name} ` +
            `--stream-specification StreamEnabled=false`;
        throw new Error(
            `Source table "${table.name}" in ${region} has a stream of view type ${table.streamViewType ?? "(none)"}; ` +
                `the change feed needs ${REQUIRED_STREAM_VIEW_TYPE} (the archive keeps both images, and a ` +
                `removal is only routed with its old image). A stream's view type cannot be changed in place: ` +
                `turn it off, then on again (the new stream gets a new ARN; other consumers of the old one must ` +
                `move too):\n  ${disable}\n  ${enable}`,
        );
    }
    return {
        name: table.name,
        arn: table.arn,
        streamArn: table.streamArn,
        partitionKey: keyAttribute(table, table.hashKey),
        ...(table.rangeKey ? { sortKey: keyAttribute(table, table.rangeKey) } : {}),
        ...(table.kmsKeyArn ? { kmsKeyArn: table.kmsKeyArn } : {}),
    };
}

/**
 * Reads an existing table in the provider's account and region and checks it (see
 * {@link checkExistingSourceTable}); a table that cannot be read fails with its name and region.
 */
export function readExistingSourceTable(
    tableName: string,
    region: string,
    opts: pulumi.InvokeOptions,
): pulumi.Output<SourceTableShape> {
    const described = aws.dynamodb.getTable({ name: tableName }, opts).then(
        (table): DescribedTable => {
            // Absent from the answer, or disabled, when the table uses DynamoDB's own key.
            const encryption = table.serverSideEncryption as
                { enabled: boolean; kmsKeyArn: string } | undefined;
            return {
                name: table.name,
                arn: table.arn,
                hashKey: table.hashKey,
                ...(table.rangeKey ? { rangeKey: table.rangeKey } : {}),
                attributes: table.attributes,
                streamEnabled: table.streamEnabled,
                streamViewType: table.streamViewType,
                streamArn: table.streamArn,
                ...(encryption?.enabled && encryption.kmsKeyArn ? { kmsKeyArn: encryption.kmsKeyArn } : {}),
            };
        },
        (error: unknown) => {
            const cause = error instanceof Error ? error.message : String(error);
            throw new Error(
                `Source table "${tableName}" could not be read in ${region}: ${cause}\n` +
                    `Check the name and region (aws dynamodb describe-table --region ${region} --table-name ${tableName}) ` +
                    `and that the deploying role may call dynamodb:DescribeTable on it.`,
            );
        },
    );
    return pulumi.output(described.then((table) => checkExistingSourceTable(table, region)));
}

function keyAttribute(table: DescribedTable, name: string): KeyAttribute {
    const type = table.attributes.find((attribute) => attribute.name === name)?.type;
    if (type !== "S" && type !== "N" && type !== "B") {
        throw new Error(
            `Source table "${table.name}" declares key attribute ${name} with type ${type ?? "(none)"}; ` +
                `DynamoDB key attributes are S, N or B.`,
        );
    }
    return { name, type: type satisfies KeyAttributeType };
}
