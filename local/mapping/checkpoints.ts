import * as fs from "node:fs";
import * as path from "node:path";

/** Where each shard of a stream was last checkpointed: the last sequence number processed. */
export type CheckpointStore = {
    get(streamArn: string, shardId: string): string | undefined;
    set(streamArn: string, shardId: string, sequenceNumber: string): void;
};

/** Checkpoints kept in memory (a fresh local stack). */
export function memoryCheckpoints(): CheckpointStore {
    const checkpoints = new Map<string, string>();
    return {
        get: (streamArn, shardId) => checkpoints.get(`${streamArn} ${shardId}`),
        set: (streamArn, shardId, sequenceNumber) =>
            void checkpoints.set(`${streamArn} ${shardId}`, sequenceNumber),
    };
}

/**
 * Checkpoints kept in a JSON file, written (atomically, via rename) after every batch, so a
 * restarted mapping resumes after the last processed record instead of starting over.
 */
export function fileCheckpoints(file: string): CheckpointStore {
    const load = (): Record<string, Record<string, string>> =>
        fs.existsSync(file)
            ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, Record<string, string>>)
            : {};
    let state = load();
    return {
        get: (streamArn, shardId) => state[streamArn]?.[shardId],
        set: (streamArn, shardId, sequenceNumber) => {
            state = { ...state, [streamArn]: { ...state[streamArn], [shardId]: sequenceNumber } };
            fs.mkdirSync(path.dirname(file), { recursive: true });
            const temporary = `${file}.${process.pid}.tmp`;
            fs.writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
            fs.renameSync(temporary, file);
        },
    };
}
