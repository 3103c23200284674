import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import { RUNTIME_PROVIDED_PACKAGES } from "../handler/contract";

/** The name other programs install this repository under (package.json `name`). */
export const PACKAGE_NAME = "ddb-changefeed";

/**
 * The packages the handler's code requires at run time that the Lambda runtime does not provide:
 * package.json `dependencies` less Pulumi's and {@link RUNTIME_PROVIDED_PACKAGES} (a test keeps
 * the two in step). The code archive holds them and, through their own `dependencies`, everything
 * they require.
 */
export const HANDLER_PACKAGES = [
    "@aws-lambda-powertools/batch",
    "@aws-lambda-powertools/logger",
    "@aws-lambda-powertools/metrics",
    "@aws-sdk/util-dynamodb",
] as const;

/** What a package.json says about the files `require` loads and the packages it needs. */
export type PackageManifest = {
    readonly main?: unknown;
    readonly exports?: unknown;
    readonly dependencies?: Readonly<Record<string, string>>;
};

// Read by TypeScript, debuggers and people; never by Node's `require`.
const NEVER_REQUIRED = [/\.d\.[cm]?ts$/, /\.map$/, /\.md$/i];

// Node matches these for `require`, taking the first of a package's conditions among them.
const REQUIRE_CONDITIONS = new Set(["node", "require", "default"]);

const COMMONJS_BUILD = "lib/cjs/";
const ESM_BUILD = "lib/esm/";

/**
 * The file `require(<package>)` loads, relative to the package's folder, as Node reads it from
 * package.json: the `require` target of `exports`' root entry when there is `exports`, else `main`
 * (by default `index.js`).
 *
 * @returns undefined when `exports` gives `require` nothing (an ESM-only package)
 */
function requireEntry(manifest: PackageManifest): string | undefined {
    const target =
        manifest.exports === undefined || manifest.exports === null
            ? typeof manifest.main === "string"
                ? manifest.main
                : "index.js"
            : requireTarget(rootExport(manifest.exports));
    return target === undefined ? undefined : path.posix.normalize(target);
}

/**
 * The files of a package folder that a CommonJS function can load, from the folder's listing
 * (paths relative to it, `/`-separated): all but type declarations, source maps and markdown, and,
 * in a dual-format package whose `require` entry is its CommonJS build, the ESM build, which only
 * `import` reaches. Every package.json stays: each sets the module type of the files beside and
 * below it (a dual-format package's `lib/cjs/package.json` is what makes that build CommonJS in a
 * package of type `module`), and the package's own is how `require` finds the entry.
 */
export function commonJsFiles(manifest: PackageManifest, files: readonly string[]): string[] {
    const entry = requireEntry(manifest);
    const esmUnreached = entry !== undefined && `${entry}/`.startsWith(COMMONJS_BUILD);
    return files.filter(
        (file) =>
            path.posix.basename(file) === "package.json" ||
            (!NEVER_REQUIRED.some((pattern) => pattern.test(file)) &&
                !(esmUnreached && file.startsWith(ESM_BUILD))),
    );
}

/**
 * What CallbackFunction packages beside the handler's code (its bundle and the factory that loads
 * it), in this program and in any program that installed this package. Pulumi adds a package named
 * in `extraIncludePackages` or in the program's package.json `dependencies` as its whole folder,
 * which for the handler's packages is mostly what a CommonJS function never loads (Powertools ships
 * an ESM build beside the CommonJS one, and type declarations, source maps and docs with both). So
 * the handler's packages and their dependencies are excluded by name, and the files `require` loads
 * from them are listed instead, each at its path from the program's directory: Pulumi runs the
 * program there and keeps that path in the archive, whose root is where the handler requires them
 * from.
 *
 * Also left out: the SDK clients the Lambda runtime provides, and this package itself, which a
 * program that installed it lists as a dependency (the function's code carries the package's bundle
 * of the handler, so nothing requires the package there). Pulumi leaves out every `@pulumi/*`
 * package on its own.
 *
 * @throws {Error} when a package the handler needs is not installed where Node would find it
 */
export function handlerCodePathOptions(): pulumi.runtime.CodePathOptions {
    const program = process.cwd();
    const packages = installedPackages(HANDLER_PACKAGES, program, new Set(RUNTIME_PROVIDED_PACKAGES));
    return {
        extraIncludePaths: packages
            .flatMap(({ folder, manifest }) =>
                commonJsFiles(manifest, filesUnder(folder)).map((file) =>
                    path.relative(program, path.join(folder, file)),
                ),
            )
            .sort(),
        extraExcludePackages: [
            ...new Set([...packages.map(({ name }) => name), ...RUNTIME_PROVIDED_PACKAGES, PACKAGE_NAME]),
        ],
    };
}

type InstalledPackage = {
    readonly name: string;
    readonly folder: string;
    readonly manifest: PackageManifest;
};

/**
 * The packages and, through each package.json's `dependencies`, everything they need, each in the
 * folder Node resolves it to: a package from `directory`, a dependency from the folder of the
 * package that needs it.
 */
function installedPackages(
    names: readonly string[],
    directory: string,
    provided: ReadonlySet<string>,
): InstalledPackage[] {
    const found = new Map<string, InstalledPackage>();
    const visit = (name: string, from: string): void => {
        if (provided.has(name)) return;
        const folder = packageFolder(name, from);
        if (folder === undefined) {
            throw new Error(`The function's code needs ${name}, which Node does not find from ${from}.`);
        }
        if (found.has(folder)) return;
        const manifest = JSON.parse(
            fs.readFileSync(path.join(folder, "package.json"), "utf8"),
        ) as PackageManifest;
        found.set(folder, { name, folder, manifest });
        for (const dependency of Object.keys(manifest.dependencies ?? {})) visit(dependency, folder);
    };
    for (const name of names) visit(name, directory);
    return [...found.values()];
}

/** Node's lookup: `node_modules/<name>` beside `from` and each directory above it. */
function packageFolder(name: string, from: string): string | undefined {
    for (let directory = from; ; directory = path.dirname(directory)) {
        if (path.basename(directory) !== "node_modules") {
            const folder = path.join(directory, "node_modules", name);
            if (fs.existsSync(path.join(folder, "package.json"))) return folder;
        }
        if (path.dirname(directory) === directory) return undefined;
    }
}

/**
 * Every file under a package folder, relative to it and `/`-separated, following links. A nested
 * `node_modules` is left to the dependency walk, which lists the packages there that are needed.
 */
function filesUnder(folder: string, relative = ""): string[] {
    return fs.readdirSync(path.join(folder, relative), { withFileTypes: true }).flatMap((entry) => {
        const file = relative === "" ? entry.name : `${relative}/${entry.name}`;
        const kind = entry.isSymbolicLink() ? fs.statSync(path.join(folder, file)) : entry;
        if (kind.isDirectory()) return file === "node_modules" ? [] : filesUnder(folder, file);
        return kind.isFile() ? [file] : [];
    });
}

/** `exports` either maps subpaths (keys starting with ".") or is itself the root entry's target. */
function rootExport(exports: unknown): unknown {
    if (typeof exports === "object" && exports !== null && !Array.isArray(exports)) {
        const subpaths = exports as Record<string, unknown>;
        if (Object.keys(subpaths).some((key) => key.startsWith("."))) return subpaths["."];
    }
    return exports;
}

function requireTarget(target: unknown): string | undefined {
    if (typeof target === "string") return target;
    if (Array.isArray(target)) return target.map(requireTarget).find((found) => found !== undefined);
    if (typeof target !== "object" || target === null) return undefined;
    for (const [condition, value] of Object.entries(target)) {
        if (!REQUIRE_CONDITIONS.has(condition)) continue;
        const found = requireTarget(value);
        if (found !== undefined) return found;
    }
    return undefined;
}
