import * as fs from "node:fs";
import * as path from "node:path";
import { RUNTIME_PROVIDED_PACKAGES } from "../../handler/contract";
import { PROJECT_ROOT } from "../program";

type LockPackage = { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };

/**
 * Builds a `node_modules` that holds only what the Lambda runtime provides (the SDK clients and
 * their dependency closure, from package-lock.json), as links into this project's node_modules.
 *
 * Put on NODE_PATH for the unpacked code archive, it stands in for /var/runtime/node_modules: the
 * archive can then resolve exactly what it packaged plus what Lambda ships, and nothing else, so a
 * package missing from the archive fails here as it would on AWS.
 *
 * @returns the `node_modules` directory to put on NODE_PATH
 */
export function prepareRuntimeModules(directory: string): string {
    const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package-lock.json"), "utf8")) as {
        packages: Record<string, LockPackage>;
    };
    const hoisted = new Set<string>();
    const visited = new Set<string>();
    const visit = (lockPath: string): void => {
        if (visited.has(lockPath)) return;
        visited.add(lockPath);
        const name = lockPath.slice(lockPath.lastIndexOf("node_modules/") + "node_modules/".length);
        if (lockPath === `node_modules/${name}`) hoisted.add(name);
        const entry = lock.packages[lockPath];
        for (const dependency of Object.keys({ ...entry?.dependencies, ...entry?.optionalDependencies })) {
            const resolved = resolveInLock(lock.packages, lockPath, dependency);
            if (resolved) visit(resolved);
        }
    };
    for (const name of RUNTIME_PROVIDED_PACKAGES) visit(`node_modules/${name}`);

    const modules = path.join(directory, "node_modules");
    fs.rmSync(modules, { recursive: true, force: true });
    for (const name of hoisted) {
        const link = path.join(modules, name);
        fs.mkdirSync(path.dirname(link), { recursive: true });
        fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules", name), link, "dir");
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
