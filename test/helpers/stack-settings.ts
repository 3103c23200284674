import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { PROJECT_ROOT } from "../../local/program";

/**
 * A stack's effective setting of a project key, as Pulumi resolves it: the stack file's value,
 * else the `default:` in Pulumi.yaml. Read from the YAML files themselves, so a test compares
 * the program with the files and not with config.ts.
 */
export function stackSettings(stack: string): (key: string) => unknown {
    const read = (file: string) =>
        parseYaml(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8")) as {
            config?: Record<string, unknown>;
        };
    const stackConfig = read(path.join("stacks", `Pulumi.${stack}.yaml`)).config ?? {};
    const declared = (read("Pulumi.yaml").config ?? {}) as Record<string, { default?: unknown }>;
    return (key) => stackConfig[`ddb-changefeed:${key}`] ?? declared[key]?.default;
}
