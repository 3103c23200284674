import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runBenchmark } from "../../bench/bench";
import { DEFAULT_OPTIONS, parseBenchArgs, type BenchOptions } from "../../bench/options";
import { writeOutputs } from "../../bench/outputs";
import { BenchProcesses } from "../../bench/processes";
import { PROJECT_ROOT } from "../../local/program";

/**
 * The bench is not a test: this only runs it tiny, to show that it works end to end and writes
 * valid results. No timing is asserted.
 */
describe("npm run bench (tiny)", function () {
    this.timeout(180_000);

    const committedResults = path.join(PROJECT_ROOT, "bench", "results.json");
    const digest = (file: string): string | undefined =>
        fs.existsSync(file)
            ? crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex")
            : undefined;
    let directory: string;

    before(() => {
        directory = fs.mkdtempSync(path.join(os.tmpdir(), "changefeed-bench-test-"));
    });
    after(() => {
        fs.rmSync(directory, { recursive: true, force: true });
    });

    it("parses its flags and refuses bad ones", () => {
        assert.deepEqual(parseBenchArgs(["--help"]), { help: true });
        const parsed = parseBenchArgs(["--changes", "500", "--skews", "uniform", "--batch-sizes", "10,20"]);
        assert.ok(!parsed.help);
        assert.equal(parsed.options.changes, 500);
        assert.equal(parsed.options.naiveChanges, 500, "the naive subset is capped at the changes recorded");
        assert.deepEqual(parsed.options.variationSkews, ["uniform"]);
        assert.deepEqual(parsed.options.variationBatchSizes, [10, 20]);
        assert.equal(parsed.options.resultsFile, DEFAULT_OPTIONS.resultsFile);
        assert.throws(() => parseBenchArgs(["--changes", "lots"]), /--changes/);
        assert.throws(() => parseBenchArgs(["--skews", "lukewarm"]), /--skews/);
        assert.throws(() => parseBenchArgs(["--init-runs", "3"]), /--init-runs/);
        assert.throws(
            () => parseBenchArgs(["--warmup-min-seconds", "30", "--warmup-max-seconds", "10"]),
            /--warmup-max-seconds \(10\) must be at least --warmup-min-seconds \(30\)/,
        );
        assert.throws(() => parseBenchArgs(["--server-jit", "c2"]), /--server-jit takes full or c1/);
    });

    it("prints its usage from the command line", () => {
        const usage = execFileSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "bench/run.ts", "--help"],
            { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } },
        );
        assert.match(usage, /^Usage: npm run bench/);
        assert.match(usage, /--changes <n>/);
    });

    it("measures the three contenders and writes results.json, benchmarks.md and the chart", async () => {
        const before = digest(committedResults);
        const options: BenchOptions = {
            ...DEFAULT_OPTIONS,
            changes: 300,
            naiveChanges: 60,
            rounds: 1,
            variationChanges: 200,
            variationRounds: 1,
            variationBatchSizes: [50],
            variationSkews: ["hot"],
            // One warm-up slice: the tiny run checks the plumbing, not the servers' steady speed.
            warmupMinSeconds: 0,
            warmupMaxSeconds: 0,
            initRuns: 5,
            resultsFile: path.join(directory, "results.json"),
            docsDirectory: path.join(directory, "docs"),
        };
        const processes = new BenchProcesses();
        const results = await runBenchmark(options, { log: () => undefined, processes });
        const written = await writeOutputs(results, options);

        const json = JSON.parse(fs.readFileSync(written.results ?? "", "utf8")) as Record<string, unknown>;
        const at = (dotted: string): unknown =>
            dotted
                .split(".")
                .reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], json);
        const positive = (dotted: string) => {
            const value = at(dotted);
            assert.ok(
                typeof value === "number" && Number.isFinite(value) && value > 0,
                `${dotted} = ${String(value)}`,
            );
        };
        for (const field of [
            "handler.recordsPerSecond",
            "naive.recordsPerSecond",
            "ceiling.recordsPerSecond",
            "speedup",
            "ceilingFraction",
            "handler.apiCallsPer1000",
            "naive.apiCallsPer1000",
            "handler.costPerMillionUsd",
            "naive.costPerMillionUsd",
            "codeZipBytes",
            "initMsMedian",
        ]) {
            positive(field);
        }
        // Counted, not estimated: exactly two calls per change for the naive handler, and for the
        // handler one PutObject per batch plus one PutItem per distinct key per batch.
        assert.equal(at("naive.apiCallsPer1000"), 2000);
        assert.equal(at("handler.apiCallsPerBatch.maxOverDistinctKeysPlusOne"), 0);
        assert.equal(at("handler.batches"), 3);
        assert.equal(
            (at("handler.apiCallsPer1000ByOperation") as Record<string, number>)["S3.PutObject"],
            10,
        );
        assert.ok((at("handler.apiCallsPer1000") as number) < (at("naive.apiCallsPer1000") as number));
        assert.equal((at("initMsRuns") as unknown[]).length, 5);
        assert.equal((at("serverWarmup.concurrentRates") as unknown[]).length, 1);
        assert.equal((at("serverWarmup.sequentialRates") as unknown[]).length, 1);
        positive("serverWarmup.concurrentRates.0");
        positive("serverWarmup.sequentialRates.0");
        const otherCpu = at("machine.otherCpuShare");
        assert.ok(otherCpu === null || (typeof otherCpu === "number" && otherCpu >= 0 && otherCpu <= 1));
        assert.equal((at("variations") as unknown[]).length, 1);
        assert.deepEqual(
            (at("floors") as { name: string }[]).map((floor) => typeof floor.name),
            ["string", "string", "string", "string", "string"],
        );
        for (const contender of ["handler", "naive", "ceiling"]) {
            assert.deepEqual(at(`${contender}.problems`), [], `${contender}'s counts add up`);
        }

        const markdown = fs.readFileSync(written.markdown ?? "", "utf8");
        assert.match(markdown, /^# Benchmarks/);
        assert.match(markdown, /\| records\/s /);
        assert.match(markdown, /!\[[^\]]*\]\(benchmarks\.svg\)/);
        assert.match(
            fs.readFileSync(written.chart ?? "", "utf8"),
            /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/,
        );
        assert.equal(digest(committedResults), before, "the committed bench/results.json is left alone");

        // Re-rendering the docs from a results file leaves that file alone.
        const again = await writeOutputs(json as unknown as typeof results, {
            resultsFile: undefined,
            docsDirectory: path.join(directory, "rendered"),
        });
        assert.equal(again.results, undefined);
        assert.equal(fs.readFileSync(again.markdown ?? "", "utf8"), markdown);
    });
});
