import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { RUNTIME_PROVIDED_PACKAGES } from "../../handler/contract";
import { LocalFunction } from "../../local/lambda/local-function";
import { findResource, PROJECT_ROOT, runProgram } from "../../local/program";
import { LAMBDA_RUNTIME, prepareRuntimeModules, runtimeCopyOf } from "../../local/lambda/runtime-modules";

const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
};

describe("the local Lambda runtime's modules", () => {
    let directory: string;

    before(() => {
        directory = fs.mkdtempSync(path.join(os.tmpdir(), "runtime-modules-"));
    });

    after(() => {
        fs.rmSync(directory, { recursive: true, force: true });
    });

    it("stand in for the runtime the program deploys the function on", async () => {
        const fn = findResource(
            await runProgram("dev"),
            "aws:lambda/function:Function",
            "changefeed-handler",
        );

        assert.equal(fn.inputs.runtime, LAMBDA_RUNTIME.name);
    });

    it("install each package the runtime provides at the runtime's SDK version, apart from the lockfile's", () => {
        for (const name of RUNTIME_PROVIDED_PACKAGES) {
            assert.equal(
                manifest.devDependencies[runtimeCopyOf(name)],
                `npm:${name}@${LAMBDA_RUNTIME.sdkVersion}`,
            );
            assert.ok(
                manifest.dependencies[name],
                `${name} stays a dependency, for the tests and the ops commands`,
            );
        }
    });

    it("give the function's process the runtime's SDK, as the Lambda guide's version snippet would report it", async () => {
        // The snippet from "Runtime-included SDK versions", for each client the handler uses.
        const code = path.join(directory, "code");
        fs.mkdirSync(code, { recursive: true });
        fs.writeFileSync(
            path.join(code, "index.js"),
            `exports.handler = async () => Object.fromEntries(${JSON.stringify(RUNTIME_PROVIDED_PACKAGES)}` +
                `.map((name) => [name, require(name + "/package.json").version]));\n`,
        );
        const fn = new LocalFunction({
            functionName: "sdk-version",
            functionArn: "arn:aws:lambda:us-east-1:000000000000:function:sdk-version",
            codeDirectory: code,
            handler: "index.handler",
            timeoutSeconds: 30,
            memoryMb: 128,
            environment: {},
            awsEnvironment: {},
            runtimeModules: prepareRuntimeModules(path.join(directory, "runtime")),
        });
        try {
            const invocation = await fn.invoke({});

            assert.deepEqual(
                invocation.ok ? invocation.value : invocation.error,
                Object.fromEntries(
                    RUNTIME_PROVIDED_PACKAGES.map((name) => [name, LAMBDA_RUNTIME.sdkVersion]),
                ),
            );
        } finally {
            await fn.stop();
        }
    });
});
