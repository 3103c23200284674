import type { DynamoDBRecord } from "aws-lambda";
import type { MalformedRecordError } from "./errors";
import { routeRecord } from "./route";
import type { TtlExpirationMode } from "./contract";
import type { ProjectionChange, StreamImage } from "./types";

/** What processing does with one record of the batch. */
export type RecordPlan =
    /** The latest change of its key in the batch: its write carries the key's final state. */
    | { readonly kind: "write"; readonly keyId: string }
    /** An earlier change of a key whose later change is written: processed, nothing to write. */
    | { readonly kind: "superseded"; readonly keyId: string; readonly bySequence: string }
    /** A TTL expiration when config says to only archive them. */
    | { readonly kind: "archiveOnly" }
    | { readonly kind: "malformed"; readonly error: MalformedRecordError };

export type BatchPlan = {
    /** One write per distinct key: the change of its latest well-formed record. */
    readonly writes: ReadonlyMap<string, ProjectionChange>;
    readonly records: ReadonlyMap<DynamoDBRecord, RecordPlan>;
};

/**
 * Coalesces a batch: for each key, only the latest well-formed change is written, so one
 * conditional write carries the key's final state and two changes to one key never race. Pure.
 *
 * "Latest" is the highest sequence number, whatever the records' order in the batch.
 */
export function planBatch(
    records: readonly DynamoDBRecord[],
    options: { readonly ttlExpirations: TtlExpirationMode },
): BatchPlan {
    const writes = new Map<string, ProjectionChange>();
    const plans = new Map<DynamoDBRecord, RecordPlan>();
    const routed: [DynamoDBRecord, string, ProjectionChange][] = [];

    for (const record of records) {
        let change: ProjectionChange;
        try {
            change = routeRecord(record);
        } catch (error) {
            plans.set(record, { kind: "malformed", error: error as MalformedRecordError });
            continue;
        }
        if (change.kind === "delete" && change.ttlExpired && options.ttlExpirations === "archiveOnly") {
            plans.set(record, { kind: "archiveOnly" });
            continue;
        }
        const keyId = keyIdentity(record.dynamodb?.Keys ?? {});
        const current = writes.get(keyId);
        // Fixed-width sequences: string order is numeric order.
        if (!current || change.sequence >= current.sequence) writes.set(keyId, change);
        routed.push([record, keyId, change]);
    }
    for (const [record, keyId, change] of routed) {
        const winner = writes.get(keyId);
        plans.set(
            record,
            winner === change
                ? { kind: "write", keyId }
                : { kind: "superseded", keyId, bySequence: winner?.sequence ?? "" },
        );
    }
    return { writes, records: plans };
}

/** A canonical text for a key, independent of attribute order. */
export function keyIdentity(keys: StreamImage): string {
    return JSON.stringify(
        Object.keys(keys)
            .sort()
            .map((name) => [name, keys[name]]),
    );
}
