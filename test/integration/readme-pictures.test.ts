/**
 * The README's pictures are made by the project's own script (scripts/readme-pictures.mjs), from a
 * real run: here it runs into a temporary folder and each picture must render — the terminal SVG
 * and the dashboard PNG open in headless Chromium — and the README's Mermaid block must be what
 * `berth graph` prints today. The committed pictures' bytes are not compared (ports, times and
 * names differ from run to run).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { engine, resourcesOf, root, uniqueName } from "./helpers.js";

const out = mkdtempSync(join(tmpdir(), "berth-pictures-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** The Mermaid block between the README's readme-graph markers. */
function readmeGraph(): string {
  const readme = readFileSync(`${root}README.md`, "utf8");
  const m = /<!-- readme-graph:[^\n]*\n```mermaid\n([\s\S]*?)```\n<!-- readme-graph:end -->/.exec(readme);
  if (!m) throw new Error("README.md has no Mermaid block between readme-graph markers");
  return m[1]!;
}

describe("the README's pictures", () => {
  it("scripts/readme-pictures.mjs makes a terminal SVG of `berth up`, a dashboard PNG and the graph the README shows", async () => {
    const project = uniqueName("readme-pictures");
    const r = spawnSync(process.execPath, [`${root}scripts/readme-pictures.mjs`, "--out", out, "--project", project], {
      cwd: root,
      encoding: "utf8",
      timeout: 280_000,
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(JSON.parse(r.stdout.trim().split("\n").pop()!)).toMatchObject({ project, written: ["up-progress.svg", "dashboard.png", "dependency-graph.mmd"] });
    expect(await resourcesOf(await engine(), project)).toEqual([]);

    const svg = readFileSync(join(out, "up-progress.svg"), "utf8");
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg.trimEnd()).toMatch(/<\/svg>$/);
    expect(svg).toMatch(/ is ready: 4 services in [\d.]+ s/); // the summary line, as the terminal showed it
    expect(svg).toContain('id="f1"'); // more than one frame: the live view, not only the end
    const png = readFileSync(join(out, "dashboard.png"));
    expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");

    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
    try {
      const page = await browser.newPage();
      // An SVG that is not well-formed XML opens as Chromium's error page, not as an <svg> document.
      await page.goto(`file://${join(out, "up-progress.svg")}`);
      // Browser code as strings: this file is type-checked without the DOM's types.
      expect(await page.evaluate("document.documentElement.tagName")).toBe("svg");
      expect(await page.locator("parsererror").count()).toBe(0);
      const src = `data:image/png;base64,${png.toString("base64")}`;
      const size = await page.evaluate(
        `(async () => { const i = new Image(); i.src = ${JSON.stringify(src)}; await i.decode(); return [i.naturalWidth, i.naturalHeight]; })()`,
      );
      expect(size).toEqual([1100, 640]);
    } finally {
      await browser.close();
    }

    expect(readmeGraph(), "README.md's graph is stale: node scripts/readme-pictures.mjs --readme").toBe(
      readFileSync(join(out, "dependency-graph.mmd"), "utf8"),
    );
  }, 300_000);
});
