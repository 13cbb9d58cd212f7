/**
 * Phase 3, validate: checks one interpolated file against the raw schema and turns zod's
 * issues into positioned problems a user can act on — the file, line and column, the field
 * path, what was expected and what was found, and a did-you-mean for unknown keys. Union
 * failures are reported for the alternative whose type matches the value, not as a vague
 * "invalid input". The parts of the file with a problem are removed from it (see excluded.ts),
 * so the rest is checked by the later phases in the same run.
 */
import type { z } from "zod";
import { suggest } from "./did-you-mean.js";
import { exclusionOf, removeExclusion } from "./excluded.js";
import type { Origins, Path } from "./origins.js";
import type { Problems } from "./problems.js";
import { compileCheck, UnsupportedSchema, type Check } from "./schema-check.js";
import { RawCompose } from "./schema-project.js";
import { UNKNOWN_KEYS_MARK } from "./schema-parts.js";

type Issue = z.core.$ZodIssue;

/** Records one problem at a path under the validated document. */
type Report = (path: Path, message: string, hint?: string, at?: "value" | "key") => void;

export interface Validated {
  /**
   * The file without its excluded parts (see excluded.ts), valid against the schema; undefined
   * only if removing them did not make it valid (the file is then unusable as a whole).
   */
  doc: RawCompose | undefined;
  /** What was removed because it has a problem here or in `failed`, as `exclusionOf` paths. */
  excluded: Path[];
}

/**
 * Validates `root` (one file) and removes from it, in place, each named entry or top-level key
 * that has a problem, so the rest can go on to the later phases. `failed` are the paths whose
 * interpolation failed (already reported): they are removed too, and the schema's complaints
 * about their uninterpolated text are not reported a second time.
 */
export function validateFile(root: Record<string, unknown>, origins: Origins, problems: Problems, failed: readonly Path[] = []): Validated {
  // A file the schema's compiled predicate accepts is one in which zod finds nothing to report
  // (schema-check.ts says why it exists and how it is kept equal): the result zod would give.
  if (failed.length === 0 && fastCheck()(root)) return { doc: root, excluded: [] };
  return validateWithZod(root, origins, problems, failed);
}

/** validateFile without the fast path: zod's parse, its issues made into problems. */
export function validateWithZod(root: Record<string, unknown>, origins: Origins, problems: Problems, failed: readonly Path[] = []): Validated {
  const result = RawCompose.safeParse(root);
  const reported: Path[] = [...failed];
  if (!result.success) {
    const at: Report = (path, message, hint, where) => {
      if (failed.some((f) => startsWith(path, f))) return;
      reported.push(path);
      problems.atPath(origins, root, path, message, hint, where);
    };
    for (const issue of result.error.issues) report(issue, [], root, at);
  }
  // Only ignorable issues (unknown `x-` keys) and no failed interpolation: the input is valid as written.
  if (reported.length === 0) return { doc: root, excluded: [] };
  const excluded = uniquePaths(reported.map(exclusionOf));
  for (const e of excluded) removeExclusion(root, e);
  const again = RawCompose.safeParse(root);
  let left = 0;
  if (!again.success) for (const issue of again.error.issues) report(issue, [], root, () => left++);
  return { doc: left === 0 ? root : undefined, excluded };
}

let compiled: Check | undefined;
/**
 * RawCompose's predicate, compiled on first use (a process that loads no file pays nothing). A
 * schema it cannot compile turns the fast path off (zod checks every file); a unit test keeps
 * the compose schema compilable.
 */
function fastCheck(): Check {
  if (compiled) return compiled;
  try {
    compiled = compileCheck(RawCompose);
  } catch (e) {
    if (!(e instanceof UnsupportedSchema)) throw e;
    compiled = () => false;
  }
  return compiled;
}

function startsWith(path: Path, prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);
}

function uniquePaths(paths: Path[]): Path[] {
  const seen = new Map<string, Path>();
  for (const p of paths) seen.set(JSON.stringify(p), p);
  return [...seen.values()];
}

function report(issue: Issue, prefix: Path, root: unknown, at: Report): void {
  const path = [...prefix, ...(issue.path as (string | number)[])];
  const value = valueAt(root, path);
  // A required key that is absent fails as a type, a union or an enum issue alike: say so in words.
  if (value === undefined && path.length > 0 && (issue.code === "invalid_type" || issue.code === "invalid_union" || issue.code === "invalid_value")) {
    const key = String(path[path.length - 1]);
    at(path, `missing required key "${key}"`, `add ${key}: to this mapping`);
    return;
  }
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = issue.message.startsWith(UNKNOWN_KEYS_MARK) ? issue.message.slice(UNKNOWN_KEYS_MARK.length).split(",") : [];
      for (const key of issue.keys) {
        if (key.startsWith("x-")) continue;
        const close = suggest(key, allowed);
        const hint = close ? `did you mean "${close}"?` : allowed.length > 0 ? `allowed keys: ${allowed.join(", ")}` : undefined;
        at([...path, key], `unknown key "${key}"`, hint, "key");
      }
      return;
    }
    case "invalid_union": {
      // The types the other alternatives wanted; `null` stands for an empty section (`services:`
      // with nothing under it) and is not worth naming beside others.
      const types = [
        ...new Set(
          issue.errors.flatMap((b) =>
            b.filter((i) => i.code === "invalid_type" && i.path.length === 0).map((i) => describeExpected((i as { expected: string }).expected)),
          ),
        ),
      ];
      const named = types.length > 1 ? types.filter((e) => e !== "null") : types;
      const branch = pickBranch(issue.errors, value);
      const only = branch?.length === 1 ? branch[0]! : undefined;
      // A value of the right type but not an allowed one (`gpus: some`): name the other forms too.
      if (only?.code === "invalid_value" && only.path.length === 0 && named.length > 0) {
        at(path, `invalid value ${describeValue(value)}: expected ${joinOr([...only.values.map((v) => JSON.stringify(v)), ...named])}`);
        return;
      }
      if (branch) {
        for (const sub of branch) report(sub, path, root, at);
        return;
      }
      // A union with a message of its own says what it expects in words (see schema-parts.ts).
      if (!issue.message.startsWith("Invalid input")) {
        at(path, `${issue.message}, got ${describeValue(value)}`);
        return;
      }
      at(path, `expected ${joinOr(named)}, got ${describeValue(value)}`);
      return;
    }
    case "invalid_type": {
      const msg = issue.message.startsWith("Invalid input") ? `expected ${describeExpected(issue.expected)}, got ${describeValue(value)}` : issue.message;
      at(path, msg);
      return;
    }
    case "invalid_value": {
      const values = issue.values.map((v) => JSON.stringify(v));
      at(path, `invalid value ${describeValue(value)}: expected ${values.length === 1 ? values[0] : `one of ${values.join(", ")}`}`);
      return;
    }
    case "invalid_key": {
      const key = path[path.length - 1];
      const detail = issue.issues[0]?.message ?? issue.message;
      at(path, `invalid name "${String(key)}": ${detail}`, undefined, "key");
      return;
    }
    case "custom": {
      const hint = (issue.params as { hint?: string } | undefined)?.hint;
      at(path, issue.message, hint);
      return;
    }
    case "invalid_format":
      at(path, `invalid value ${describeValue(value)}: ${issue.message}`);
      return;
    default:
      at(path, issue.message);
  }
}

/** The union alternative that failed for a reason other than the value's type. */
function pickBranch(branches: Issue[][], value: unknown): Issue[] | undefined {
  const typed = branches.filter((b) => !b.some((i) => i.path.length === 0 && i.code === "invalid_type"));
  if (typed.length === 0) return undefined;
  // Prefer a branch whose failure lies deeper in the value (it matched the outer shape).
  typed.sort((a, b) => depth(b) - depth(a));
  void value;
  return typed[0];
}

function depth(b: Issue[]): number {
  return Math.max(0, ...b.map((i) => i.path.length + (i.code === "invalid_union" ? 1 : 0)));
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const seg of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

export function describeValue(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return `"${v.length > 60 ? `${v.slice(0, 57)}...` : v}"`;
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${String(v)}`;
  return typeof v; // parsed YAML has no other kind of value
}

function describeExpected(e: string): string {
  switch (e) {
    case "array":
      return "a list";
    case "object":
    case "record":
    case "map":
      return "a mapping";
    case "string":
      return "a string";
    case "number":
      return "a number";
    case "int":
      return "a whole number";
    case "boolean":
      return "a boolean";
    default:
      return e;
  }
}

function joinOr(items: string[]): string {
  if (items.length <= 1) return items[0] ?? "another value";
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}
