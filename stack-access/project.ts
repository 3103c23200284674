import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

/** The repository root: where Pulumi.yaml, index.ts and stacks/ live. */
export const PROJECT_ROOT = path.resolve(__dirname, "..");

/**
 * The `config` map of a stack's config file (`stacks/Pulumi.<stack>.yaml`), as YAML parsed it
 * (numbers and booleans as such, objects as objects); empty when the file has none.
 *
 * @throws {Error} naming the file and the stacks there are, when the stack has no config file
 */
export function readStackConfigFile(stack: string): Record<string, unknown> {
    const directory = path.join(PROJECT_ROOT, "stacks");
    const file = path.join(directory, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const known = fs
            .readdirSync(directory)
            .map((name) => /^Pulumi\.(.+)\.yaml$/.exec(name)?.[1])
            .filter((name): name is string => name !== undefined);
        throw new Error(
            `Stack "${stack}" has no config file ${path.relative(PROJECT_ROOT, file)}; known stacks: ${known.join(", ")}.`,
        );
    }
    const parsed = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    return parsed.config ?? {};
}

/**
 * A stack's AWS region from its config file, or undefined when the file names none. Reading the
 * file runs nothing: the ops commands act on what is deployed.
 *
 * @throws {Error} naming the file and the stacks there are, when the stack has no config file
 */
export function stackRegion(stack: string): string | undefined {
    const region = readStackConfigFile(stack)["aws:region"];
    return typeof region === "string" && region !== "" ? region : undefined;
}
