import { randomBytes } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { S3Client } from "@aws-sdk/client-s3";
import { writeLocalExport } from "./export-writer";

/** An export as DescribeExport describes it (the fields the backfill reads). */
export type ExportDescription = {
    ExportArn: string;
    ExportStatus: "IN_PROGRESS" | "COMPLETED" | "FAILED";
    TableArn: string;
    ExportTime: Date;
    StartTime: Date;
    EndTime?: Date;
    S3Bucket: string;
    S3Prefix?: string;
    ExportFormat: "DYNAMODB_JSON";
    ExportType: "FULL_EXPORT";
    ExportManifest?: string;
    ItemCount?: number;
    BilledSizeBytes?: number;
    FailureCode?: string;
    FailureMessage?: string;
};

/** An error as DynamoDB names it (the endpoint answers with it as `__type`). */
export function serviceError(name: string, message: string): Error {
    return Object.assign(new Error(message), { name });
}

export type LocalExportServiceOptions = {
    readonly dynamodb: DynamoDBClient;
    readonly s3: S3Client;
    /** Point-in-time recovery of the tables the program declared, by physical name. */
    readonly pointInTimeRecovery: ReadonlyMap<string, boolean>;
    /** Items per data file; DynamoDB writes at least one per partition. */
    readonly itemsPerFile: number;
};

/**
 * ExportTableToPointInTime and DescribeExport for DynamoDB Local, which has neither: an export
 * runs in the background (IN_PROGRESS, then COMPLETED or FAILED) and writes the layout of a
 * DYNAMODB_JSON full export to s3rver (see `export-writer.ts`). Like AWS it refuses a table
 * without point-in-time recovery, as the program declared it.
 */
export class LocalExportService {
    private readonly exports = new Map<string, ExportDescription>();

    public constructor(private readonly options: LocalExportServiceOptions) {}

    /** @throws {Error} named as DynamoDB would: PointInTimeRecoveryUnavailableException, ValidationException */
    public start(request: {
        TableArn: string;
        S3Bucket: string;
        S3Prefix?: string;
        ExportFormat?: string;
        ExportType?: string;
    }): ExportDescription {
        const tableName = request.TableArn.slice(
            request.TableArn.lastIndexOf("table/") + "table/".length,
        ).split("/")[0]!;
        if (request.ExportFormat !== undefined && request.ExportFormat !== "DYNAMODB_JSON") {
            throw serviceError(
                "ValidationException",
                `ExportFormat ${request.ExportFormat} is not emulated locally; use DYNAMODB_JSON.`,
            );
        }
        if (request.ExportType !== undefined && request.ExportType !== "FULL_EXPORT") {
            throw serviceError(
                "ValidationException",
                `ExportType ${request.ExportType} is not emulated locally; use FULL_EXPORT.`,
            );
        }
        if (this.options.pointInTimeRecovery.get(tableName) !== true) {
            throw serviceError(
                "PointInTimeRecoveryUnavailableException",
                `Point in time recovery is not enabled for table '${tableName}'`,
            );
        }
        const now = new Date();
        const exportArn = `${request.TableArn}/export/${now.getTime()}-${randomBytes(4).toString("hex")}`;
        const description: ExportDescription = {
            ExportArn: exportArn,
            ExportStatus: "IN_PROGRESS",
            TableArn: request.TableArn,
            ExportTime: now,
            StartTime: now,
            S3Bucket: request.S3Bucket,
            ...(request.S3Prefix ? { S3Prefix: request.S3Prefix } : {}),
            ExportFormat: "DYNAMODB_JSON",
            ExportType: "FULL_EXPORT",
        };
        this.exports.set(exportArn, description);
        void writeLocalExport({
            dynamodb: this.options.dynamodb,
            s3: this.options.s3,
            tableName,
            tableArn: request.TableArn,
            exportArn,
            bucket: request.S3Bucket,
            prefix: request.S3Prefix ?? "",
            exportTime: now,
            itemsPerFile: this.options.itemsPerFile,
        }).then(
            (summary) =>
                Object.assign(description, {
                    ExportStatus: "COMPLETED",
                    EndTime: summary.endTime,
                    ExportManifest: summary.manifestSummaryKey,
                    ItemCount: summary.itemCount,
                    BilledSizeBytes: summary.billedSizeBytes,
                }),
            (error: unknown) =>
                Object.assign(description, {
                    ExportStatus: "FAILED",
                    EndTime: new Date(),
                    FailureCode: "LocalExportFailed",
                    FailureMessage: error instanceof Error ? error.message : String(error),
                }),
        );
        return description;
    }

    /** @throws {Error} named ExportNotFoundException */
    public describe(exportArn: string): ExportDescription {
        const description = this.exports.get(exportArn);
        if (!description) throw serviceError("ExportNotFoundException", `Export not found: ${exportArn}`);
        return description;
    }

    /** The declared point-in-time recovery of a table of the program; undefined for any other table. */
    public pointInTimeRecovery(tableName: string): boolean | undefined {
        return this.options.pointInTimeRecovery.get(tableName);
    }
}
