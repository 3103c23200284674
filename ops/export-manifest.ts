import type { ExportDataFile } from "../handler/contract";

/** What an export's `manifest-summary.json` says about it. */
export type ExportSummary = {
    readonly exportArn: string;
    readonly exportTime: string;
    readonly tableArn: string;
    readonly itemCount: number;
    readonly billedSizeBytes: number;
};

/**
 * Reads an export's `manifest-files.json`: one JSON object per line, one line per data file. Pure.
 *
 * @throws {Error} naming the line that is not a data file's entry
 */
export function parseManifestFiles(text: string): ExportDataFile[] {
    return text
        .split("\n")
        .map((line, index) => ({ line: line.trim(), number: index + 1 }))
        .filter(({ line }) => line !== "")
        .map(({ line, number }) => {
            let entry: Partial<ExportDataFile>;
            try {
                entry = JSON.parse(line) as Partial<ExportDataFile>;
            } catch (error) {
                throw new Error(`manifest-files.json line ${number} is not JSON.`, { cause: error });
            }
            if (typeof entry.dataFileS3Key !== "string" || typeof entry.itemCount !== "number") {
                throw new Error(
                    `manifest-files.json line ${number} has no dataFileS3Key and itemCount: ${line}`,
                );
            }
            return entry as ExportDataFile;
        });
}

/**
 * Reads an export's `manifest-summary.json`. Pure.
 *
 * @throws {Error} when a field the backfill needs is missing
 */
export function parseManifestSummary(text: string): ExportSummary {
    const summary = JSON.parse(text) as Record<string, unknown>;
    for (const field of ["exportArn", "exportTime", "tableArn"]) {
        if (typeof summary[field] !== "string") throw new Error(`manifest-summary.json has no ${field}.`);
    }
    return {
        exportArn: String(summary.exportArn),
        exportTime: String(summary.exportTime),
        tableArn: String(summary.tableArn),
        itemCount: Number(summary.itemCount ?? 0),
        billedSizeBytes: Number(summary.billedSizeBytes ?? 0),
    };
}

/** `…/AWSDynamoDB/<id>/manifest-summary.json` (DescribeExport's ExportManifest) → `…/AWSDynamoDB/<id>/manifest-files.json`. */
export function manifestFilesKeyOf(exportManifest: string): string {
    return `${exportManifest.slice(0, exportManifest.lastIndexOf("/") + 1)}manifest-files.json`;
}

/** Data files as manifest lines again, e.g. a manifest of the files a run has yet to apply. Pure. */
export function formatManifestFiles(files: readonly ExportDataFile[]): string {
    return files.map((file) => `${JSON.stringify(file)}\n`).join("");
}
