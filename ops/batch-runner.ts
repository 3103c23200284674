import type { DynamoDBStreamEvent } from "aws-lambda";

/** A record the handler reported as failed, with the reason it logged. */
export type RecordFailure = {
    readonly eventID: string;
    readonly sequenceNumber: string | null;
    readonly reason: string;
};

/** What running one batch through the handler's code came to. */
export type BatchOutcome = {
    /** Records reported in `batchItemFailures`, with their logged reasons. */
    readonly failures: readonly RecordFailure[];
    /** Set when the invocation itself failed (the handler threw), so no record counts as done. */
    readonly error?: string;
};

/** Runs one batch through the handler's own code, as the stream would. */
export type BatchRunner = (event: DynamoDBStreamEvent) => Promise<BatchOutcome>;
