import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { ARCHIVE_CONTENT_ENCODING, ARCHIVE_CONTENT_TYPE } from "./archive";
import { ArchiveWriteError } from "./errors";
import type { ArchiveObject } from "./types";

/** Stores one archive object. */
export type ArchiveWriter = (archive: ArchiveObject) => Promise<void>;

/**
 * A thin sink: the object was built by `encodeArchiveObject`.
 *
 * @throws {ArchiveWriteError} naming the object key, with the SDK's error as its cause
 */
export function createArchiveWriter(client: S3Client, bucket: string): ArchiveWriter {
    return async (archive) => {
        try {
            await client.send(
                new PutObjectCommand({
                    Bucket: bucket,
                    Key: archive.key,
                    Body: archive.body,
                    ContentType: ARCHIVE_CONTENT_TYPE,
                    ContentEncoding: ARCHIVE_CONTENT_ENCODING,
                }),
            );
        } catch (error) {
            throw new ArchiveWriteError(archive.key, error);
        }
    };
}
