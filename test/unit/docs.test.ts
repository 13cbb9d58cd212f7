/**
 * The generated reference docs are current: the per-command pages (docs/commands/) match the CLI's
 * own help, and the API reference (docs/api/) matches what TypeDoc makes of today's types.
 * Regenerate both with `npm run docs`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { commandPages } from "../../src/cli/command-docs.js";
import { makeContext } from "../../src/cli/context.js";
import { buildProgram } from "../../src/cli/program.js";

const root = new URL("../..", import.meta.url).pathname;
const STALE = "out of date: run `npm run docs` and commit the result";

function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out.set(relative(dir, full), readFileSync(full, "utf8"));
  }
  return out;
}

describe("generated docs", () => {
  it("docs/commands/ has one page per command, identical to the CLI's help", () => {
    const pages = commandPages(buildProgram(makeContext(new AbortController().signal)));
    const onDisk = filesUnder(`${root}docs/commands`);
    expect([...onDisk.keys()].sort(), STALE).toEqual([...pages.keys()].sort());
    for (const [file, content] of pages) expect(onDisk.get(file), `docs/commands/${file} ${STALE}`).toBe(content);
    expect(pages.get("up.md")).toContain("Alias: `berth acquire`");
  });

  it("docs/api/ is what TypeDoc generates from the public types today", () => {
    const out = mkdtempSync(join(tmpdir(), "berth-api-docs-"));
    try {
      execFileSync(process.execPath, [`${root}node_modules/typedoc/bin/typedoc`, "--out", out, "--logLevel", "Warn"], { cwd: root, stdio: "pipe" });
      const fresh = filesUnder(out);
      const committed = filesUnder(`${root}docs/api`);
      expect([...committed.keys()].sort(), STALE).toEqual([...fresh.keys()].sort());
      for (const [file, content] of fresh) expect(committed.get(file), `docs/api/${file} ${STALE}`).toBe(content);
      expect(fresh.get("berth.md")).toContain("### acquire()");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
