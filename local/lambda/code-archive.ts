import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import AdmZip from "adm-zip";

/** The function's code archive, zipped as `pulumi up` would upload it. */
export type CodeZip = {
    readonly zip: Buffer;
    /** Every file in the archive, by its path inside it. */
    readonly entries: readonly string[];
};

/**
 * Zips the `code` input of a CallbackFunction (an AssetArchive of the serialized `__index.js`,
 * a FileArchive per package folder Pulumi adds whole and a FileAsset per file the code path
 * options list, each named by its path from the program's directory) into the bytes Lambda would
 * receive.
 *
 * @throws {Error} when the input is not an AssetArchive of string assets, file assets and
 * directory archives
 */
export async function zipCodeArchive(code: unknown): Promise<CodeZip> {
    // isInstance only checks the Archive/Asset brand, so the kind is told by its fields.
    if (!pulumi.asset.Archive.isInstance(code) || !("assets" in code)) {
        throw new Error("The function's `code` input is not a Pulumi AssetArchive.");
    }
    const assets = await (code as pulumi.asset.AssetArchive).assets;
    const zip = new AdmZip();
    for (const [name, asset] of Object.entries(assets).sort(([a], [b]) => a.localeCompare(b))) {
        if (pulumi.asset.Asset.isInstance(asset) && "text" in asset) {
            zip.addFile(name, Buffer.from(await (asset as pulumi.asset.StringAsset).text, "utf8"));
        } else if (pulumi.asset.Archive.isInstance(asset) && "path" in asset) {
            addDirectory(zip, await (asset as pulumi.asset.FileArchive).path, name);
        } else if (pulumi.asset.Asset.isInstance(asset) && "path" in asset) {
            zip.addFile(name, fs.readFileSync(await (asset as pulumi.asset.FileAsset).path));
        } else {
            throw new Error(`Code archive entry ${name} is of a kind this packager does not handle.`);
        }
    }
    const bytes = zip.toBuffer();
    return { zip: bytes, entries: zip.getEntries().map((entry) => entry.entryName) };
}

/** Unpacks a zipped code archive into a directory, as Lambda does into /var/task. */
export function unpackCodeZip(zip: Buffer, directory: string): void {
    fs.mkdirSync(directory, { recursive: true });
    new AdmZip(zip).extractAllTo(directory, true);
}

function addDirectory(zip: AdmZip, directory: string, prefix: string): void {
    for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
        const source = path.join(directory, entry.name);
        const target = `${prefix}/${entry.name}`;
        if (entry.isDirectory()) addDirectory(zip, source, target);
        else if (entry.isFile()) zip.addFile(target, fs.readFileSync(source));
    }
}
