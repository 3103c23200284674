import type { Check } from "./check";
import type { Scalars } from "./scalar";

/** Rules between integer settings: each problem names both keys and their values. */
export function checkAcrossKeys(check: Check, values: Scalars): void {
    const { archiveTransitionDays, archiveExpirationDays } = values;
    if (
        archiveTransitionDays > 0 &&
        archiveExpirationDays > 0 &&
        archiveExpirationDays <= archiveTransitionDays
    ) {
        check.report(
            `${check.name("archiveExpirationDays")} is ${archiveExpirationDays}; allowed: more than ` +
                `archiveTransitionDays (${archiveTransitionDays}), or 0 to keep objects forever ` +
                `(S3 refuses an expiration that comes before the transition).`,
        );
    }
    const { iteratorAgeAlarmSeconds, batchingWindowSeconds, maxRecordAgeSeconds } = values;
    if (iteratorAgeAlarmSeconds <= batchingWindowSeconds || iteratorAgeAlarmSeconds >= maxRecordAgeSeconds) {
        check.report(
            `${check.name("iteratorAgeAlarmSeconds")} is ${iteratorAgeAlarmSeconds}; allowed: more than ` +
                `batchingWindowSeconds (${batchingWindowSeconds}), which delays every batch, and less ` +
                `than maxRecordAgeSeconds (${maxRecordAgeSeconds}), past which records go to the ` +
                `failure destination before the alarm could warn.`,
        );
    }
    const { reservedConcurrency, parallelizationFactor } = values;
    if (reservedConcurrency > 0 && reservedConcurrency < parallelizationFactor) {
        check.report(
            `${check.name("reservedConcurrency")} is ${reservedConcurrency}; allowed: -1 (unreserved) or at least ` +
                `parallelizationFactor (${parallelizationFactor}): every shard runs that many batches at once.`,
        );
    }
}
