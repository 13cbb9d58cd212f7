/**
 * The compose corpus: every directory under test/fixtures/compose is one case. A case holds
 * compose files, an optional `case.json` (files, env, envFiles, profiles, projectName, cwd), and
 * either `expected.json` (the normalized model, with the case directory written as `<case>`)
 * or `expected-error.txt` (the formatted problems, one per line, in the order reported).
 * Set BERTH_UPDATE_FIXTURES=1 to write missing expectations (then review them by hand).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, isBerthError } from "../../../src/errors.js";
import { loadCase } from "./conformance-helpers.js";

const ROOT = resolve(__dirname, "../../fixtures/compose");
const UPDATE = process.env.BERTH_UPDATE_FIXTURES === "1";

function placeholders(text: string, dir: string): string {
  return text.split(dir).join("<case>");
}

async function run(dir: string): Promise<{ kind: "model"; text: string } | { kind: "error"; text: string }> {
  try {
    const project = await loadCase(dir);
    return { kind: "model", text: placeholders(JSON.stringify(project, null, 2), dir) + "\n" };
  } catch (e) {
    if (!isBerthError(e)) throw e;
    const lines = e.problems.length > 0 ? e.problems.map(formatProblem) : [`${e.code}: ${e.message}`];
    return { kind: "error", text: placeholders(lines.join("\n"), dir) + "\n" };
  }
}

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe("compose corpus", () => {
  it("has cases", () => {
    expect(cases.length).toBeGreaterThan(20);
  });
  for (const name of cases) {
    it(name, async () => {
      const dir = join(ROOT, name);
      const modelFile = join(dir, "expected.json");
      const errorFile = join(dir, "expected-error.txt");
      const got = await run(dir);
      const want = got.kind === "model" ? modelFile : errorFile;
      if (!existsSync(modelFile) && !existsSync(errorFile)) {
        if (!UPDATE) throw new Error(`${name}: no expected.json or expected-error.txt`);
        writeFileSync(want, got.text);
      }
      if (got.kind === "model") {
        expect(existsSync(modelFile), `${name} loaded but an error was expected:\n${got.text.slice(0, 400)}`).toBe(true);
        expect(JSON.parse(got.text)).toEqual(JSON.parse(readFileSync(modelFile, "utf8")));
      } else {
        expect(existsSync(errorFile), `${name} failed unexpectedly:\n${got.text}`).toBe(true);
        expect(got.text).toBe(readFileSync(errorFile, "utf8"));
      }
    });
  }
});
