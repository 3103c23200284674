import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import type { LakeFeed, LakeWindow } from "../../infra/lake/statements";
import { copyArchive } from "./archive-copy";
import { DuckdbLake, type LakeCounts } from "./duckdb-lake";

export type LocalLakeRun = LakeCounts & {
    /** Archive objects read. */
    readonly objects: number;
    /** Time to copy the archive and run the job, in milliseconds. */
    readonly durationMs: number;
};

/**
 * Runs the lake's job on DuckDB over a local stack's archive: copies the archive out of the local
 * bucket, creates the lake's tables, runs one window, and returns the row counts. The lake lives
 * only for the call: each run rebuilds it from the whole archive.
 */
export async function runLocalLake(args: {
    readonly s3: S3Client;
    readonly bucket: string;
    readonly prefix: string;
    readonly feed: LakeFeed;
    readonly window: LakeWindow;
}): Promise<LocalLakeRun> {
    const startedAt = Date.now();
    const folder = await mkdtemp(path.join(os.tmpdir(), "lake-"));
    try {
        const objects = await copyArchive(args.s3, args.bucket, args.prefix, folder);
        if (objects === 0) {
            const current = Object.fromEntries(args.feed.routes.map((route) => [route.name, 0]));
            return { changes: 0, current, objects, durationMs: Date.now() - startedAt };
        }
        const lake = await DuckdbLake.open(args.feed, path.join(folder, args.prefix));
        try {
            await lake.run(args.window);
            return { ...(await lake.counts()), objects, durationMs: Date.now() - startedAt };
        } finally {
            lake.close();
        }
    } finally {
        await rm(folder, { recursive: true, force: true });
    }
}
