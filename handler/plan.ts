import type { DynamoDBRecord } from "aws-lambda";
import type { MalformedRecordError } from "./errors";
import { toProjectionChange } from "./projection-change";
import { feedRoutes, routeAction, routeMembership, selectAttributes, type RouteAction } from "./routing";
import type { DeployedRoute } from "./contract";
import type { BatchSettings, ProjectionChange, RouteMembership, StreamImage } from "./types";

/** What processing does with one record of the batch. */
export type RecordPlan =
    /** The latest change of its key in at least one route: it carries those writes (by write id). */
    | { readonly kind: "write"; readonly writeIds: readonly string[] }
    /** Every route it touches writes a later change of its key instead: processed, nothing to write. */
    | { readonly kind: "superseded"; readonly bySequence: string }
    /** No route needs it (it matches none, before or after the change): processed, nothing to write. */
    | { readonly kind: "unrouted" }
    /** A TTL expiration when config says to only archive them. */
    | { readonly kind: "archiveOnly" }
    | { readonly kind: "malformed"; readonly error: MalformedRecordError };

export type BatchPlan = {
    /**
     * One write per route and distinct key the batch touches, by write id: the key's final state
     * in that route (its latest well-formed change, with the route's attributes, or a tombstone).
     */
    readonly writes: ReadonlyMap<string, ProjectionChange>;
    /** The route each write is for, by write id. */
    readonly writeRoutes: ReadonlyMap<string, DeployedRoute>;
    readonly records: ReadonlyMap<DynamoDBRecord, RecordPlan>;
    /** The records the archive keeps, in batch order. */
    readonly archived: readonly DynamoDBRecord[];
    /** The routes each well-formed record's images belong to, which its archive line records. */
    readonly memberships: ReadonlyMap<DynamoDBRecord, RouteMembership>;
};

/** The settings a plan depends on (see {@link feedRoutes} for a feed without routes). */
export type PlanOptions = Pick<
    BatchSettings,
    "ttlExpirations" | "routes" | "projectionTable" | "archiveScope"
>;

type Candidate = {
    readonly record: DynamoDBRecord;
    readonly change: ProjectionChange;
    readonly action: Exclude<RouteAction, undefined>;
    readonly route: DeployedRoute;
};

/**
 * Coalesces a batch per key and route: for each route and key, only the latest well-formed change
 * that touches the route is written, so one conditional write carries the key's final state in
 * that route and two writes to one item never race. A change touches a route when the item
 * matches it before or after the change (see `routeAction`); the write is the item with the
 * route's attributes, or a tombstone when the item was deleted or stopped matching. Pure.
 *
 * "Latest" is the highest sequence number, whatever the records' order in the batch.
 */
export function planBatch(records: readonly DynamoDBRecord[], options: PlanOptions): BatchPlan {
    const latest = new Map<string, Candidate>();
    const plans = new Map<DynamoDBRecord, RecordPlan>();
    const touching: [DynamoDBRecord, string[]][] = [];
    const memberships = new Map<DynamoDBRecord, RouteMembership>();
    const routes = feedRoutes(options);

    for (const record of records) {
        let change: ProjectionChange;
        try {
            change = toProjectionChange(record);
        } catch (error) {
            plans.set(record, { kind: "malformed", error: error as MalformedRecordError });
            continue;
        }
        const stream = record.dynamodb ?? {};
        const routed = {
            eventName: record.eventName,
            keys: stream.Keys ?? {},
            newImage: stream.NewImage,
            oldImage: stream.OldImage,
        };
        memberships.set(record, routeMembership(routes, routed));
        // Only archived when config says so; it still counts as needed by the routes it touches.
        const archiveOnly =
            change.kind === "delete" && change.ttlExpired && options.ttlExpirations === "archiveOnly";
        const keyId = keyIdentity(routed.keys);
        const writeIds: string[] = [];
        for (let index = 0; index < routes.length; index++) {
            const route = routes[index]!;
            const action = routeAction(route, routed, change);
            if (!action) continue;
            const writeId = index === 0 ? keyId : `${index}:${keyId}`;
            writeIds.push(writeId);
            if (archiveOnly) continue;
            const current = latest.get(writeId);
            // Fixed-width sequences: string order is numeric order.
            if (!current || change.sequence >= current.change.sequence) {
                latest.set(writeId, { record, change, action, route });
            }
        }
        if (writeIds.length === 0) plans.set(record, { kind: "unrouted" });
        else if (archiveOnly) plans.set(record, { kind: "archiveOnly" });
        else touching.push([record, writeIds]);
    }

    const writes = new Map<string, ProjectionChange>();
    const writeRoutes = new Map<string, DeployedRoute>();
    for (const [writeId, candidate] of latest) {
        writes.set(writeId, routedChange(candidate));
        writeRoutes.set(writeId, candidate.route);
    }
    for (const [record, writeIds] of touching) {
        const won = writeIds.filter((writeId) => latest.get(writeId)?.record === record);
        if (won.length > 0) {
            plans.set(record, { kind: "write", writeIds: won });
        } else {
            const bySequence = writeIds
                .map((writeId) => latest.get(writeId)?.change.sequence ?? "")
                .reduce((highest, sequence) => (sequence > highest ? sequence : highest), "");
            plans.set(record, { kind: "superseded", bySequence });
        }
    }
    const archived =
        options.archiveScope === "routed"
            ? records.filter((record) => plans.get(record)?.kind !== "unrouted")
            : records;
    return { writes, writeRoutes, records: plans, archived, memberships };
}

/** A canonical text for a key, independent of attribute order. */
export function keyIdentity(keys: StreamImage): string {
    return JSON.stringify(
        Object.keys(keys)
            .sort()
            .map((name) => [name, keys[name]]),
    );
}

/** The change a route's projection receives: the item with the route's attributes, or a tombstone. */
function routedChange({ change, action, route }: Candidate): ProjectionChange {
    if (action === "put" && change.kind === "put") {
        const item = selectAttributes(change.item, change.key, route.attributes);
        return item === change.item ? change : { ...change, item };
    }
    if (change.kind === "delete") return change;
    // The item left the route: a tombstone, as for a delete.
    return { kind: "delete", key: change.key, sequence: change.sequence, ttlExpired: false };
}
