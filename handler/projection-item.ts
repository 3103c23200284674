import { RESERVED_ATTRIBUTES } from "./contract";
import type { ProjectionChange, SdkItem } from "./types";

/** A PutItem that only lands if the projection holds no newer change of the item. */
export type GuardedPut = {
    readonly item: SdkItem;
    readonly conditionExpression: string;
    readonly expressionAttributeNames: Record<string, string>;
    readonly expressionAttributeValues: SdkItem;
};

/**
 * The guarded write for a change. A put stores the new image plus its sequence; a delete stores a
 * tombstone (the key, its sequence, an expiry) so that a late replay of an older change cannot
 * bring the item back. Either way the write only lands over an older sequence, or no item.
 */
export function toGuardedPut(
    change: ProjectionChange,
    options: { readonly nowSeconds: number; readonly tombstoneTtlSeconds: number },
): GuardedPut {
    const sequence = { S: change.sequence };
    const item: SdkItem =
        change.kind === "put"
            ? { ...change.item, [RESERVED_ATTRIBUTES.sequence]: sequence }
            : {
                  ...change.key,
                  [RESERVED_ATTRIBUTES.sequence]: sequence,
                  [RESERVED_ATTRIBUTES.tombstone]: { BOOL: true },
                  [RESERVED_ATTRIBUTES.expiresAt]: {
                      N: String(Math.floor(options.nowSeconds) + options.tombstoneTtlSeconds),
                  },
              };
    return {
        item,
        // Fixed-width sequences compare numerically as strings.
        conditionExpression: "attribute_not_exists(#sequence) OR #sequence < :sequence",
        expressionAttributeNames: { "#sequence": RESERVED_ATTRIBUTES.sequence },
        expressionAttributeValues: { ":sequence": sequence },
    };
}

/** True for a projection item that records a delete: readers skip these. */
export function isTombstone(item: SdkItem): boolean {
    return item[RESERVED_ATTRIBUTES.tombstone]?.BOOL === true;
}

/** A projection item as its source item was: the reserved attributes removed. */
export function withoutReservedAttributes(item: SdkItem): SdkItem {
    const copy = { ...item };
    for (const name of Object.values(RESERVED_ATTRIBUTES)) delete copy[name];
    return copy;
}
