import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { RUNTIME_PROVIDED_PACKAGES } from "../../handler/contract";
import { HANDLER_PACKAGES, PACKAGE_NAME } from "../../infra/handler-code-paths";
import { PROJECT_ROOT } from "../../local/program";

type Manifest = {
    name: string;
    main: string;
    types: string;
    exports: { ".": { types: string; default: string } };
    dependencies: Record<string, string>;
};

const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as Manifest;

describe("package.json, for programs that install this repository", () => {
    it("names the built package entry as main, types and exports", () => {
        assert.deepEqual(
            { name: manifest.name, main: manifest.main, types: manifest.types, entry: manifest.exports["."] },
            {
                name: PACKAGE_NAME,
                main: "bin/infra/index.js",
                types: "bin/infra/index.d.ts",
                entry: { types: "./bin/infra/index.d.ts", default: "./bin/infra/index.js" },
            },
        );
    });

    it("keeps index.ts the stack's program, which Pulumi would otherwise take from exports", () => {
        const project = parseYaml(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as {
            main?: string;
        };
        assert.equal(project.main, "index.ts");
    });

    it("has the handler's packages among its dependencies: every one but Pulumi's and the runtime's", () => {
        // A function's code archive gets these by name; a program that installed this package
        // has them as this package's dependencies.
        const needed = Object.keys(manifest.dependencies).filter(
            (name) =>
                !name.startsWith("@pulumi/") &&
                !(RUNTIME_PROVIDED_PACKAGES as readonly string[]).includes(name),
        );
        assert.deepEqual(needed, [...HANDLER_PACKAGES]);
    });
});
