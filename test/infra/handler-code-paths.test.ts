import { strict as assert } from "node:assert";
import { commonJsFiles, type PackageManifest } from "../../infra/handler-code-paths";

/** A dual-format package as Powertools ships one: `require` gets lib/cjs, `import` lib/esm. */
const DUAL_FORMAT: PackageManifest = {
    main: "./lib/cjs/index.js",
    exports: {
        ".": {
            require: { types: "./lib/cjs/index.d.ts", default: "./lib/cjs/index.js" },
            import: { types: "./lib/esm/index.d.ts", default: "./lib/esm/index.js" },
        },
        "./types": { import: "./lib/esm/types.js", require: "./lib/cjs/types.js" },
    },
    dependencies: { "@aws-lambda-powertools/commons": "2.35.0" },
};

const DUAL_FORMAT_FILES = [
    "package.json",
    "README.md",
    "lib/cjs/package.json",
    "lib/cjs/index.js",
    "lib/cjs/index.js.map",
    "lib/cjs/index.d.ts",
    "lib/cjs/index.d.ts.map",
    "lib/cjs/types.js",
    "lib/cjs/middleware/index.js",
    "lib/cjs/middleware/index.d.cts",
    "lib/esm/package.json",
    "lib/esm/index.js",
    "lib/esm/index.js.map",
    "lib/esm/index.d.ts",
    "lib/esm/middleware/index.js",
];

describe("the files a CommonJS function loads from a package folder", () => {
    it("keeps a dual-format package's CommonJS build and every package.json, and nothing else", () => {
        assert.deepEqual(commonJsFiles(DUAL_FORMAT, DUAL_FORMAT_FILES), [
            "package.json",
            "lib/cjs/package.json",
            "lib/cjs/index.js",
            "lib/cjs/types.js",
            "lib/cjs/middleware/index.js",
            "lib/esm/package.json",
        ]);
    });

    it("drops the ESM build when `main` alone sends `require` into lib/cjs", () => {
        const kept = commonJsFiles({ main: "lib/cjs/index.js" }, ["lib/cjs/index.js", "lib/esm/index.js"]);

        assert.deepEqual(kept, ["lib/cjs/index.js"]);
    });

    it("follows `exports` over `main`: keeps lib/esm when `require` resolves there", () => {
        // `main` alone would say lib/cjs; a CommonJS `require` of this package reads lib/esm.
        const manifest: PackageManifest = {
            main: "./lib/cjs/index.js",
            exports: { node: { require: "./lib/esm/index.cjs" }, default: "./lib/cjs/index.js" },
        };

        assert.deepEqual(commonJsFiles(manifest, ["lib/cjs/index.js", "lib/esm/index.cjs"]), [
            "lib/cjs/index.js",
            "lib/esm/index.cjs",
        ]);
    });

    it("keeps lib/esm of a package whose `require` entry is elsewhere", () => {
        const files = ["package.json", "index.js", "lib/esm/helper.js", "lib/cjs/legacy.js"];

        assert.deepEqual(commonJsFiles({ main: "index.js" }, files), files);
        assert.deepEqual(commonJsFiles({}, files), files);
    });

    it("keeps every file of a plain CommonJS package but its declarations, maps and docs", () => {
        const files = [
            "package.json",
            "LICENSE",
            "CHANGELOG.MD",
            "readme.md",
            "dist-cjs/index.js",
            "dist-cjs/index.js.map",
            "dist-es/index.js",
            "dist-types/index.d.ts",
            "dist-types/ts3.4/index.d.mts",
            "modules/package.json",
            "tslib.es6.mjs",
        ];

        assert.deepEqual(commonJsFiles({ main: "./dist-cjs/index.js" }, files), [
            "package.json",
            "LICENSE",
            "dist-cjs/index.js",
            "dist-es/index.js",
            "modules/package.json",
            "tslib.es6.mjs",
        ]);
    });

    it("reads a conditions-only `exports` as the package's root entry", () => {
        const manifest: PackageManifest = {
            exports: { import: "./lib/esm/index.js", require: "./lib/cjs/index.js" },
        };

        assert.deepEqual(commonJsFiles(manifest, ["lib/cjs/index.js", "lib/esm/index.js"]), [
            "lib/cjs/index.js",
        ]);
    });
});
