import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SFNClient } from "@aws-sdk/client-sfn";
import type { ExportBackfillClients, ExportBackfillTarget } from "./export-backfill";
import { backfillError } from "./export-backfill";
import { stackRegion } from "../stack-access/project";
import { localClientConfig } from "../stack-access/local-stack-file";
import { pulumiStackOutputs, readLocalTarget, requiredOutput, type TargetOptions } from "./target";

export type ResolvedExportBackfill = {
    readonly target: ExportBackfillTarget;
    readonly clients: ExportBackfillClients;
    close(): void;
};

/**
 * The deployed backfill from exports and SDK clients for it: on AWS from the stack's outputs
 * (`pulumi stack output --json`); locally from the stack file of a running `npm start`, whose
 * endpoint answers the Step Functions and DynamoDB export calls as AWS would.
 *
 * @throws {Error} named NoBackfillStateMachine when the stack declares none (pointInTimeRecovery off)
 */
export async function resolveExportBackfill(options: TargetOptions): Promise<ResolvedExportBackfill> {
    const noStateMachine = (where: string) =>
        backfillError(
            "NoBackfillStateMachine",
            `${where} has no backfill state machine: the program declares it only with point-in-time recovery on ` +
                `(pulumi config set ddb-changefeed:pointInTimeRecovery true, then pulumi up). Or backfill with a scan: ` +
                `npm run backfill without --from-export.`,
        );
    if (options.local) {
        const file = readLocalTarget(options);
        if (!file.backfill) throw noStateMachine(`The local stack "${options.stack}"`);
        const credentials = localClientConfig(file.backfill.endpoint, file.region, file.credentials);
        const clients = {
            dynamodb: new DynamoDBClient({
                endpoint: file.backfill.endpoint,
                region: file.region,
                credentials: credentials.credentials,
            }),
            sfn: new SFNClient({
                endpoint: file.backfill.endpoint,
                region: file.region,
                credentials: credentials.credentials,
            }),
            s3: new S3Client(localClientConfig(file.s3Endpoint, file.region, file.credentials)),
        };
        const sourceTable = options.names?.sourceTable ?? file.names.sourceTable;
        const described = await clients.dynamodb.send(new DescribeTableCommand({ TableName: sourceTable }));
        return {
            target: {
                description: `local stack "${options.stack}" (npm start, pid ${file.pid})`,
                sourceTable,
                sourceTableArn: String(described.Table?.TableArn),
                bucket: file.backfill.bucket,
                stateMachineArn: file.backfill.stateMachineArn,
                executionLink: (executionArn) =>
                    `local execution ${executionArn} (answered by ${file.backfill?.endpoint})`,
            },
            clients,
            close: () => Object.values(clients).forEach((client) => client.destroy()),
        };
    }

    const outputs = (options.stackOutputs ?? pulumiStackOutputs)(options.stack);
    const stateMachineArn = outputs.backfillStateMachineArn;
    if (typeof stateMachineArn !== "string" || stateMachineArn === "")
        throw noStateMachine(`Stack "${options.stack}"`);
    const region = stateMachineArn.split(":")[3] ?? stackRegion(options.stack) ?? "us-east-1";
    const clients = {
        dynamodb: new DynamoDBClient({ region }),
        sfn: new SFNClient({ region }),
        s3: new S3Client({ region }),
    };
    return {
        target: {
            description: `stack "${options.stack}" on AWS (${region})`,
            sourceTable:
                options.names?.sourceTable ??
                requiredOutput(options.stack, outputs, "sourceTableName", "source-table"),
            sourceTableArn: requiredOutput(options.stack, outputs, "sourceTableArn"),
            bucket: requiredOutput(options.stack, outputs, "backfillBucketName"),
            stateMachineArn,
            executionLink: (executionArn) =>
                `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`,
        },
        clients,
        close: () => Object.values(clients).forEach((client) => client.destroy()),
    };
}
