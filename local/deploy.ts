import * as fs from "node:fs";
import * as path from "node:path";
import {
    CreateTableCommand,
    DescribeTableCommand,
    UpdateTimeToLiveCommand,
    waitUntilTableExists,
    type AttributeDefinition,
    type DynamoDBClient,
    type KeySchemaElement,
} from "@aws-sdk/client-dynamodb";
import { CreateBucketCommand, type S3Client } from "@aws-sdk/client-s3";
import { unpackCodeZip, zipCodeArchive } from "./lambda/code-archive";
import type { DeclaredResource, ProgramRun } from "./program";

/** A function of the program, unpacked and ready for LocalFunction. */
export type DeployedFunction = {
    readonly resource: DeclaredResource;
    readonly codeDirectory: string;
    readonly zipBytes: number;
};

/** What the program's resources became on the local servers. */
export type LocalDeployment = {
    /** Physical table name → stream ARN (as DynamoDB Local named it), for tables with a stream. */
    readonly streamArns: ReadonlyMap<string, string>;
    readonly tables: readonly string[];
    readonly buckets: readonly string[];
    readonly functions: readonly DeployedFunction[];
    readonly eventSourceMappings: readonly DeclaredResource[];
    /** Resources that have no local counterpart, as `type name (why)`. */
    readonly notEmulated: readonly string[];
};

export type LocalClients = { readonly dynamodb: DynamoDBClient; readonly s3: S3Client };

/** Why each kind of resource that is not created locally can be left out. */
const NOT_EMULATED: Record<string, string> = {
    "aws:iam/role:Role": "not created: its policies are enforced by the local IAM gates, unless --no-iam",
    "aws:iam/rolePolicy:RolePolicy": "not created: enforced by the local IAM gates, unless --no-iam",
    "aws:cloudwatch/logGroup:LogGroup": "the function's logs go to the terminal",
    "aws:cloudwatch/metricAlarm:MetricAlarm":
        "no CloudWatch locally; the function's EMF metrics go to the terminal",
    "aws:cloudwatch/dashboard:Dashboard": "no CloudWatch locally",
    "aws:sns/topic:Topic": "no SNS locally; alarms are not emulated",
    "aws:sns/topicSubscription:TopicSubscription": "no SNS locally",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "s3rver does not enforce bucket settings",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "s3rver does not enforce bucket settings",
    "aws:s3/bucketVersioning:BucketVersioning": "s3rver does not enforce bucket settings",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        "s3rver does not enforce bucket settings",
    "aws:s3/bucketPolicy:BucketPolicy": "not set on s3rver: enforced by the local IAM gate, unless --no-iam",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration":
        "s3rver does not enforce bucket settings",
};

/**
 * Creates each resource the program declared on DynamoDB Local and s3rver, from the inputs the
 * program gave it: tables with their key schema and stream, buckets, and each function's code
 * archive zipped and unpacked as Lambda would. Event source mappings are returned for the caller
 * to drive. Anything else is listed in `notEmulated`, never skipped silently.
 */
export async function deployLocally(
    run: ProgramRun,
    clients: LocalClients,
    workDirectory: string,
): Promise<LocalDeployment> {
    const streamArns = new Map<string, string>();
    const tables: string[] = [];
    const buckets: string[] = [];
    const functions: DeployedFunction[] = [];
    const eventSourceMappings: DeclaredResource[] = [];
    const notEmulated: string[] = [];

    for (const resource of run.resources) {
        switch (resource.type) {
            case "aws:dynamodb/table:Table": {
                const name = String(resource.state.name);
                const streamArn = await createTable(clients.dynamodb, name, resource.inputs);
                tables.push(name);
                if (streamArn) streamArns.set(name, streamArn);
                break;
            }
            case "aws:s3/bucket:Bucket": {
                const name = String(resource.state.bucket);
                await clients.s3
                    .send(new CreateBucketCommand({ Bucket: name }))
                    .catch((error: { name?: string }) => {
                        // A kept local state already has it.
                        if (error.name !== "BucketAlreadyOwnedByYou" && error.name !== "BucketAlreadyExists")
                            throw error;
                    });
                buckets.push(name);
                break;
            }
            case "aws:lambda/function:Function": {
                const archive = await zipCodeArchive(resource.inputs.code);
                const codeDirectory = path.join(workDirectory, "functions", resource.name);
                fs.rmSync(codeDirectory, { recursive: true, force: true });
                unpackCodeZip(archive.zip, codeDirectory);
                functions.push({ resource, codeDirectory, zipBytes: archive.zip.length });
                break;
            }
            case "aws:lambda/eventSourceMapping:EventSourceMapping":
                eventSourceMappings.push(resource);
                break;
            case "aws:sfn/stateMachine:StateMachine":
                // Run by the local state machine runner (local/export/), from its definition.
                break;
            default:
                // Component resources only group others; their children are listed themselves.
                if (resource.type.startsWith("aws:")) {
                    notEmulated.push(
                        `${resource.type} ${resource.name} (${NOT_EMULATED[resource.type] ?? "no local emulation"})`,
                    );
                }
        }
    }
    return { streamArns, tables, buckets, functions, eventSourceMappings, notEmulated };
}

type TableInputs = {
    hashKey?: string;
    rangeKey?: string;
    attributes?: { name: string; type: string }[];
    streamEnabled?: boolean;
    streamViewType?: string;
    ttl?: { attributeName?: string; enabled?: boolean };
};

async function createTable(
    client: DynamoDBClient,
    name: string,
    inputs: Record<string, unknown>,
): Promise<string | undefined> {
    const table = inputs as TableInputs;
    if (!table.hashKey) throw new Error(`Table ${name} declares no hashKey.`);
    const keySchema: KeySchemaElement[] = [
        { AttributeName: table.hashKey, KeyType: "HASH" },
        ...(table.rangeKey ? [{ AttributeName: table.rangeKey, KeyType: "RANGE" as const }] : []),
    ];
    const attributeDefinitions: AttributeDefinition[] = (table.attributes ?? []).map((attribute) => ({
        AttributeName: attribute.name,
        AttributeType: attribute.type as AttributeDefinition["AttributeType"],
    }));
    const existing = await client
        .send(new DescribeTableCommand({ TableName: name }))
        .catch((error: { name?: string }) => {
            if (error.name === "ResourceNotFoundException") return undefined;
            throw error;
        });
    if (existing?.Table) {
        // A kept local state already has it: reuse it if its key schema is the one declared.
        const declared = JSON.stringify(keySchema);
        const actual = JSON.stringify(existing.Table.KeySchema);
        if (declared !== actual) {
            throw new Error(
                `Local table ${name} exists with key schema ${actual}, but the program declares ${declared}; ` +
                    `start again with --fresh to discard the local state.`,
            );
        }
        return existing.Table.LatestStreamArn;
    }
    await client.send(
        new CreateTableCommand({
            TableName: name,
            KeySchema: keySchema,
            AttributeDefinitions: attributeDefinitions,
            BillingMode: "PAY_PER_REQUEST",
            ...(table.streamEnabled
                ? {
                      StreamSpecification: {
                          StreamEnabled: true,
                          StreamViewType: table.streamViewType as "NEW_AND_OLD_IMAGES",
                      },
                  }
                : {}),
        }),
    );
    await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: name });
    if (table.ttl?.enabled && table.ttl.attributeName) {
        await client.send(
            new UpdateTimeToLiveCommand({
                TableName: name,
                TimeToLiveSpecification: { AttributeName: table.ttl.attributeName, Enabled: true },
            }),
        );
    }
    const described = await client.send(new DescribeTableCommand({ TableName: name }));
    return described.Table?.LatestStreamArn;
}
