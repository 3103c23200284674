import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** statfs type of tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;
const SHARED_MEMORY = "/dev/shm";

/** A new directory, in memory when the machine has a tmpfs at /dev/shm, else on disk. */
export type ScratchDirectory = { readonly path: string; readonly inMemory: boolean };

/**
 * A new directory for s3rver's objects, in memory where possible: DynamoDB Local already runs in
 * memory, and s3rver writes two files per PutObject, so on disk the naive handler's one PUT per
 * record waits on the machine's file-system latency, which on these VMs swings by 2–3× from one
 * minute to the next (measured: 136–516 sequential PUTs/s on disk, 250–720 in memory).
 */
export function makeScratchDirectory(prefix: string): ScratchDirectory {
    const inMemory = isTmpfs(SHARED_MEMORY);
    const parent = inMemory ? SHARED_MEMORY : os.tmpdir();
    return { path: fs.mkdtempSync(path.join(parent, prefix)), inMemory };
}

function isTmpfs(directory: string): boolean {
    try {
        return fs.statfsSync(directory).type === TMPFS_MAGIC;
    } catch {
        return false;
    }
}
