/**
 * The compiled schema predicate (schema-check.ts) against zod: validateFile takes the
 * predicate's "valid" for zod's answer, so on every file the predicate accepts, zod (through the
 * validator's reporting, which ignores unknown `x-` keys) must report nothing. Run on the whole
 * compose corpus (every YAML file under test/fixtures, every compose-go merge case), on broken
 * variants of each (every value replaced by values of other types, keys removed, unknown and
 * `x-` keys added), and on every key of the Compose Specification with values of every type.
 * The two must agree both ways: a file zod finds valid that the predicate refuses would only be
 * slower, but would mean the predicate no longer follows the schema.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { interpolateTree } from "../../../src/compose/interpolate.js";
import { Origins } from "../../../src/compose/origins.js";
import { Problems } from "../../../src/compose/problems.js";
import { readYaml } from "../../../src/compose/read.js";
import { compileCheck } from "../../../src/compose/schema-check.js";
import { RawCompose } from "../../../src/compose/schema-project.js";
import { validateFile, validateWithZod } from "../../../src/compose/validate.js";

const FIXTURES = resolve(__dirname, "../../fixtures");
const CONFORMANCE = resolve(__dirname, "conformance");

type Doc = Record<string, unknown>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) return yamlFiles(p);
      return /\.ya?ml$/.test(name) ? [p] : [];
    });
}

/** The documents of a text as validateFile sees them: read and interpolated (unset variables empty). */
function documents(text: string, file: string): Doc[] {
  const origins = new Origins();
  const problems = new Problems();
  const docs = readYaml(text, file, origins, problems) ?? [];
  for (const d of docs) interpolateTree(d, () => ({ value: undefined, secret: false }), origins, problems);
  return docs;
}

function corpus(): { name: string; doc: Doc }[] {
  const out: { name: string; doc: Doc }[] = [];
  for (const file of yamlFiles(FIXTURES)) {
    documents(readFileSync(file, "utf8"), file).forEach((doc, i) => out.push({ name: `${file.slice(FIXTURES.length + 1)}#${i}`, doc }));
  }
  const merge = JSON.parse(readFileSync(join(CONFORMANCE, "compose-go-merge.json"), "utf8")) as { cases: { name: string; base: string; override: string }[] };
  for (const c of merge.cases) {
    for (const part of ["base", "override"] as const) {
      documents(c[part], `${c.name}.yaml`).forEach((doc, i) => out.push({ name: `${c.name} ${part}#${i}`, doc }));
    }
  }
  return out;
}

const check = compileCheck(RawCompose);

/** What zod says through the validator: nothing to report (the file goes on unchanged). */
function zodQuiet(doc: Doc): boolean {
  const problems = new Problems();
  const r = validateWithZod(structuredClone(doc), new Origins(), problems);
  return problems.size === 0 && r.excluded.length === 0 && r.doc !== undefined;
}

/** Values of every kind the readers produce, including ones zod's number refuses. */
const REPLACEMENTS: unknown[] = [
  "text",
  "",
  "1s",
  "all",
  "8080:80",
  7,
  -1,
  1.5,
  Infinity,
  NaN,
  true,
  null,
  [],
  ["a"],
  [1],
  [{}],
  {},
  { k: "v" },
  { "x-k": 1 },
  { name: "n" },
];

/** Every node of `doc` as a path, the root first. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

function parentOf(doc: Doc, path: (string | number)[]): Record<string | number, unknown> {
  let node: unknown = doc;
  for (const seg of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[seg];
  return node as Record<string | number, unknown>;
}

type Edit = [how: string, edit: (parent: Record<string | number, unknown>, key: string | number, node: unknown) => void];

/** The edits of one node: replaced by each kind of value, removed, or given an extra key or item. */
function editsOf(path: (string | number)[], value: unknown): Edit[] {
  const edits: Edit[] = [];
  if (path.length > 0) {
    for (const r of REPLACEMENTS) edits.push([`= ${JSON.stringify(r)}`, (p, k) => (p[k] = structuredClone(r))]);
    edits.push(["removed", (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k])]);
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    edits.push(["+ x-extra", (_p, _k, node) => ((node as Doc)["x-extra"] = { a: 1 })]);
    edits.push(["+ bogus", (_p, _k, node) => ((node as Doc).bogus = 1)]);
  }
  if (Array.isArray(value)) {
    edits.push(["+ item", (_p, _k, node) => (node as unknown[]).push("item")]);
    edits.push(["+ {}", (_p, _k, node) => (node as unknown[]).push({})]);
  }
  return edits;
}

/** About `count` broken (and some still valid) variants of `doc`, spread evenly over all its possible edits. */
function* variants(doc: Doc, count: number): Generator<{ how: string; doc: Doc }> {
  const all = paths(doc).flatMap((path) => editsOf(path, path.length === 0 ? doc : parentOf(doc, path)[path[path.length - 1]!]).map((e) => [path, e] as const));
  const step = Math.max(1, all.length / count);
  for (let i = 0; i < all.length; i += step) {
    const [path, [how, edit]] = all[Math.floor(i)]!;
    const copy = structuredClone(doc);
    const parent = path.length === 0 ? { root: copy } : parentOf(copy, path);
    const key = path.length === 0 ? "root" : path[path.length - 1]!;
    edit(parent, key, parent[key]);
    yield { how: `${path.join(".") || "(root)"} ${how}`, doc: copy };
  }
}

describe("the compiled schema predicate agrees with zod", () => {
  const docs = corpus();

  it("compiles the whole compose schema", () => {
    expect(() => compileCheck(RawCompose)).not.toThrow();
  });

  it(`on the corpus (${docs.length} documents)`, () => {
    expect(docs.length).toBeGreaterThan(100);
    const differ = docs.filter((d) => check(d.doc) !== zodQuiet(d.doc)).map((d) => `${d.name}: predicate ${check(d.doc)}`);
    expect(differ).toEqual([]);
  });

  it("on broken variants of every corpus document", () => {
    const differ: string[] = [];
    let total = 0;
    let valid = 0;
    for (const d of docs) {
      for (const v of variants(d.doc, 30)) {
        total++;
        const quiet = zodQuiet(v.doc);
        if (quiet) valid++;
        if (check(v.doc) !== quiet) differ.push(`${d.name} ${v.how}: zod ${quiet ? "valid" : "invalid"}`);
      }
    }
    expect(differ.slice(0, 20)).toEqual([]);
    // Both answers occur often: the variants test the predicate, not one of its branches.
    expect(total).toBeGreaterThan(4000);
    expect(valid).toBeGreaterThan(total / 10);
    expect(total - valid).toBeGreaterThan(total / 10);
  });

  it("on every key of the Compose Specification with a value of every kind", () => {
    const spec = JSON.parse(readFileSync(join(CONFORMANCE, "compose-spec-keys.json"), "utf8")) as { keys: string[] };
    const differ: string[] = [];
    for (const key of spec.keys) {
      const path = key.split(" ").map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      for (const r of REPLACEMENTS) {
        const doc: Doc = {};
        let node: Record<string | number, unknown> = doc;
        path.forEach((seg, i) => {
          const next = path[i + 1];
          node[seg] = i === path.length - 1 ? structuredClone(r) : typeof next === "number" ? [] : {};
          node = node[seg] as Record<string | number, unknown>;
        });
        const quiet = zodQuiet(doc);
        if (check(doc) !== quiet) differ.push(`${key} = ${JSON.stringify(r)}: zod ${quiet ? "valid" : "invalid"}`);
      }
    }
    expect(differ.slice(0, 20)).toEqual([]);
  });

  it("is what validateFile uses: a valid file does not reach zod", () => {
    const valid = docs.find((d) => zodQuiet(d.doc) && Object.keys(d.doc).some((k) => k.startsWith("x-")))!;
    const parse = vi.spyOn(RawCompose, "safeParse");
    try {
      const r = validateFile(structuredClone(valid.doc), new Origins(), new Problems());
      expect(r.excluded).toEqual([]);
      expect(parse).not.toHaveBeenCalled();
      validateFile({ services: { a: { image: 1 } } }, new Origins(), new Problems());
      expect(parse).toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });
});
