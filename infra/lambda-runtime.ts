import type * as aws from "@pulumi/aws";

/**
 * The Lambda runtime every function of the program runs on, and its Node.js major version (the
 * local runner, the tests, CI, `engines` and the bundle's esbuild target all follow it).
 *
 * Why nodejs24.x and not nodejs22.x: Lambda's runtime table
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html) deprecates nodejs22.x on
 * 30 April 2027 (function updates blocked from 1 July 2027) and nodejs24.x a year later (30 April
 * 2028, updates blocked from 1 July 2028): nodejs22.x would need another migration within months.
 * Node.js 24 runtimes refuse callback-style handlers; every handler of the bundle is async.
 */
export const FUNCTION_RUNTIME = { name: "nodejs24.x", nodeMajor: 24 } as const satisfies {
    name: `${aws.lambda.Runtime}`;
    nodeMajor: number;
};

/** The esbuild target of the handler bundle: the runtime's Node.js. */
export const BUNDLE_TARGET = `node${FUNCTION_RUNTIME.nodeMajor}`;
