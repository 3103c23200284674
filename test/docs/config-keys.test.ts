import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_KEYS, CONFIG_NAMESPACE } from "../../infra/config";
import { PROJECT_ROOT } from "../../local/program";
import { markdownFiles } from "./markdown";

/**
 * The configuration keys a Markdown text names: as `ddb-changefeed:<key>`, and as the key of a
 * `pulumi config set|get|rm` command (which takes the project's namespace when none is given).
 */
export function namedConfigKeys(markdown: string): { key: string; line: number }[] {
    const lineOf = (index: number) => markdown.slice(0, index).split("\n").length;
    const namespaced = [
        ...markdown.matchAll(new RegExp(`\\b${CONFIG_NAMESPACE}:([A-Za-z]\\w*)(?!\\w|:\\w)`, "g")),
    ];
    const commands = [
        ...markdown.matchAll(
            /pulumi config (?:set|get|rm)((?:\s+--[\w-]+(?:\s+(?!--)[\w-]+)?)*)\s+'?([\w:.-]+)/g,
        ),
    ].filter((match) => !match[2]!.includes(":") && !/--path/.test(match[1]!));
    const pathCommands = [...markdown.matchAll(/pulumi config set --path '([A-Za-z]\w*)/g)];
    return [...namespaced, ...commands, ...pathCommands].map((match) => ({
        key: match[match.length - 1]!.split(/[.[]/)[0]!,
        line: lineOf(match.index),
    }));
}

describe("the configuration keys the docs name", () => {
    it("are found as a namespaced key and in pulumi config commands", () => {
        const text = [
            "ddb-changefeed:batchSize: 250",
            "pulumi config set --stack prod ddb-changefeed:alarmEmail a@example.com",
            "pulumi config rm partitionKey",
            "pulumi config set --path 'routes[0].name' orders",
            "pulumi config set aws:region us-east-1",
        ].join("\n");

        assert.deepEqual(namedConfigKeys(text), [
            { key: "batchSize", line: 1 },
            { key: "alarmEmail", line: 2 },
            { key: "partitionKey", line: 3 },
            { key: "routes", line: 4 },
        ]);
    });

    it("all exist", () => {
        const known = new Set<string>(CONFIG_KEYS);
        const unknown = markdownFiles(PROJECT_ROOT).flatMap((file) =>
            namedConfigKeys(fs.readFileSync(path.join(PROJECT_ROOT, file), "utf8"))
                .filter(({ key }) => !known.has(key))
                .map(({ key, line }) => `${file}:${line}: ${key}`),
        );

        assert.deepEqual(unknown, []);
    });
});
