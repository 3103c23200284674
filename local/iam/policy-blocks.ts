/** An IAM policy statement, as far as the checks read it. */
export type Statement = {
    readonly Sid?: string;
    readonly Effect?: string;
    readonly Principal?: unknown;
    readonly Action?: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
};

/** A JSON block of a Markdown file that holds IAM policy statements. */
export type PolicyBlock = {
    /** Where it starts (1-based line of the opening fence), for failure messages. */
    readonly line: number;
    /** The `## ` or `### ` heading it is under. */
    readonly heading: string;
    readonly statements: readonly Statement[];
};

/**
 * The JSON blocks of a Markdown text that are policies: a document with `Statement`, one statement,
 * or a list of statements (what a reader pastes into a policy).
 *
 * @throws {Error} naming the line of a JSON block that does not parse
 */
export function policyBlocks(markdown: string): PolicyBlock[] {
    const blocks: PolicyBlock[] = [];
    for (const match of markdown.matchAll(/^```json\n([\s\S]*?)\n```$/gm)) {
        const before = markdown.slice(0, match.index);
        const line = before.split("\n").length;
        const heading = [...before.matchAll(/^#{2,3} (.+)$/gm)].at(-1)?.[1] ?? "";
        let parsed: unknown;
        try {
            parsed = JSON.parse(match[1]!);
        } catch (error) {
            throw new Error(`The JSON block at line ${line} does not parse: ${String(error)}`, {
                cause: error,
            });
        }
        const document = parsed as { Statement?: Statement | Statement[] } & Statement;
        const statements = Array.isArray(parsed)
            ? (parsed as Statement[])
            : document.Statement !== undefined
              ? [document.Statement].flat()
              : [document];
        if (statements.every((statement) => statement.Effect !== undefined))
            blocks.push({ line, heading, statements });
    }
    return blocks;
}

/** Every placeholder (`<region>`, `<source table>`, ...) of a statement's text replaced by its value. */
export function fillPlaceholders(
    statements: readonly Statement[],
    values: Readonly<Record<string, string | readonly string[]>>,
): Statement[] {
    return statements.map((statement) => {
        const resources = [statement.Resource ?? []].flat().flatMap((resource) => {
            const listed = Object.entries(values).find(
                ([name, value]) => Array.isArray(value) && resource.includes(`<${name}>`),
            );
            return listed
                ? (listed[1] as readonly string[]).map((value) => resource.replace(`<${listed[0]}>`, value))
                : [resource];
        });
        const filled = JSON.stringify({
            ...statement,
            ...(statement.Resource ? { Resource: resources } : {}),
        });
        return JSON.parse(
            filled.replace(/<([a-z][a-z ]*)>/g, (text, name: string) => {
                const value = values[name];
                return typeof value === "string" ? value : text;
            }),
        ) as Statement;
    });
}
