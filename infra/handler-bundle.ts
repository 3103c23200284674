import * as fs from "node:fs";
import type * as Esbuild from "esbuild";
import { BUNDLE_TARGET } from "./lambda-runtime";

/**
 * The handler's code as one CommonJS bundle: handler/index.ts bundled by esbuild when the program
 * runs from source, or the bundle `npm run build` made (bin/handler/index.js) when it runs from this
 * package installed in another program. Its packages stay `require`s, resolved in the archive.
 */
export function handlerBundle(): string {
    // Every feed and backfill function of a program carries the same bundle: build it once.
    return (built ??= buildHandlerBundle());
}

let built: string | undefined;

function buildHandlerBundle(): string {
    const entry = require.resolve("../handler");
    if (!entry.endsWith(".ts")) return fs.readFileSync(entry, "utf8");
    // Only from source: a program that installed the package has no esbuild and needs none. The
    // options are those of package.json's build script, which makes that package's bundle.
    const esbuild = require("esbuild") as typeof Esbuild;
    const [output] = esbuild.buildSync({
        entryPoints: [entry],
        bundle: true,
        platform: "node",
        format: "cjs",
        packages: "external",
        target: BUNDLE_TARGET,
        write: false,
        logLevel: "warning",
    }).outputFiles;
    if (!output) throw new Error(`esbuild wrote no bundle of ${entry}.`);
    return output.text;
}

/**
 * A `callbackFactory` for `aws.lambda.CallbackFunction` that loads `bundle` once per container, as
 * Node loads a CommonJS file, and calls its factory export `factory`.
 *
 * Why not hand CallbackFunction the factory itself: Pulumi serializes a function's code with every
 * module-level function it reaches, and rebuilds each of those in a `with` scope on every call. The
 * handler calls them per record and per attribute value, so every batch paid for rebuilding them.
 * Only this small loader is serialized; the bundle runs as ordinary JavaScript, compiled once per
 * container.
 */
export function bundledFactory<T>(bundle: string, factory: string): () => T {
    return () => {
        const module = { exports: {} as Record<string, unknown> };
        const load = require("node:vm").compileFunction(bundle, ["exports", "require", "module"], {
            filename: "changefeed-handler.js",
        }) as (exports: unknown, require: NodeJS.Require, module: unknown) => void;
        load(module.exports, require, module);
        return (module.exports[factory] as () => T)();
    };
}
