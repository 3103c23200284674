import { strict as assert } from "node:assert";
import { BatchProcessor, EventType } from "@aws-lambda-powertools/batch";
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import type { DynamoDBRecord, DynamoDBStreamEvent } from "aws-lambda";
import { batchMetrics } from "../../handler/batch-metrics";
import {
    BATCH_METRICS,
    INVOCATION_METRICS,
    METRICS_NAMESPACE,
    ROUTE_METRICS,
    UNROUTED_RECORDS_METRIC,
} from "../../handler/contract";
import { handleInvocation } from "../../handler/invocation";
import { batchLogKeys, LOG_MESSAGES } from "../../handler/log";
import { processStreamBatch, type BatchDependencies } from "../../handler/process-batch";
import { createTelemetry, type BatchTelemetry, type InvocationTelemetry } from "../../handler/telemetry";
import type { WriteOutcome } from "../../handler/types";
import { ArchiveWriteError } from "../../handler/errors";
import { dynamodbRecordFactory, streamEvent } from "../helpers/records";

type Line = Record<string, unknown>;
type EmfDocument = Line & {
    _aws: {
        CloudWatchMetrics: {
            Namespace: string;
            Dimensions: string[][];
            Metrics: { Name: string; Unit: string }[];
        }[];
    };
};

const SERVICE = "changefeed-test";

type Dependencies = BatchDependencies & { readonly telemetry: BatchTelemetry & InvocationTelemetry };

/** The packaged handler's telemetry, with its real Powertools Logger and Metrics. */
function dependencies(
    options: { failKey?: string; staleKey?: string; archiveFails?: boolean } = {},
): Dependencies {
    return {
        processor: new BatchProcessor(EventType.DynamoDBStreams),
        archivePrefix: "changes/",
        writeConcurrency: 4,
        ttlExpirations: "delete",
        writeProjection: async (change): Promise<WriteOutcome> => {
            if (options.failKey && change.key.id?.S === options.failKey)
                throw new Error("ThrottlingException");
            return change.key.id?.S === options.staleKey ? "stale" : "applied";
        },
        writeArchive: async (archive) => {
            if (options.archiveFails) throw new ArchiveWriteError(archive.key, new Error("SlowDown"));
        },
        telemetry: createTelemetry(
            new Logger({ serviceName: SERVICE }),
            new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE }),
        ),
    };
}

/** Runs a batch and returns every line Powertools wrote to stdout and stderr, parsed. */
async function capture(deps: BatchDependencies, event: DynamoDBStreamEvent): Promise<Line[]> {
    return (await captureInvocation(() => processStreamBatch(event, deps))).lines;
}

/** Runs an invocation and returns what it wrote (parsed) and what it threw, if anything. */
async function captureInvocation(run: () => Promise<unknown>): Promise<{ lines: Line[]; error: unknown }> {
    let error: unknown;
    const written: string[] = [];
    const { stdout, stderr } = process;
    const original = { out: stdout.write, err: stderr.write };
    const collect = (chunk: string | Uint8Array): boolean => {
        written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return true;
    };
    stdout.write = collect as typeof stdout.write;
    stderr.write = collect as typeof stderr.write;
    try {
        await run().catch((thrown: unknown) => {
            error = thrown;
        });
    } finally {
        stdout.write = original.out;
        stderr.write = original.err;
    }
    const lines = written
        .join("")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as Line);
    return { lines, error };
}

const record = (id: string, eventName = "INSERT"): DynamoDBRecord =>
    dynamodbRecordFactory({ eventName, keys: { id: { S: id } } });

describe("batch telemetry (Powertools Logger and Metrics)", () => {
    it("writes one JSON line per failed record, with its eventID, sequence number, key and reason", async () => {
        const [good, bad, after] = [record("good"), record("bad"), record("after")];

        const lines = await capture(dependencies({ failKey: "bad" }), streamEvent(good, bad, after));

        const failures = lines.filter((line) => line.level === "ERROR");
        assert.equal(failures.length, 1);
        assert.deepEqual(
            {
                message: failures[0]?.message,
                eventID: failures[0]?.eventID,
                eventName: failures[0]?.eventName,
                sequenceNumber: failures[0]?.sequenceNumber,
                key: failures[0]?.key,
                reason: failures[0]?.reason,
                service: failures[0]?.service,
            },
            {
                message: LOG_MESSAGES.recordFailed,
                eventID: bad.eventID,
                eventName: "INSERT",
                sequenceNumber: bad.dynamodb?.SequenceNumber,
                key: '{"id":"bad"}',
                reason: "Error: ThrottlingException",
                service: SERVICE,
            },
        );
    });

    it("tags every line of a batch with its stream and sequence range, and only that batch's lines", async () => {
        const first = [record("a"), record("b")];
        const second = [record("c")];
        const deps = dependencies({ failKey: "a" });

        const firstLines = await capture(deps, streamEvent(...first));
        const secondLines = await capture(deps, streamEvent(...second));

        const logLines = (lines: Line[]) => lines.filter((line) => line.level !== undefined);
        for (const line of logLines(firstLines)) {
            assert.deepEqual(
                {
                    stream: line.stream,
                    firstSequenceNumber: line.firstSequenceNumber,
                    lastSequenceNumber: line.lastSequenceNumber,
                },
                batchLogKeys(first),
                String(line.message),
            );
        }
        assert.equal(logLines(firstLines).length, 2, "a failure line and the summary");
        for (const line of logLines(secondLines)) {
            assert.equal(line.firstSequenceNumber, second[0]?.dynamodb?.SequenceNumber);
            assert.equal(line.lastSequenceNumber, second[0]?.dynamodb?.SequenceNumber);
        }
    });

    it("ends each batch with a summary line: counts, duration and archive size", async () => {
        const lines = await capture(
            dependencies({ staleKey: "old" }),
            streamEvent(record("old"), record("new"), record("new", "MODIFY")),
        );

        const summary = lines.find((line) => line.message === LOG_MESSAGES.batchProcessed);
        assert.equal(summary?.level, "INFO");
        assert.deepEqual(
            [
                summary?.records,
                summary?.writes,
                summary?.applied,
                summary?.stale,
                summary?.superseded,
                summary?.failed,
            ],
            [3, 2, 1, 1, 1, 0],
        );
        assert.equal(typeof summary?.durationMs, "number");
        assert.ok(Number(summary?.archiveBytes) > 0, "the archive object's size");
    });

    it("emits the batch's metrics as one EMF document in the DdbChangefeed namespace, by service", async () => {
        const lines = await capture(
            dependencies({ failKey: "bad", staleKey: "old" }),
            streamEvent(record("ok"), record("bad"), record("old"), record("ok", "MODIFY")),
        );

        const documents = lines.filter((line): line is EmfDocument => line._aws !== undefined);
        assert.equal(documents.length, 1);
        const [document] = documents;
        const [directive] = document?._aws.CloudWatchMetrics ?? [];
        assert.equal(directive?.Namespace, METRICS_NAMESPACE);
        assert.deepEqual(directive?.Dimensions, [["service"]]);
        assert.deepEqual(
            directive?.Metrics.map((metric) => [metric.Name, metric.Unit]),
            [
                [BATCH_METRICS.recordsProcessed, "Count"],
                [BATCH_METRICS.recordsFailed, "Count"],
                [BATCH_METRICS.recordsSuperseded, "Count"],
                [BATCH_METRICS.staleWritesSkipped, "Count"],
                [BATCH_METRICS.archiveBytes, "Bytes"],
                [BATCH_METRICS.batchDuration, "Milliseconds"],
            ],
        );
        assert.deepEqual(
            [
                document?.service,
                document?.[BATCH_METRICS.recordsProcessed],
                document?.[BATCH_METRICS.recordsFailed],
                document?.[BATCH_METRICS.recordsSuperseded],
                document?.[BATCH_METRICS.staleWritesSkipped],
            ],
            [SERVICE, 3, 1, 1, 1],
        );
    });
});

describe("invocation telemetry: what the Errors alarm counts", () => {
    const invoke = (deps: Dependencies, event: DynamoDBStreamEvent) =>
        captureInvocation(() => handleInvocation(event, deps, deps.telemetry));
    /** The EMF documents that count an unexpected invocation error. */
    const unexpectedErrors = (lines: Line[]) =>
        lines.filter(
            (line): line is EmfDocument =>
                line._aws !== undefined && line[INVOCATION_METRICS.unexpectedErrors] !== undefined,
        );

    it("does not count the deliberate failure that makes the mapping bisect a batch whose first record failed", async () => {
        const { lines, error } = await invoke(
            dependencies({ failKey: "bad" }),
            streamEvent(record("bad"), record("good")),
        );

        assert.equal((error as Error).name, "FirstRecordFailedError");
        assert.deepEqual(unexpectedErrors(lines), []);
    });

    it("does not count the deliberate failure of a batch whose every record failed", async () => {
        const { lines, error } = await invoke(dependencies({ failKey: "bad" }), streamEvent(record("bad")));

        assert.equal((error as Error).name, "FullBatchFailureError");
        assert.deepEqual(unexpectedErrors(lines), []);
    });

    it("counts an invocation that crashed (the archive could not be stored) once, by service, and rethrows it", async () => {
        const { lines, error } = await invoke(
            dependencies({ archiveFails: true }),
            streamEvent(record("a"), record("b")),
        );

        assert.equal((error as Error).name, "ArchiveWriteError");
        const documents = unexpectedErrors(lines);
        assert.equal(documents.length, 1);
        const [directive] = documents[0]?._aws.CloudWatchMetrics ?? [];
        assert.deepEqual(
            {
                namespace: directive?.Namespace,
                dimensions: directive?.Dimensions,
                metrics: directive?.Metrics,
                service: documents[0]?.service,
                value: documents[0]?.[INVOCATION_METRICS.unexpectedErrors],
            },
            {
                namespace: METRICS_NAMESPACE,
                dimensions: [["service"]],
                metrics: [{ Name: INVOCATION_METRICS.unexpectedErrors, Unit: "Count" }],
                service: SERVICE,
                value: 1,
            },
        );
    });

    it("counts an event that is not a stream batch (a wiring mistake)", async () => {
        const { lines, error } = await invoke(dependencies(), {} as DynamoDBStreamEvent);

        assert.equal((error as Error).name, "InvalidEventError");
        assert.equal(unexpectedErrors(lines).length, 1);
    });

    it("writes nothing more for an invocation that succeeds", async () => {
        const { lines, error } = await invoke(dependencies(), streamEvent(record("a")));

        assert.equal(error, undefined);
        assert.deepEqual(unexpectedErrors(lines), []);
    });
});

describe("per-route telemetry (Powertools Logger and Metrics)", () => {
    it("adds each route's counts to the summary line and emits one EMF document per route", async () => {
        const deps: BatchDependencies = {
            ...dependencies(),
            routes: [
                {
                    name: "orders",
                    table: "orders-projection",
                    match: { keyPrefix: { attribute: "id", prefix: "order-" } },
                },
                { name: "everything", table: "all-projection", match: "all" },
            ],
        };

        const lines = await capture(
            deps,
            streamEvent(record("order-1"), record("note-1"), record("order-2", "REMOVE")),
        );

        const summary = lines.find((line) => line.message === LOG_MESSAGES.batchProcessed);
        assert.deepEqual(
            { unrouted: summary?.unrouted, routes: summary?.routes },
            {
                unrouted: 0,
                routes: {
                    orders: { applied: 2, stale: 0, tombstoned: 1 },
                    everything: { applied: 3, stale: 0, tombstoned: 1 },
                },
            },
        );
        const documents = lines.filter((line): line is EmfDocument => line._aws !== undefined);
        const perRoute = documents.filter((document) => document.route !== undefined);
        assert.deepEqual(
            perRoute.map((document) => ({
                dimensions: document._aws.CloudWatchMetrics[0]?.Dimensions,
                route: document.route,
                service: document.service,
                values: [
                    document[ROUTE_METRICS.applied],
                    document[ROUTE_METRICS.stale],
                    document[ROUTE_METRICS.tombstoned],
                ],
            })),
            [
                { dimensions: [["service", "route"]], route: "orders", service: SERVICE, values: [2, 0, 1] },
                {
                    dimensions: [["service", "route"]],
                    route: "everything",
                    service: SERVICE,
                    values: [3, 0, 1],
                },
            ],
        );
        const batchDocument = documents.find((document) => document.route === undefined);
        assert.equal(batchDocument?.[UNROUTED_RECORDS_METRIC], 0);
    });
});

describe("batchMetrics", () => {
    const summary = {
        records: 10,
        writes: 6,
        applied: 4,
        stale: 1,
        superseded: 4,
        archiveOnly: 0,
        failed: 1,
    };

    it("counts processed records as every record that needs no retry", () => {
        const metrics = batchMetrics({ summary, durationMs: 12, archiveBytes: 2048 });

        assert.deepEqual(
            metrics.map((metric) => [metric.name, metric.value]),
            [
                ["RecordsProcessed", 9],
                ["RecordsFailed", 1],
                ["RecordsSuperseded", 4],
                ["StaleWritesSkipped", 1],
                ["ArchiveBytes", 2048],
                ["BatchDuration", 12],
            ],
        );
    });

    it("leaves out the archive size when the archive was not stored", () => {
        const metrics = batchMetrics({ summary, durationMs: 12, archiveBytes: undefined });

        assert.ok(!metrics.some((metric) => metric.name === BATCH_METRICS.archiveBytes));
    });
});
