import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { RUNTIME_PROVIDED_PACKAGES } from "../../handler/contract";
import { PROJECT_ROOT } from "../../local/program";

type Manifest = {
    main: string;
    types: string;
    exports: { ".": { types: string; default: string } };
    dependencies: Record<string, string>;
    pulumi: { runtimeDependencies: Record<string, string> };
};

const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as Manifest;

describe("package.json, for programs that install this repository", () => {
    it("names the built package entry as main, types and exports", () => {
        assert.deepEqual(
            { main: manifest.main, types: manifest.types, entry: manifest.exports["."] },
            {
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

    it("lists as runtime dependencies the handler's packages: every dependency but Pulumi's and the runtime's", () => {
        // A consumer's function is packaged from these, not from this package's dependencies.
        const needed = Object.fromEntries(
            Object.entries(manifest.dependencies).filter(
                ([name]) =>
                    !name.startsWith("@pulumi/") &&
                    !(RUNTIME_PROVIDED_PACKAGES as readonly string[]).includes(name),
            ),
        );
        assert.deepEqual(manifest.pulumi.runtimeDependencies, needed);
    });
});
