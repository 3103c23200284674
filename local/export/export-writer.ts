import { createHash, randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { ScanCommand, type AttributeValue, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { toEventImage } from "../../stack-access/event-image";

/** What an export wrote, as DynamoDB's manifest-summary.json says it. */
export type LocalExportSummary = {
    readonly exportArn: string;
    readonly tableArn: string;
    readonly exportTime: Date;
    readonly startTime: Date;
    readonly endTime: Date;
    readonly manifestSummaryKey: string;
    readonly manifestFilesKey: string;
    readonly itemCount: number;
    readonly billedSizeBytes: number;
    readonly dataFiles: number;
};

export type LocalExportRequest = {
    readonly dynamodb: DynamoDBClient;
    readonly s3: S3Client;
    readonly tableName: string;
    readonly tableArn: string;
    readonly exportArn: string;
    readonly bucket: string;
    /** The export's S3 prefix, as in ExportTableToPointInTime (may be empty). */
    readonly prefix: string;
    readonly exportTime: Date;
    /** Items per data file (DynamoDB writes at least one file per partition). */
    readonly itemsPerFile: number;
};

/**
 * DynamoDB Local has no ExportTableToPointInTime; this writes the same layout a DYNAMODB_JSON
 * full export does, from a scan with consistent reads:
 *
 * ```
 * <prefix>/AWSDynamoDB/<export id>/_started
 * <prefix>/AWSDynamoDB/<export id>/data/<name>.json.gz     one {"Item":{…}} per line, gzip'd
 * <prefix>/AWSDynamoDB/<export id>/manifest-files.json     one line per data file
 * <prefix>/AWSDynamoDB/<export id>/manifest-summary.json
 * ```
 *
 * Unlike a point-in-time export it is no snapshot: an item changed during the scan may appear in
 * either state. The projection's guard makes that harmless (the stream's change wins).
 */
export async function writeLocalExport(request: LocalExportRequest): Promise<LocalExportSummary> {
    const startTime = new Date();
    const exportId = request.exportArn.slice(request.exportArn.lastIndexOf("/") + 1);
    // As DynamoDB lays it out: <prefix>/AWSDynamoDB/<id>/, or AWSDynamoDB/<id>/ without a prefix.
    const base = `${request.prefix ? `${request.prefix.replace(/\/$/, "")}/` : ""}AWSDynamoDB/${exportId}/`;
    const put = (key: string, body: Uint8Array | string, contentType: string) =>
        request.s3.send(
            new PutObjectCommand({ Bucket: request.bucket, Key: key, Body: body, ContentType: contentType }),
        );
    await put(`${base}_started`, new Uint8Array(0), "application/octet-stream");

    const manifestLines: string[] = [];
    let itemCount = 0;
    let billedSizeBytes = 0;
    let lines: string[] = [];
    const writeDataFile = async (): Promise<void> => {
        if (lines.length === 0) return;
        const body = gzipSync(Buffer.from(lines.join(""), "utf8"));
        const key = `${base}data/${randomUUID().replace(/-/g, "").slice(0, 26)}.json.gz`;
        await put(key, body, "application/x-gzip");
        const md5 = createHash("md5").update(body);
        manifestLines.push(
            `${JSON.stringify({
                itemCount: lines.length,
                md5Checksum: md5.copy().digest("base64"),
                etag: md5.digest("hex"),
                dataFileS3Key: key,
            })}\n`,
        );
        lines = [];
    };

    let start: Record<string, AttributeValue> | undefined;
    do {
        const page = await request.dynamodb.send(
            new ScanCommand({ TableName: request.tableName, ConsistentRead: true, ExclusiveStartKey: start }),
        );
        for (const item of page.Items ?? []) {
            const line = `${JSON.stringify({ Item: toEventImage(item, "Item", () => undefined) })}\n`;
            lines.push(line);
            itemCount++;
            billedSizeBytes += Buffer.byteLength(line);
            if (lines.length >= request.itemsPerFile) await writeDataFile();
        }
        start = page.LastEvaluatedKey;
    } while (start);
    await writeDataFile();

    const manifestFilesKey = `${base}manifest-files.json`;
    await put(manifestFilesKey, manifestLines.join(""), "application/json");
    const endTime = new Date();
    const manifestSummaryKey = `${base}manifest-summary.json`;
    await put(
        manifestSummaryKey,
        JSON.stringify({
            version: "2020-06-30",
            exportArn: request.exportArn,
            startTime: startTime.toISOString(),
            endTime: endTime.toISOString(),
            tableArn: request.tableArn,
            tableId: exportId,
            exportTime: request.exportTime.toISOString(),
            s3Bucket: request.bucket,
            s3Prefix: request.prefix,
            s3SseAlgorithm: "AES256",
            s3SseKmsKeyId: null,
            manifestFilesS3Key: manifestFilesKey,
            billedSizeBytes,
            itemCount,
            outputFormat: "DYNAMODB_JSON",
        }),
        "application/json",
    );
    return {
        exportArn: request.exportArn,
        tableArn: request.tableArn,
        exportTime: request.exportTime,
        startTime,
        endTime,
        manifestSummaryKey,
        manifestFilesKey,
        itemCount,
        billedSizeBytes,
        dataFiles: manifestLines.length,
    };
}
