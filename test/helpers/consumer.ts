import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PACKAGE_NAME } from "../../infra/handler-code-paths";
import { PROJECT_ROOT } from "../../local/program";

type LockPackage = { readonly dev?: boolean };

/**
 * Packs this repository as `npm install <git url>` does before installing it: `npm pack`, which
 * runs the `prepare` script (the build) and keeps only what package.json `files` names.
 *
 * @returns the tarball's path
 */
export function packThisRepository(destination: string): string {
    const output = execFileSync("npm", ["pack", "--pack-destination", destination], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
    // The tarball's file name is the last line; the prepare script's banner comes before it.
    const tarball = output.trim().split("\n").pop() ?? "";
    return path.join(destination, tarball);
}

/**
 * Sets a consumer's program up in `directory` as `npm install` would leave it: the program's own
 * files, the packed package unpacked into `node_modules/ddb-changefeed`, and beside it every
 * package the install brings along (each package of this repository's lockfile that is not
 * dev-only), as real directories (hard links where the file system allows), so that Pulumi's
 * packaging walks them as it would a consumer's. Only `@pulumi/*` is a link into this repository's
 * node_modules: there is then one @pulumi/pulumi, and the test's mocks apply to the program.
 *
 * @param programFiles - the program's files (Pulumi.yaml, package.json, index.ts, ...), copied as they are
 */
export function installConsumer(directory: string, programFiles: readonly string[], tarball: string): void {
    for (const file of programFiles) fs.copyFileSync(file, path.join(directory, path.basename(file)));
    const installed = path.join(directory, "node_modules", PACKAGE_NAME);
    fs.mkdirSync(installed, { recursive: true });
    execFileSync("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"]);

    const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package-lock.json"), "utf8")) as {
        packages: Record<string, LockPackage>;
    };
    for (const [lockPath, entry] of Object.entries(lock.packages)) {
        const hoisted = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(lockPath)?.[1];
        if (hoisted === undefined || entry.dev) continue;
        const source = path.join(PROJECT_ROOT, lockPath);
        const target = path.join(directory, "node_modules", hoisted);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        if (hoisted.startsWith("@pulumi/")) fs.symlinkSync(source, target, "dir");
        else linkTree(source, target);
    }
}

/** Recreates a directory tree with hard links to its files, or copies where links cannot cross. */
function linkTree(source: string, target: string): void {
    fs.mkdirSync(target, { recursive: true });
    for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
        const from = path.join(source, entry.name);
        const to = path.join(target, entry.name);
        if (entry.isDirectory()) linkTree(from, to);
        else if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
        else {
            try {
                fs.linkSync(from, to);
            } catch {
                fs.copyFileSync(from, to);
            }
        }
    }
}

/** Every file under a directory, by its path relative to it, sorted. */
export function filesUnder(directory: string): string[] {
    return fs
        .readdirSync(directory, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)))
        .sort();
}
