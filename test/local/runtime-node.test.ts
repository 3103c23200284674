import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FUNCTION_RUNTIME } from "../../infra/lambda-runtime";
import { LocalFunction } from "../../local/lambda/local-function";
import { prepareRuntimeModules } from "../../local/lambda/runtime-modules";

describe("the local Lambda runtime's Node.js", () => {
    let directory: string;

    before(() => {
        directory = fs.mkdtempSync(path.join(os.tmpdir(), "runtime-node-"));
    });

    after(() => {
        fs.rmSync(directory, { recursive: true, force: true });
    });

    it("runs a function on the runtime's major version, whatever Node.js runs the local stack", async () => {
        const code = path.join(directory, "code");
        fs.mkdirSync(code, { recursive: true });
        fs.writeFileSync(path.join(code, "index.js"), "exports.handler = async () => process.version;\n");
        const fn = new LocalFunction({
            functionName: "node-version",
            functionArn: "arn:aws:lambda:us-east-1:000000000000:function:node-version",
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

            assert.ok(invocation.ok, JSON.stringify(invocation));
            assert.match(String(invocation.value), new RegExp(`^v${FUNCTION_RUNTIME.nodeMajor}\\.`));
        } finally {
            await fn.stop();
        }
    });
});
