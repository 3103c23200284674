import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { resolveChangeFeedArgs, type ChangeFeedArgs } from "../../infra/config";
import { PROJECT_ROOT } from "../../local/program";
import { PACKAGE_NAME, SCHEMA_FILE } from "../../provider/components";
import { CHANGE_FEED, objectProblems, type PackageSchema, type SchemaType } from "../provider/schema";

const EXAMPLE = path.join(PROJECT_ROOT, "examples", "yaml-orders");
const README = path.join(PROJECT_ROOT, "README.md");

/** The committed schema (the package schema test keeps it current). */
const SCHEMA = JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8")) as PackageSchema;
const FEED = SCHEMA.resources[CHANGE_FEED]!;
const FEED_INPUTS: SchemaType = {
    type: "object",
    properties: FEED.inputProperties,
    required: FEED.requiredInputs,
};

/** A YAML program's parts this test reads. */
type YamlProgram = {
    packages?: Record<string, string>;
    config?: Record<string, { default?: unknown }>;
    resources: Record<string, { type: string; properties?: Record<string, unknown> }>;
    outputs?: Record<string, string>;
};

/** The schema's type named in an SDK (`Route`, or `RouteArgs` as Python and Go name input types). */
function sdkType(name: string): SchemaType | undefined {
    return name === "ChangeFeed" || name === "ChangeFeedArgs"
        ? FEED_INPUTS
        : SCHEMA.types[`${PACKAGE_NAME}:index:${name.replace(/Args$/, "")}`];
}

/** The fenced block of a language in README.md's "Use it from any language". */
function readmeSnippet(language: string): string {
    const readme = fs.readFileSync(README, "utf8");
    const section = readme.slice(readme.indexOf("### Use it from any language"));
    const found = new RegExp("```" + language + "\\n([\\s\\S]*?)```").exec(section);
    assert.ok(found, `README.md has no ${language} snippet under "Use it from any language"`);
    return found[1]!;
}

/** The text between the bracket at `open` and its match. */
function bracketed(text: string, open: number): string {
    const pairs: Record<string, string> = { "(": ")", "{": "}", "[": "]" };
    const closing: string[] = [];
    for (let index = open; index < text.length; index += 1) {
        const char = text[index]!;
        if (pairs[char]) closing.push(pairs[char]!);
        else if (char === closing[closing.length - 1] && closing.pop() && closing.length === 0)
            return text.slice(open + 1, index);
    }
    throw new Error(`unbalanced from ${text.slice(open, open + 40)}`);
}

/** The parts of a call's arguments or a literal's elements at its top level, split at commas. */
function topLevelParts(inner: string): string[] {
    const parts: string[] = [];
    let depth = 0;
    let start = 0;
    for (let index = 0; index < inner.length; index += 1) {
        const char = inner[index]!;
        if ("([{".includes(char)) depth += 1;
        else if (")]}".includes(char)) depth -= 1;
        else if (char === "," && depth === 0) {
            parts.push(inner.slice(start, index));
            start = index + 1;
        }
    }
    return [...parts, inner.slice(start)].filter((part) => part.trim() !== "");
}

/** Each SDK type a snippet builds (Python's `sdk.Type(`, Go's `sdk.Type{`) with the fields it sets, in the schema's spelling. */
function builtTypes(
    code: string,
    sdk: string,
    syntax: {
        readonly open: "(" | "{";
        readonly field: RegExp;
        readonly toSchemaName: (field: string) => string;
    },
) {
    const built: { type: string; fields: string[] }[] = [];
    const pattern = new RegExp(`(\\[\\])?${sdk}\\.(\\w+)\\${syntax.open}`, "g");
    for (const match of code.matchAll(pattern)) {
        const inner = bracketed(code, match.index + match[0].length - 1);
        // A Go slice literal's elements are literals of its element type, written without it.
        const literals = match[1]
            ? topLevelParts(inner).map((element) => bracketed(element, element.indexOf("{")))
            : [inner];
        for (const literal of literals) {
            const fields = topLevelParts(literal)
                .map((part) => syntax.field.exec(part)?.[1])
                .filter((field): field is string => field !== undefined)
                .map(syntax.toSchemaName);
            built.push({ type: match[2]!, fields });
        }
    }
    return built;
}

/** Problems of the fields a snippet sets against the schema's properties of each type it builds. */
function fieldProblems(built: { type: string; fields: string[] }[]): string[] {
    return built.flatMap(({ type, fields }) => {
        const schemaType = sdkType(type);
        if (!schemaType) return [`${type} is not a type of the schema`];
        return fields
            .filter((field) => !(field in (schemaType.properties ?? {})))
            .map((field) => `${type} has no property ${field}`);
    });
}

/** Problems of `<sdk>.<Enum>.<Member>` (Python) or `<sdk>.<Enum><Member>` (Go) against the schema's enums. */
function enumProblems(references: string[]): string[] {
    const enums = Object.entries(SCHEMA.types).filter(([, type]) => type.enum);
    const normalized = (name: string) => name.replace(/[_.]/g, "").toLowerCase();
    return references
        .filter(
            (reference) =>
                !enums.some(([token, type]) =>
                    type.enum!.some(
                        (member) =>
                            normalized(reference) === normalized(`${token.split(":")[2]}${member.name}`),
                    ),
                ),
        )
        .map((reference) => `${reference} is no enum member of the schema`);
}

const camelFromSnake = (name: string) =>
    name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
const camelFromPascal = (name: string) => name[0]!.toLowerCase() + name.slice(1);

describe("the component from other languages, checked against the package schema", () => {
    describe("examples/yaml-orders: a Pulumi YAML program", () => {
        const program = parseYaml(fs.readFileSync(path.join(EXAMPLE, "Pulumi.yaml"), "utf8")) as YamlProgram;
        const feeds = Object.entries(program.resources).filter(([, resource]) =>
            [`${PACKAGE_NAME}:ChangeFeed`, CHANGE_FEED].includes(resource.type),
        );

        it("adds this checkout as the package", () => {
            const source = program.packages?.[PACKAGE_NAME];
            assert.ok(source, `Pulumi.yaml has no packages.${PACKAGE_NAME}`);
            assert.equal(path.resolve(EXAMPLE, source), PROJECT_ROOT);
            assert.ok(feeds.length > 0, "it declares a ChangeFeed");
        });

        it("sets only inputs the schema has, each of the schema's type", () => {
            for (const [name, feed] of feeds) {
                assert.deepEqual(objectProblems(SCHEMA, FEED_INPUTS, feed.properties ?? {}, name), []);
            }
        });

        it("exports only outputs the schema has", () => {
            const names = Object.keys(FEED.properties);
            for (const [output, expression] of Object.entries(program.outputs ?? {})) {
                const [, resource, property] = /^\$\{(\w+)\.(\w+)\}$/.exec(expression) ?? [];
                assert.ok(resource && feeds.some(([name]) => name === resource), `${output}: ${expression}`);
                assert.ok(names.includes(property!), `${output}: the schema has no output ${property}`);
            }
        });

        it("gives args the component accepts, with the config's defaults", () => {
            const defaults = Object.fromEntries(
                Object.entries(program.config ?? {}).map(([key, setting]) => [key, setting.default]),
            );
            for (const [name, feed] of feeds) {
                const args = JSON.parse(
                    JSON.stringify(feed.properties ?? {}).replace(/\$\{(\w+)\}/g, (_, key: string) =>
                        String(defaults[key]),
                    ),
                ) as ChangeFeedArgs;
                assert.doesNotThrow(() => resolveChangeFeedArgs(name, args, "us-east-1"));
            }
        });
    });

    describe("README.md's Python snippet", () => {
        const code = readmeSnippet("python");
        const sdk = "ddb_changefeed";

        it("builds the component and its types with properties the schema has", () => {
            const built = builtTypes(code, sdk, {
                open: "(",
                field: /^\s*(\w+)=/,
                toSchemaName: camelFromSnake,
            });

            assert.ok(
                built.some(({ type }) => type === "ChangeFeed"),
                "it declares a ChangeFeed",
            );
            assert.deepEqual(fieldProblems(built), []);
        });

        it("names enum members and outputs the schema has", () => {
            const enums = [...code.matchAll(new RegExp(`${sdk}\\.(\\w+\\.[A-Z_]+)\\b(?![.(])`, "g"))].map(
                (m) => m[1]!,
            );
            const outputs = [...code.matchAll(/\borders\.(\w+)/g)].map((m) => camelFromSnake(m[1]!));

            assert.deepEqual(enumProblems(enums), []);
            assert.deepEqual(
                outputs.filter((output) => !(output in FEED.properties)),
                [],
            );
        });
    });

    describe("README.md's Go snippet", () => {
        const code = readmeSnippet("go");
        const sdk = "ddbchangefeed";

        it("builds the component's args and types with properties the schema has", () => {
            const built = builtTypes(code, sdk, {
                open: "{",
                field: /^\s*(\w+):/,
                toSchemaName: camelFromPascal,
            });

            assert.ok(code.includes(`${sdk}.NewChangeFeed(`), "it declares a ChangeFeed");
            assert.ok(
                built.some(({ type }) => type === "ChangeFeedArgs"),
                "with ChangeFeedArgs",
            );
            assert.deepEqual(fieldProblems(built), []);
        });

        it("names enum members and outputs the schema has", () => {
            const enums = [...code.matchAll(new RegExp(`${sdk}\\.(\\w+)\\b(?![({])`, "g"))].map((m) => m[1]!);
            const outputs = [...code.matchAll(/\bfeed\.(\w+)/g)].map((m) => camelFromPascal(m[1]!));

            assert.deepEqual(enumProblems(enums), []);
            assert.deepEqual(
                outputs.filter((output) => !(output in FEED.properties)),
                [],
            );
        });
    });
});
