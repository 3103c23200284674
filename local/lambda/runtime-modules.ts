import * as fs from "node:fs";
import * as path from "node:path";
import { RUNTIME_PROVIDED_PACKAGES } from "../../handler/contract";
import { FUNCTION_RUNTIME } from "../../infra/lambda-runtime";
import { PROJECT_ROOT } from "../program";

type LockPackage = {
    version?: string;
    name?: string;
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
};

/**
 * The Lambda runtime the local runner stands in for (the program deploys the function on it), and
 * the version of the AWS SDK for JavaScript v3 that the runtime ships.
 *
 * AWS publishes no version per runtime: "The specific minor version that's included in the runtime
 * depends on the runtime version and your AWS Region" (Lambda Developer Guide, Runtime-included SDK
 * versions, https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html#nodejs-sdk-included),
 * whose example answer is 3.632.0, the SDK nodejs22.x shipped when it was released. For
 * nodejs24.x the guide gives no figure, and it could not be confirmed here; that runtime came out
 * later, so it ships that version or a newer one. Keeping the older pin is what catches handler
 * code that needs a newer client than a runtime has; the guide's snippet prints the version a
 * Region runs.
 */
export const LAMBDA_RUNTIME = { name: FUNCTION_RUNTIME.name, sdkVersion: "3.632.0" } as const;

/**
 * Where a runtime-provided package is installed at the runtime's version: an npm alias in
 * devDependencies, `"<name>-lambda-runtime": "npm:<name>@<LAMBDA_RUNTIME.sdkVersion>"`, next to the
 * lockfile's newer copy that the tests, the ops commands and the benchmark's driver use.
 */
export function runtimeCopyOf(name: string): string {
    return `${name}-lambda-runtime`;
}

/**
 * Builds a `node_modules` that holds only what the Lambda runtime provides (the SDK clients, at the
 * version the runtime ships, and their dependency closure from package-lock.json), as links into
 * this project's node_modules.
 *
 * Put on NODE_PATH for the unpacked code archive, it stands in for /var/runtime/node_modules: the
 * archive can then resolve exactly what it packaged plus what Lambda ships, and nothing else, so a
 * package missing from the archive, or code that needs a newer client, fails here as on AWS.
 *
 * @returns the `node_modules` directory to put on NODE_PATH
 * @throws {Error} naming the package when a runtime-provided package is not installed at the
 *   runtime's version, and the devDependency that installs it
 */
export function prepareRuntimeModules(directory: string): string {
    const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package-lock.json"), "utf8")) as {
        packages: Record<string, LockPackage>;
    };
    const links = new Map<string, string>();
    const visited = new Set<string>();
    const visit = (lockPath: string): void => {
        if (visited.has(lockPath)) return;
        visited.add(lockPath);
        const name = lockPath.slice(lockPath.lastIndexOf("node_modules/") + "node_modules/".length);
        if (lockPath === `node_modules/${name}` && !links.has(name)) links.set(name, name);
        const entry = lock.packages[lockPath];
        for (const dependency of Object.keys({ ...entry?.dependencies, ...entry?.optionalDependencies })) {
            const resolved = resolveInLock(lock.packages, lockPath, dependency);
            if (resolved) visit(resolved);
        }
    };
    for (const name of RUNTIME_PROVIDED_PACKAGES) {
        const copy = runtimeCopyOf(name);
        const installed = lock.packages[`node_modules/${copy}`];
        if (installed?.name !== name || installed.version !== LAMBDA_RUNTIME.sdkVersion) {
            throw new Error(
                `${name} is not installed at ${LAMBDA_RUNTIME.sdkVersion}, the version the ${LAMBDA_RUNTIME.name} ` +
                    `runtime ships: add "${copy}": "npm:${name}@${LAMBDA_RUNTIME.sdkVersion}" to devDependencies ` +
                    `and run npm install.`,
            );
        }
        visit(`node_modules/${copy}`);
        // Under the name the function's code requires, not the alias's.
        links.delete(copy);
        links.set(name, copy);
    }

    const modules = path.join(directory, "node_modules");
    fs.rmSync(modules, { recursive: true, force: true });
    for (const [name, installedAs] of links) {
        const link = path.join(modules, name);
        fs.mkdirSync(path.dirname(link), { recursive: true });
        fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules", installedAs), link, "dir");
    }
    return modules;
}

/** Node's lookup order: the dependant's own node_modules, then each enclosing one. */
function resolveInLock(
    packages: Record<string, LockPackage>,
    from: string,
    name: string,
): string | undefined {
    let base = from;
    for (;;) {
        const candidate = `${base}/node_modules/${name}`;
        if (packages[candidate]) return candidate;
        const cut = base.lastIndexOf("/node_modules/");
        if (cut < 0) break;
        base = base.slice(0, cut);
    }
    return packages[`node_modules/${name}`] ? `node_modules/${name}` : undefined;
}
