import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BenchResults } from "../../bench/measure/measure";
import { billedMs } from "../../bench/measure/cost";
import { runBenchmark } from "../../bench/measure/measure";
import { BenchProcesses } from "../../bench/measure/processes";
import { DEFAULT_OPTIONS } from "../../bench/options";
import { parse } from "../../cli/bench-flags";
import { writeOutputs } from "../../bench/report/write";
import { PROJECT_ROOT } from "../../local/program";

/**
 * The bench is not a test: this checks its pure parts, and runs it tiny to show that it works end
 * to end and writes valid results. No timing is asserted.
 */
describe("npm run bench", function () {
    this.timeout(180_000);

    it("parses its flags, and names the flag and its range when one is wrong", () => {
        const options = parse(["--stacks", "prod", "--changes=500", "--put-object-ms", "40,250", "--quick"]);

        assert.deepEqual(options.stacks, ["prod"]);
        assert.equal(options.changes, 500);
        assert.equal(options.rounds, 1, "--quick");
        assert.deepEqual(options.latency.PutObject, { medianMs: 40, p99Ms: 250 });
        assert.deepEqual(options.latency.PutItem, DEFAULT_OPTIONS.latency.PutItem);
        assert.throws(
            () => parse(["--changes", "lots"]),
            /--changes takes a whole number from 100 to 1000000; got "lots"/,
        );
        assert.throws(() => parse(["--rounds", "0"]), /--rounds takes a whole number from 1 to 10/);
        assert.throws(
            () => parse(["--invoke-ms", "50,20"]),
            /--invoke-ms takes median,p99 in ms with 0 < median ≤ p99/,
        );
        assert.throws(
            () => parse(["--warmup-min-seconds", "30", "--warmup-max-seconds", "10"]),
            /--warmup-max-seconds takes at least --warmup-min-seconds \(30\); got 10/,
        );
        assert.throws(() => parse(["--colour"]), /Unknown option '--colour'/);
    });

    it("prints its usage from the command line", () => {
        const usage = execFileSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "cli/bench.ts", "--help"],
            {
                cwd: PROJECT_ROOT,
                encoding: "utf8",
            },
        );

        assert.match(usage, /^Usage: npm run bench/);
        assert.match(usage, /--put-item-ms <median,p99>/);
    });

    it("bills the larger of the wall time and the CPU time at the memory's vCPU share, in whole ms", () => {
        assert.equal(billedMs(40.2, 10, 1769), 41);
        assert.equal(billedMs(40, 20, 512), Math.ceil(20 / (512 / 1769)));
        assert.equal(billedMs(40, 20, 3538), 40, "no more than one vCPU's worth per CPU second");
    });

    it("measures the three contenders at loopback and modeled latency, with the stack's concurrent batches, and writes results.json and benchmarks.md", async () => {
        const committed = path.join(PROJECT_ROOT, "bench", "results.json");
        const digest = () => crypto.createHash("sha256").update(fs.readFileSync(committed)).digest("hex");
        const before = digest();
        const directory = fs.mkdtempSync(path.join(os.tmpdir(), "changefeed-bench-test-"));
        try {
            // prod: parallelization 5 and batches of 500. Short delays and no server warm-up: this
            // checks the plumbing, not the speed.
            const flags =
                "--stacks prod --changes 300 --naive-changes 40 --naive-modeled-changes 20 --rounds 1";
            const options = {
                ...parse([
                    ...flags.split(" "),
                    "--init-runs",
                    "3",
                    "--warmup-min-seconds",
                    "0",
                    "--warmup-max-seconds",
                    "0",
                ]),
                latency: {
                    PutItem: { medianMs: 1, p99Ms: 3 },
                    DeleteItem: { medianMs: 1, p99Ms: 3 },
                    PutObject: { medianMs: 2, p99Ms: 5 },
                    invoke: { medianMs: 1, p99Ms: 3 },
                },
                resultsFile: path.join(directory, "results.json"),
                docsDirectory: path.join(directory, "docs"),
            };
            const results = await runBenchmark(options, {
                log: () => undefined,
                processes: new BenchProcesses(),
            });
            await writeOutputs(results, options);

            const json = JSON.parse(fs.readFileSync(options.resultsFile, "utf8")) as BenchResults;
            for (const mode of ["loopback", "modeled"] as const) {
                const comparison = json[mode].prod;
                assert.ok(comparison, mode);
                for (const contender of ["handler", "naive", "ceiling"] as const) {
                    assert.deepEqual(
                        comparison[contender].problems,
                        [],
                        `${mode} ${contender}'s counts add up`,
                    );
                    assert.ok(comparison[contender].recordsPerSecond > 0);
                    assert.ok(comparison[contender].costPerMillionUsd > 0);
                }
                // Counted, not estimated: two calls per change for the naive handler; for the handler,
                // distinct keys + 1 per batch, and 300 changes split over five concurrent streams make five batches.
                assert.equal(comparison.naive.apiCallsPer1000, 2000);
                assert.equal(comparison.handler.apiCallsPerBatch.maxOverDistinctKeysPlusOne, 0);
                assert.equal(comparison.handler.batches, 5);
                assert.equal(comparison.handler.apiCallsPer1000ByOperation["S3.PutObject"], 5000 / 300);
                for (const field of [
                    "headroom",
                    "speedup",
                    "ceilingFraction",
                    "billedMsPer1000",
                    "costPerMillionUsd",
                ] as const)
                    assert.ok(comparison[field] > 0, `${mode}.${field}`);
            }
            assert.equal(json.modeled.prod?.settings.parallelizationFactor, 5);
            // The first stack again with three routes: each key is written to every route that holds
            // it or just lost it, so more PutItems than with one route, and one PutObject per batch still.
            const routed = json.routes;
            assert.ok(routed, "the run with routes");
            assert.deepEqual(
                [routed.oneRoute.problems, routed.threeRoutes.problems],
                [[], []],
                "the routed runs' counts add up",
            );
            assert.ok(
                (routed.threeRoutes.apiCallsPer1000ByOperation["DynamoDB.PutItem"] ?? 0) >
                    (routed.oneRoute.apiCallsPer1000ByOperation["DynamoDB.PutItem"] ?? 0),
            );
            assert.equal(
                routed.threeRoutes.apiCallsPer1000ByOperation["S3.PutObject"],
                routed.oneRoute.apiCallsPer1000ByOperation["S3.PutObject"],
            );
            assert.deepEqual(json.latencyModel.operations, options.latency);
            // The variations are the loopback replays, as their settings say.
            assert.deepEqual([json.settings.variationChanges, json.settings.variationRounds], [300, 1]);
            assert.equal(
                json.handler.records,
                json.loopback.prod?.handler.records,
                "the top level is the first stack at loopback",
            );
            assert.ok(
                json.initRatio > 0 && json.initMsRuns.length === 3 && json.sdkOnlyInitMsRuns.length === 3,
            );
            assert.deepEqual(
                json.floors.map((floor) => floor.name),
                [
                    "prod, modeled: headroom over 1,000 writes/s",
                    "prod, modeled: fraction of the ceiling",
                    "API calls per batch − (distinct keys + 1), worst batch",
                    "cold init, packaged ÷ SDK clients only (medians)",
                    "zipped code archive",
                ],
            );

            const markdown = fs.readFileSync(path.join(options.docsDirectory, "benchmarks.md"), "utf8");
            assert.match(markdown, /^# Benchmarks/);
            assert.match(markdown, /```mermaid\nxychart-beta\n/);
            assert.match(markdown, /## Side by side: prod/);
            assert.equal(digest(), before, "the committed bench/results.json is left alone");
        } finally {
            fs.rmSync(directory, { recursive: true, force: true });
        }
    });
});
