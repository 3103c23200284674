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

    /** A local function whose index.js is `source`. */
    const localFunction = (name: string, source: string): LocalFunction => {
        const code = path.join(directory, name);
        fs.mkdirSync(code, { recursive: true });
        fs.writeFileSync(path.join(code, "index.js"), source);
        return new LocalFunction({
            functionName: name,
            functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
            codeDirectory: code,
            handler: "index.handler",
            timeoutSeconds: 30,
            memoryMb: 128,
            environment: {},
            awsEnvironment: {},
            runtimeModules: prepareRuntimeModules(path.join(directory, `${name}-runtime`)),
        });
    };

    it("runs a function on the runtime's major version, whatever Node.js runs the local stack", async () => {
        const fn = localFunction("node-version", "exports.handler = async () => process.version;\n");
        try {
            const invocation = await fn.invoke({});

            assert.ok(invocation.ok, JSON.stringify(invocation));
            assert.match(String(invocation.value), new RegExp(`^v${FUNCTION_RUNTIME.nodeMajor}\\.`));
        } finally {
            await fn.stop();
        }
    });

    it("refuses a callback-style handler at init, as Lambda's Node.js 24 runtime does", async () => {
        const fn = localFunction(
            "callback-handler",
            "exports.handler = (event, context, callback) => callback(null, 'done');\n",
        );
        try {
            const invocation = await fn.invoke({});

            assert.equal(FUNCTION_RUNTIME.nodeMajor >= 24, true);
            assert.deepEqual(
                invocation.ok ? invocation.value : invocation.error.errorType,
                "Runtime.CallbackHandlerDeprecated",
            );
        } finally {
            await fn.stop();
        }
    });
});
