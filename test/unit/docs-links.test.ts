/**
 * Every relative link in README.md and docs/**\/*.md resolves: the file or folder exists, and a
 * `#anchor` names a heading (GitHub's slug of it) or an explicit `<a id>`/`<a name>` of the target
 * page. Links inside code (fenced blocks, `inline code`) are not links; http(s) and mailto are not
 * checked (no network in the suite).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;

/** The Markdown without fenced code blocks and inline code spans, line numbers kept. */
function withoutCode(markdown: string): string {
  let fenced = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return "";
      }
      return fenced ? "" : line.replace(/(`+)[^`]*?\1/g, "");
    })
    .join("\n");
}

/** Link targets with their line: [text](target), ![alt](target), <img src="target">, <a href="target">. */
export function linksOf(markdown: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  withoutCode(markdown)
    .split("\n")
    .forEach((text, i) => {
      for (const m of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ target: m[1]!, line: i + 1 });
      for (const m of text.matchAll(/<(?:img|a)\s[^>]*?(?:src|href)="([^"]+)"/g)) out.push({ target: m[1]!, line: i + 1 });
    });
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCodeBlocksOnly(markdown).split("\n")) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const text = heading[1]!.replace(/<[^>]+>/g, "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
      const base = text
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, "")
        .replace(/\s/g, "-");
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of line.matchAll(/<a\s[^>]*?(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  }
  return anchors;
}

/** Fenced blocks removed (a `# comment` in a shell block is not a heading); inline code kept for slugs. */
function withoutCodeBlocksOnly(markdown: string): string {
  let fenced = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return "";
      }
      return fenced ? "" : line;
    })
    .join("\n");
}

/** What is wrong with each relative link of one Markdown file (empty when nothing). */
export function brokenLinks(file: string, markdown: string, read: (path: string) => string | undefined, exists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  // TypeDoc's pages (docs/api/) link a type parameter's default to "#bertherrorcode-1", an anchor
  // GitHub never makes: their files are checked, their anchors are TypeDoc's business.
  const checkAnchors = !file.startsWith(`${root}docs/api/`);
  for (const { target, line } of linksOf(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
    const [pathPart, fragment] = target.split("#", 2) as [string, string | undefined];
    const anchor = checkAnchors ? fragment : undefined;
    const where = `${relative(root, file)}:${line}: ${target}`;
    if (!pathPart) {
      if (anchor && !anchorsOf(markdown).has(anchor.toLowerCase())) problems.push(`${where} (no heading #${anchor} here)`);
      continue;
    }
    const path = resolve(dirname(file), decodeURIComponent(pathPart));
    if (!exists(path)) {
      problems.push(`${where} (no such file)`);
      continue;
    }
    if (anchor && path.endsWith(".md")) {
      const text = read(path);
      if (text !== undefined && !anchorsOf(text).has(anchor.toLowerCase())) problems.push(`${where} (no heading #${anchor} there)`);
    }
  }
  return problems;
}

function markdownFiles(): string[] {
  const docs = readdirSync(`${root}docs`, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".md"))
    .map((e) => join(e.parentPath, e.name));
  return [`${root}README.md`, ...docs];
}

const read = (path: string) => (existsSync(path) && statSync(path).isFile() ? readFileSync(path, "utf8") : undefined);

describe("links in README.md and docs/", () => {
  it("every relative link and #anchor resolves", () => {
    const files = markdownFiles();
    let links = 0;
    const problems = files.flatMap((file) => {
      const text = readFileSync(file, "utf8");
      links += linksOf(text).length;
      return brokenLinks(file, text, read, existsSync);
    });
    expect(problems).toEqual([]);
    expect(files.length).toBeGreaterThan(20);
    expect(links).toBeGreaterThan(100); // the checker does find the links
  });

  it("the checker reports a missing file, a missing heading, and ignores code and web links", () => {
    const file = `${root}docs/example.md`;
    const md = [
      "# Coming from docker compose",
      "See [ok](#coming-from-docker-compose), [gone](missing.md), [api](api.md#no-such-part), [web](https://example.com/x).",
      "`[not a link](nowhere.md)`",
      "```sh",
      "echo [nor](this.md)",
      "```",
      '<img src="images/none.svg">',
    ].join("\n");
    const problems = brokenLinks(file, md, read, existsSync);
    expect(problems).toEqual([
      "docs/example.md:2: missing.md (no such file)",
      "docs/example.md:2: api.md#no-such-part (no heading #no-such-part there)",
      "docs/example.md:7: images/none.svg (no such file)",
    ]);
    expect([...anchorsOf("## Using berth on your own project\n## Why it is different\n## A\n## A")]).toEqual([
      "using-berth-on-your-own-project",
      "why-it-is-different",
      "a",
      "a-1",
    ]);
  });
});
