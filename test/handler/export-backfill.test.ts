import { strict as assert } from "node:assert";
import type { DynamoDBStreamEvent } from "aws-lambda";
import type { ExportFileTask } from "../../handler/contract";
import {
    applyExportFile,
    type ExportBatchOutcome,
    type ExportFileDependencies,
} from "../../handler/export-backfill";

const TASK: ExportFileTask = {
    bucket: "exports-bucket",
    file: { dataFileS3Key: "exports/AWSDynamoDB/0170-abcd/data/file1.json.gz", itemCount: 7 },
    export: {
        exportArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders/export/0170-abcd",
        exportTime: "2026-11-27T09:00:00Z",
        tableArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
    },
};

/** A data file's lines: `count` items, ids item-1…item-n. */
function lines(count: number): string[] {
    return Array.from({ length: count }, (_, index) =>
        JSON.stringify({ Item: { id: { S: `item-${index + 1}` } } }),
    );
}

type Seen = { batches: DynamoDBStreamEvent[] };

function dependencies(
    fileLines: readonly string[],
    overrides: Partial<ExportFileDependencies> & {
        outcome?: (event: DynamoDBStreamEvent) => ExportBatchOutcome;
    } = {},
): ExportFileDependencies & Seen {
    const seen: Seen = { batches: [] };
    return Object.assign(seen, {
        readDataFile: async function* () {
            yield* fileLines;
        },
        runBatch: async (event: DynamoDBStreamEvent) => {
            seen.batches.push(event);
            return (
                overrides.outcome?.(event) ?? { applied: event.Records.length - 1, stale: 1, failures: [] }
            );
        },
        keyAttributes: ["id"],
        batchSize: 3,
        attemptsPerBatch: 2,
        backoff: async () => undefined,
        remainingMs: () => 900_000,
        stopMarginMs: 60_000,
        ...overrides,
    });
}

const ids = (event: DynamoDBStreamEvent) => event.Records.map((record) => record.dynamodb?.Keys?.id?.S);

describe("applying an export data file", () => {
    it("applies every item in batches of fixed line ranges and sums what the guarded writes did", async () => {
        const deps = dependencies(lines(7));

        const result = await applyExportFile(TASK, deps);

        assert.deepEqual(deps.batches.map(ids), [
            ["item-1", "item-2", "item-3"],
            ["item-4", "item-5", "item-6"],
            ["item-7"],
        ]);
        assert.deepEqual(result, {
            ...TASK,
            done: true,
            resumeAtLine: 7,
            totals: { items: 7, applied: 4, stale: 3 },
        });
    });

    it("stops between batches when time runs short and resumes where it stopped, in the same batches", async () => {
        let remaining = 900_000;
        const first = dependencies(lines(7), {
            remainingMs: () => remaining,
            outcome: (event) => {
                remaining = 30_000; // the first batch used up the invocation
                return { applied: event.Records.length, stale: 0, failures: [] };
            },
        });

        const partial = await applyExportFile(TASK, first);
        const second = dependencies(lines(7), {
            outcome: (event) => ({ applied: event.Records.length, stale: 0, failures: [] }),
        });
        const finished = await applyExportFile(partial, second);

        assert.deepEqual(
            [partial.done, partial.resumeAtLine, partial.totals],
            [false, 3, { items: 3, applied: 3, stale: 0 }],
        );
        assert.deepEqual(second.batches.map(ids), [["item-4", "item-5", "item-6"], ["item-7"]]);
        assert.deepEqual([finished.done, finished.totals], [true, { items: 7, applied: 7, stale: 0 }]);
        const streams = [...first.batches, ...second.batches].map((event) =>
            event.Records[0]?.eventSourceARN?.split("-").pop(),
        );
        assert.deepEqual(streams, ["b0", "b1", "b2"]);
    });

    it("applies at least one batch per invocation, so a file always makes progress", async () => {
        const deps = dependencies(lines(7), { remainingMs: () => 1_000 });

        const result = await applyExportFile(TASK, deps);

        assert.deepEqual([result.done, result.resumeAtLine, deps.batches.length], [false, 3, 1]);
    });

    it("retries a batch with failed records, then fails the file naming its lines and the reasons", async () => {
        const deps = dependencies(lines(7), {
            outcome: (event) =>
                ids(event).includes("item-5")
                    ? {
                          applied: 2,
                          stale: 0,
                          failures: ["export:0170-abcd:file1:5: attribute _cdc_sequence is reserved"],
                      }
                    : { applied: event.Records.length, stale: 0, failures: [] },
        });

        await assert.rejects(applyExportFile(TASK, deps), (error: Error & { reasons: string[] }) => {
            assert.equal(error.name, "ExportFileError");
            assert.equal(
                error.message,
                "Data file exports/AWSDynamoDB/0170-abcd/data/file1.json.gz, lines 4-6: export:0170-abcd:file1:5: attribute _cdc_sequence is reserved",
            );
            return true;
        });
        assert.equal(deps.batches.filter((event) => ids(event).includes("item-5")).length, 2, "attempts");
    });

    it("fails the file on a line that is not an exported item, naming the line", async () => {
        const deps = dependencies([...lines(4), '{"Item":{"id":{"X":"?"}}}']);

        await assert.rejects(
            applyExportFile(TASK, deps),
            /lines 5-5: .*file1\.json\.gz line 5: attribute id has the unknown type "X"/,
        );
    });

    it("reads nothing from an empty data file and reports it done", async () => {
        const deps = dependencies([]);

        const result = await applyExportFile(TASK, deps);

        assert.deepEqual(
            [result.done, result.totals, deps.batches.length],
            [true, { items: 0, applied: 0, stale: 0 }, 0],
        );
    });
});
