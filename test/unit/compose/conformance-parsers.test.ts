/**
 * compose-go's interpolation and dotenv test tables (template/template_test.go,
 * interpolation/interpolation_test.go, dotenv/*_test.go and dotenv/fixtures; Apache-2.0, see
 * conformance/README.md), ported as data and run against berth's own parsers.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseEnvFile } from "../../../src/compose/env-file.js";
import { interpolateString, type Lookup } from "../../../src/compose/interpolate.js";
import { conformanceSummary } from "./conformance-helpers.js";

const data = (name: string) => JSON.parse(readFileSync(join(import.meta.dirname, "conformance", name), "utf8"));

interface InterpCase {
  template: string;
  expected?: string;
  error?: string;
}
const interp = data("compose-go-interpolation.json") as { tables: { source: string; env: Record<string, string>; cases: InterpCase[] }[] };
const interpSummary = conformanceSummary("compose-go interpolation tables (template_test.go, interpolation_test.go)");

/** The value, or "error: <message>". */
function substitute(template: string, env: Record<string, string>): string {
  const lookup: Lookup = (n) => ({ value: Object.hasOwn(env, n) ? env[n] : undefined, secret: false });
  try {
    return interpolateString(template, lookup).value;
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

describe("interpolation conformance with compose-go", () => {
  afterAll(() => interpSummary.print());
  for (const table of interp.tables) {
    table.cases.forEach((c, i) => {
      it(`${table.source} #${i + 1}: ${c.template}`, () => {
        const got = substitute(c.template, table.env);
        const ok =
          c.error !== undefined
            ? got.startsWith("error: ") && (c.error === "invalid" ? got.includes("invalid interpolation") : got.includes(c.error))
            : got === c.expected;
        interpSummary.record(`${table.source} ${c.template}`, ok);
        if (c.error !== undefined) expect(got).toMatch(/^error: /);
        else expect(got).toBe(c.expected);
        expect(ok).toBe(true);
      });
    });
  }
});

const dotenv = data("compose-go-dotenv.json") as {
  parsing: { input: string; expect: Record<string, string> }[];
  files: { name: string; input: string; expect: Record<string, string>; env?: Record<string, string> }[];
  errors: { input: string; error: string }[];
};
const dotenvSummary = conformanceSummary("compose-go dotenv tables (godotenv_test.go, parser_test.go, fixtures)");

function parse(input: string, env: Record<string, string> = {}) {
  return parseEnvFile(input, (n) => (Object.hasOwn(env, n) ? env[n] : undefined));
}

describe("dotenv conformance with compose-go", () => {
  afterAll(() => dotenvSummary.print());
  for (const c of dotenv.parsing) {
    it(`TestParsing ${JSON.stringify(c.input)}`, () => {
      const r = parse(c.input);
      const got = { values: Object.fromEntries(r.values), problems: r.problems.map((p) => p.message) };
      const want = { values: c.expect, problems: [] };
      dotenvSummary.record(`parse ${c.input}`, JSON.stringify(got) === JSON.stringify(want));
      expect(got).toEqual(want);
    });
  }
  for (const c of dotenv.files) {
    it(c.name, () => {
      const r = parse(c.input, c.env);
      const got = { values: Object.fromEntries(r.values), problems: r.problems.map((p) => p.message) };
      const want = { values: c.expect, problems: [] };
      dotenvSummary.record(c.name, JSON.stringify(got) === JSON.stringify(want));
      expect(got).toEqual(want);
    });
  }
  for (const c of dotenv.errors) {
    it(`rejects ${JSON.stringify(c.input)}`, () => {
      const messages = parse(c.input).problems.map((p) => p.message);
      const ok = messages.some((m) => m.includes(c.error));
      dotenvSummary.record(`error ${c.input}`, ok);
      expect(messages.join("\n")).toContain(c.error);
    });
  }
});
