import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { BUNDLE_TARGET, FUNCTION_RUNTIME } from "../../infra/lambda-runtime";
import { PROJECT_ROOT } from "../../local/program";
import { findResource, runProgram } from "../../local/program";
import { RUNTIME_NODE_PACKAGE } from "../../local/lambda/runtime-node";

const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
    engines: { node: string };
    scripts: Record<string, string>;
    devDependencies: Record<string, string>;
};
const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string }>;
};

/** The major version a semver range or version starts from (`^24.1.0`, `>=24`, `24.22.3`). */
function majorOf(range: string): number {
    return Number(/(\d+)/.exec(range)?.[1]);
}

describe("the Node.js the functions run on, everywhere", () => {
    it("deploys every function on the runtime's identifier", async () => {
        const resources = await runProgram("dev");
        for (const name of ["changefeed-handler", "changefeed-backfill-function"]) {
            assert.equal(
                findResource(resources, "aws:lambda/function:Function", name).inputs.runtime,
                FUNCTION_RUNTIME.name,
            );
        }
        assert.equal(FUNCTION_RUNTIME.name, `nodejs${FUNCTION_RUNTIME.nodeMajor}.x`);
    });

    it("requires that major version of Node.js in engines, and types the code against it", () => {
        assert.equal(manifest.engines.node, `>=${FUNCTION_RUNTIME.nodeMajor}`);
        assert.equal(majorOf(manifest.devDependencies["@types/node"]!), FUNCTION_RUNTIME.nodeMajor);
    });

    it("bundles the handler for it, in the build script as from source", () => {
        assert.match(manifest.scripts.build!, new RegExp(` --target=${BUNDLE_TARGET} `));
    });

    it("installs that Node.js binary, pinned by the lockfile, for the local functions and the tests", () => {
        const pinned = manifest.devDependencies[RUNTIME_NODE_PACKAGE]!;
        assert.match(pinned, /^\d+\.\d+\.\d+$/, "an exact version");
        assert.equal(majorOf(pinned), FUNCTION_RUNTIME.nodeMajor);
        assert.equal(lock.packages[`node_modules/${RUNTIME_NODE_PACKAGE}`]?.version, pinned);
    });

    it("runs CI's tests on that binary, whatever Node.js installed the packages", () => {
        const ci = fs.readFileSync(path.join(PROJECT_ROOT, ".ci", "run"), "utf8");
        const onPath = ci.indexOf(`node_modules/${RUNTIME_NODE_PACKAGE}/bin:$PATH`);
        assert.ok(onPath > ci.indexOf("npm ci"), "the binary goes first on PATH once npm ci installed it");
        assert.ok(onPath < ci.indexOf("npm test"), "and before npm test");
    });
});
