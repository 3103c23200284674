import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../local/program";
import { headingAnchors, linksOf, markdownFiles } from "./markdown";

/** Where a relative link of `file` fails to land: a missing file, or a heading the target lacks. */
function brokenLinks(root: string, file: string): string[] {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    return linksOf(text).flatMap(({ target, line }) => {
        // Links with a scheme (https:, mailto:) leave the repository; they are not checked offline.
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return [];
        const [pathPart = "", anchor] = decodeURI(target).split("#");
        const resolved =
            pathPart === ""
                ? path.join(root, file)
                : path.join(pathPart.startsWith("/") ? root : path.dirname(path.join(root, file)), pathPart);
        const where = `${file}:${line} → ${target}`;
        if (!fs.existsSync(resolved)) return [`${where}: no such file`];
        if (anchor === undefined || !resolved.endsWith(".md")) return [];
        return headingAnchors(fs.readFileSync(resolved, "utf8")).has(anchor)
            ? []
            : [`${where}: no such heading`];
    });
}

/**
 * Repository files a page names as code (`handler/plan.ts`): each must exist, from the project's
 * root or from the page's folder. Placeholders (`<stack>`) and build output (`bin/`) are not files.
 */
function missingNamedFiles(root: string, file: string): string[] {
    const text = fs.readFileSync(path.join(root, file), "utf8").replace(/^```[\s\S]*?^```/gm, "");
    return [...text.matchAll(/`([\w.-]+(?:\/[\w.-]+)+\.(?:ts|js|mjs|json|ya?ml|md|java))`/g)]
        .map((match) => match[1]!)
        .filter((named) => !named.startsWith("bin/"))
        .filter(
            (named) =>
                ![root, path.dirname(path.join(root, file))].some((from) =>
                    fs.existsSync(path.join(from, named)),
                ),
        )
        .map((named) => `${file}: ${named}`);
}

describe("the Markdown files' relative links", () => {
    it("finds the project's Markdown: the README and every page under docs/", () => {
        const files = markdownFiles(PROJECT_ROOT);

        assert.ok(files.includes("README.md"));
        assert.ok(files.includes("docs/configuration.md"));
        assert.ok(!files.some((file) => file.startsWith("node_modules/")));
    });

    it("each land on an existing file and, with an anchor, on one of its headings", () => {
        const problems = markdownFiles(PROJECT_ROOT).flatMap((file) => brokenLinks(PROJECT_ROOT, file));

        assert.deepEqual(problems, []);
    });

    it("name, as code, only repository files that exist", () => {
        const problems = markdownFiles(PROJECT_ROOT).flatMap((file) => missingNamedFiles(PROJECT_ROOT, file));

        assert.deepEqual(problems, []);
    });

    it("are read as GitHub renders them: outside code, with its heading anchors", () => {
        const page = [
            "# Use it: `npm start`",
            "## Use it: `npm start`",
            "See [the second](#use-it-npm-start-1), [a page](other.md#a-b) and [ref].",
            "`[not a link](nowhere.md)`",
            "```md",
            "[not a link either](nowhere.md)",
            "# not a heading",
            "```",
            "[ref]: ./ref.md",
        ].join("\n");

        assert.deepEqual(linksOf(page), [
            { target: "#use-it-npm-start-1", line: 3 },
            { target: "other.md#a-b", line: 3 },
            { target: "./ref.md", line: 9 },
        ]);
        assert.deepEqual([...headingAnchors(page)], ["use-it-npm-start", "use-it-npm-start-1"]);
    });
});
