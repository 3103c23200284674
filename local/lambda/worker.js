"use strict";
// One Lambda execution environment: loads the unpacked code archive once (cold start), then
// serves invocations sent by local/lambda/local-function.ts over IPC, one at a time, as Lambda does.
// Plain JavaScript on purpose: the function's code must run on bare Node, as on AWS.
const path = require("node:path");
const { randomUUID } = require("node:crypto");

const [codeDirectory, handlerSpec] = process.argv.slice(2);

function serializeError(error) {
    if (error instanceof Error) {
        return {
            errorType: error.name,
            errorMessage: error.message,
            stackTrace: String(error.stack ?? "").split("\n"),
        };
    }
    return { errorType: "Error", errorMessage: String(error), stackTrace: [] };
}

const started = process.hrtime.bigint();
let handler;
try {
    const dot = handlerSpec.lastIndexOf(".");
    const module = require(path.join(codeDirectory, handlerSpec.slice(0, dot)));
    handler = module[handlerSpec.slice(dot + 1)];
    if (typeof handler !== "function") throw new Error(`${handlerSpec} is not a function`);
    // Lambda's Node.js 24 and later runtimes refuse a callback-style handler (three or more
    // parameters) at init, with this error.
    const runtimeMajor = Number(/^AWS_Lambda_nodejs(\d+)\.x$/.exec(process.env.AWS_EXECUTION_ENV ?? "")?.[1]);
    if (runtimeMajor >= 24 && handler.length >= 3) {
        const deprecated = new Error(
            "ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. " +
                "You need to modify this function to use a supported handler signature to use Node.js 24 or later. " +
                "For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.",
        );
        deprecated.name = "Runtime.CallbackHandlerDeprecated";
        throw deprecated;
    }
    process.send({ type: "ready", initMs: Number(process.hrtime.bigint() - started) / 1e6 });
} catch (error) {
    process.send({ type: "init-error", error: serializeError(error) });
}

// An execution environment never outlives the runner that owns it.
process.on("disconnect", () => process.exit(0));

process.on("message", async (message) => {
    if (message.type !== "invoke") return;
    const deadline = message.deadline;
    const context = {
        awsRequestId: randomUUID(),
        functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
        functionVersion: "$LATEST",
        invokedFunctionArn: message.functionArn,
        memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
        logGroupName: message.logGroupName,
        logStreamName: "local",
        callbackWaitsForEmptyEventLoop: true,
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
        done: () => undefined,
        fail: () => undefined,
        succeed: () => undefined,
    };
    try {
        const value = await handler(message.event, context);
        process.send({ type: "result", id: message.id, ok: true, value: value ?? null });
    } catch (error) {
        process.send({ type: "result", id: message.id, ok: false, error: serializeError(error) });
    }
});
