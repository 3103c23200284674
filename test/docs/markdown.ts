import * as fs from "node:fs";
import * as path from "node:path";

/** Folders that hold no Markdown of the project's own (installed packages, build and run state). */
const SKIPPED_FOLDERS = new Set(["node_modules", ".git", "bin", ".local", ".ops", ".scratch"]);

/** Every Markdown file of the project, as paths relative to its root, sorted. */
export function markdownFiles(root: string, folder = ""): string[] {
    return fs
        .readdirSync(path.join(root, folder), { withFileTypes: true })
        .flatMap((entry) => {
            const relative = path.posix.join(folder, entry.name);
            if (entry.isDirectory())
                return SKIPPED_FOLDERS.has(entry.name) ? [] : markdownFiles(root, relative);
            return entry.name.endsWith(".md") ? [relative] : [];
        })
        .sort();
}

/** A Markdown text without its fenced code blocks and inline code spans, line numbers kept. */
export function proseOf(markdown: string): string {
    return markdown
        .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ""))
        .replace(/`[^`\n]*`/g, (span) => " ".repeat(span.length));
}

/** A link of a Markdown file: where it points and on which line. */
export type MarkdownLink = { readonly target: string; readonly line: number };

/** The inline (`[text](target)`) and reference-definition (`[label]: target`) links outside code. */
export function linksOf(markdown: string): MarkdownLink[] {
    const prose = proseOf(markdown);
    const lineOf = (index: number) => prose.slice(0, index).split("\n").length;
    const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => ({
        target: match[1]!,
        line: lineOf(match.index),
    }));
    const definitions = [...prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((match) => ({
        target: match[1]!,
        line: lineOf(match.index),
    }));
    return [...inline, ...definitions];
}

/**
 * The anchors GitHub gives a Markdown file's headings: the heading's text (code spans and link
 * texts included) in lower case, punctuation other than `-` and `_` removed, spaces as `-`, and
 * `-1`, `-2`, ... after repeats.
 */
export function headingAnchors(markdown: string): Set<string> {
    const anchors = new Set<string>();
    const seen = new Map<string, number>();
    const prose = proseOf(markdown).split("\n");
    markdown.split("\n").forEach((line, index) => {
        // A heading outside code keeps its leading #s in the prose; its text is read from the source.
        if (!/^#{1,6}[ \t]/.test(prose[index] ?? "")) return;
        const slug = line
            .replace(/^#{1,6}[ \t]+/, "")
            .replace(/[ \t#]*$/, "")
            .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
            .toLowerCase()
            .replace(/[^\p{L}\p{N}\s_-]/gu, "")
            .replace(/\s/g, "-");
        const count = seen.get(slug) ?? 0;
        seen.set(slug, count + 1);
        anchors.add(count === 0 ? slug : `${slug}-${count}`);
    });
    return anchors;
}
