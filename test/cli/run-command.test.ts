import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { EXIT_CODES, integerFlag, UsageError } from "../../cli/runner/run-command";

const ROOT = path.resolve(__dirname, "..", "..");

/** Runs one of the repository's command-line entries as a person would, without a stack behind it. */
function runEntry(entry: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", entry, ...args], {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 60_000,
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the shared command-line runner", () => {
    it("reads a whole number within its range", () => {
        assert.equal(integerFlag("segments", "8", 1, 64), 8);
        assert.equal(integerFlag("segments", undefined, 1, 64), undefined);
    });

    for (const text of ["0", "65", "2.5", "", "eight"]) {
        it(`refuses ${JSON.stringify(text)} for a flag of 1 to 64, naming the flag and the range`, () => {
            assert.throws(() => integerFlag("segments", text, 1, 64), {
                name: "UsageError",
                message: `--segments is "${text}"; allowed: a whole number from 1 to 64.`,
            });
        });
    }

    it("is an Error a command can throw for a bad flag value", () => {
        assert.ok(new UsageError("x") instanceof Error);
    });

    for (const [entry, name] of [
        ["cli/start.ts", "npm start"],
        ["cli/backfill.ts", "npm run backfill"],
        ["cli/redrive.ts", "npm run redrive"],
        ["cli/bench.ts", "npm run bench"],
    ] as const) {
        describe(entry, function () {
            this.timeout(120_000);

            it("prints its usage for --help and exits 0", () => {
                const run = runEntry(entry, ["--help"]);

                assert.equal(run.code, EXIT_CODES.ok, run.stderr);
                assert.match(run.stdout, new RegExp(`^Usage: ${name}`));
            });

            it("names an unknown flag, prints its usage and exits 2", () => {
                const run = runEntry(entry, ["--no-such-flag"]);

                assert.equal(run.code, EXIT_CODES.usage);
                assert.match(run.stderr, /^Unknown option '--no-such-flag'[^\n]*\n\nUsage: /);
            });
        });
    }
});
