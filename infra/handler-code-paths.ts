import type * as pulumi from "@pulumi/pulumi";
import { RUNTIME_PROVIDED_PACKAGES } from "../handler/contract";

/** The name other programs install this repository under (package.json `name`). */
export const PACKAGE_NAME = "ddb-changefeed";

/**
 * The packages the handler's code requires at run time that the Lambda runtime does not provide:
 * package.json `dependencies` less Pulumi's and {@link RUNTIME_PROVIDED_PACKAGES} (a test keeps
 * the two in step).
 */
export const HANDLER_PACKAGES = [
    "@aws-lambda-powertools/batch",
    "@aws-lambda-powertools/logger",
    "@aws-lambda-powertools/metrics",
    "@aws-sdk/util-dynamodb",
] as const;

/**
 * What CallbackFunction packages with the handler's serialized code, in this program and in any
 * program that installed this package: the handler's packages and their dependencies, found from
 * the program's own package.json. Left out: the SDK clients the Lambda runtime provides, and this
 * package itself, which a program that installed it lists as a dependency (the handler's code is
 * serialized into the function from the package's bundle, so nothing requires the package there).
 * Pulumi leaves out every `@pulumi/*` package on its own.
 */
export function handlerCodePathOptions(): pulumi.runtime.CodePathOptions {
    return {
        extraIncludePackages: [...HANDLER_PACKAGES],
        extraExcludePackages: [...RUNTIME_PROVIDED_PACKAGES, PACKAGE_NAME],
    };
}
