import { missedFloorNotes } from "./floor-notes";
import { decimal, integer } from "./format";
import { comparisonRows, floorRows, packageRows, problemLines, variationRows } from "./report-rows";
import type { BenchResults } from "./bench-results";
import { renderTextTable } from "./text-table";

/** One line saying what was measured where: the heading of the table and of the markdown. */
export function describeRun(results: BenchResults): string {
    const { workload, settings, machine } = results;
    return (
        `${integer(workload.changes)} recorded changes (${integer(workload.distinctKeys)} keys of a ` +
        `${integer(workload.keys)}-key space, Zipf s=${workload.zipfExponent}; ${integer(workload.inserts)} inserts, ` +
        `${integer(workload.modifies)} modifies, ${integer(workload.removes)} removes), batches of ${settings.batchSize}, ` +
        `${settings.memoryMb} MB, write concurrency ${settings.writeConcurrency}; DynamoDB Local + s3rver on ` +
        `127.0.0.1, ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}`
    );
}

/** The report printed on stdout: every table, the floors, and any problem the checks found. */
export function renderReport(results: BenchResults): string {
    const problems = problemLines(results);
    const rounds = results.settings.rounds;
    return [
        `ddb-changefeed benchmark: ${describeRun(results)}`,
        `The naive baseline replays the first ${integer(results.settings.naiveChanges)} of those changes; ` +
            (rounds > 1
                ? `each contender ran ${rounds} rounds, alternating, and its fastest round is shown ` +
                  `(handler ${roundList(results.handler.roundsRecordsPerSecond)}, naive ${roundList(results.naive.roundsRecordsPerSecond)}, ` +
                  `ceiling ${roundList(results.ceiling.roundsRecordsPerSecond)} records/s).`
                : "one round each."),
        "",
        renderTextTable(comparisonRows(results)),
        "",
        renderTextTable(packageRows(results)),
        "",
        `Batch size and key skew (${integer(results.settings.variationChanges)} changes each, ${roundCount(results.settings.variationRounds)}, fastest shown):`,
        renderTextTable(variationRows(results)),
        "",
        renderTextTable(floorRows(results)),
        ...missedFloorNotes(results).map((note) => `\nNot met: ${note.floor.name}. ${note.why}`),
        "",
        problems.length === 0
            ? "Checks: every call count matched what the records require (PutItem = distinct keys per batch, one PutObject per batch; naive: 2 calls per record), no failures, no retries."
            : `PROBLEMS (figures may be wrong):\n${problems.map((line) => `  - ${line}`).join("\n")}`,
        `${describeInterference(results)} The run took ${decimal(results.durationSeconds, 0)} s.`,
    ].join("\n");
}

/** How busy the machine was with other work: what makes a run's figures trustworthy or not. */
export function describeInterference(results: BenchResults): string {
    const { loadAverageAtStart, otherCpuShare, stealShare } = results.machine;
    const share = (value: number | null) => (value === null ? "unknown" : `${decimal(value * 100, 1)}%`);
    return (
        `Other processes used ${share(otherCpuShare)} of the CPU during the run (hypervisor steal ` +
        `${share(stealShare)}; load average ${decimal(loadAverageAtStart, 2)} before it).`
    );
}

function roundCount(count: number): string {
    return count === 1 ? "one round" : `${count} rounds`;
}

function roundList(rates: readonly number[] | undefined): string {
    return (rates ?? []).map(integer).join(" / ");
}
