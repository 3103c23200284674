import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Where a shard is read from while it has no checkpoint: fixed when the mapping is created, so a
 * restart, a re-acquired iterator or a shard held back behind its parent starts at the same place.
 */
export type ShardStart =
    | { readonly type: "TRIM_HORIZON" }
    | { readonly type: "AFTER_SEQUENCE_NUMBER"; readonly sequenceNumber: string };

/** What the mapping keeps per stream: where each shard started, and how far it got. */
export type CheckpointStore = {
    /** The last sequence number processed in a shard. */
    get(streamArn: string, shardId: string): string | undefined;
    set(streamArn: string, shardId: string, sequenceNumber: string): void;
    /**
     * The starting position of each shard that existed when the mapping was created, or undefined
     * if the mapping has not been created yet. Shards not listed appeared later.
     */
    getStarts(streamArn: string): Readonly<Record<string, ShardStart>> | undefined;
    setStarts(streamArn: string, starts: Readonly<Record<string, ShardStart>>): void;
};

type StreamState = {
    readonly starts?: Readonly<Record<string, ShardStart>>;
    readonly checkpoints: Readonly<Record<string, string>>;
};
type State = Readonly<Record<string, StreamState>>;

function storeOver(initial: State, save: (state: State) => void): CheckpointStore {
    let state = initial;
    const update = (streamArn: string, change: (stream: StreamState) => StreamState): void => {
        state = { ...state, [streamArn]: change(state[streamArn] ?? { checkpoints: {} }) };
        save(state);
    };
    return {
        get: (streamArn, shardId) => state[streamArn]?.checkpoints[shardId],
        set: (streamArn, shardId, sequenceNumber) =>
            update(streamArn, (stream) => ({
                ...stream,
                checkpoints: { ...stream.checkpoints, [shardId]: sequenceNumber },
            })),
        getStarts: (streamArn) => state[streamArn]?.starts,
        setStarts: (streamArn, starts) => update(streamArn, (stream) => ({ ...stream, starts })),
    };
}

/** Checkpoints kept in memory (a fresh local stack: the mapping is created on every start). */
export function memoryCheckpoints(): CheckpointStore {
    return storeOver({}, () => undefined);
}

/**
 * Checkpoints kept in a JSON file, written (atomically, via rename) after every change, so a
 * restarted mapping resumes after the last processed record, and a shard without a checkpoint
 * still starts where it would have when the mapping was created.
 */
export function fileCheckpoints(file: string): CheckpointStore {
    const initial = fs.existsSync(file) ? parseState(fs.readFileSync(file, "utf8"), file) : {};
    return storeOver(initial, (state) => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const temporary = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
        fs.renameSync(temporary, file);
    });
}

function parseState(text: string, file: string): State {
    const parsed = JSON.parse(text) as Record<string, Record<string, unknown>>;
    const state: Record<string, StreamState> = {};
    for (const [streamArn, stream] of Object.entries(parsed)) {
        if (typeof stream.checkpoints === "object" && stream.checkpoints !== null) {
            state[streamArn] = stream as StreamState;
        } else if (Object.values(stream).every((value) => typeof value === "string")) {
            // The earlier layout, checkpoints only: a mapping that exists, starting positions unknown.
            state[streamArn] = { starts: {}, checkpoints: stream as Record<string, string> };
        } else {
            throw new Error(
                `${file} has an entry for ${streamArn} that is not a checkpoint record; remove it.`,
            );
        }
    }
    return state;
}
