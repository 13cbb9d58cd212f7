/**
 * Collects every problem of a load so they are reported together, in file/line order, as one
 * COMPOSE_INVALID error, instead of one per run.
 */
import { isAbsolute, relative } from "node:path";
import { BerthError, formatProblem, type SourceProblem } from "../errors.js";
import { formatPath, type Loc, type Origins, type Path } from "./origins.js";
import { isSecretName, maskValueIn } from "./secrets-mask.js";

export class Problems {
  readonly list: SourceProblem[] = [];

  add(problem: SourceProblem): void {
    this.list.push(problem);
  }

  /** A problem at a location (possibly unknown) with a field path. */
  at(loc: Loc | undefined, path: Path | undefined, message: string, hint?: string, fallbackFile = "?"): void {
    const p: SourceProblem = { file: loc?.file ?? fallbackFile, message };
    if (loc) {
      p.line = loc.line;
      p.column = loc.column;
    }
    if (path && path.length > 0) p.path = formatPath(path);
    if (hint) p.hint = hint;
    this.add(p);
  }

  /**
   * A problem about the value at `path` under `root`, positioned through `origins`. A secret
   * value (interpolated from an env file or a secret-looking variable, or under a secret-looking
   * key) is masked in the message: problems end up in CI logs.
   */
  atPath(origins: Origins, root: unknown, path: Path, message: string, hint?: string, at: "value" | "key" = "value"): void {
    const loc = origins.locate(root, path, at);
    const secret = secretValueAt(origins, root, path);
    const mask = (text: string) => (secret === undefined ? text : maskValueIn(text, secret));
    this.at(loc, path, mask(message), hint === undefined ? undefined : mask(hint));
  }

  get size(): number {
    return this.list.length;
  }

  /** Throws one COMPOSE_INVALID error carrying every problem, if there are any. */
  throwIfAny(displayBase?: string): void {
    if (this.list.length === 0) return;
    const shown = displayBase ? this.list.map((p) => ({ ...p, file: displayPath(p.file, displayBase) })) : this.list;
    const sorted = sortProblems(dedupe(shown));
    const head = sorted.slice(0, 20).map(formatProblem).join("\n  ");
    const more = sorted.length > 20 ? `\n  … and ${sorted.length - 20} more` : "";
    const noun = sorted.length === 1 ? "problem" : "problems";
    throw new BerthError("COMPOSE_INVALID", `invalid compose project: ${sorted.length} ${noun}:\n  ${head}${more}`, {
      problems: sorted,
      hint: sorted.length === 1 ? sorted[0]!.hint : "fix the problems listed above",
    });
  }
}

/** The value at `path` as text when it must not be echoed; undefined when it may be shown. */
function secretValueAt(origins: Origins, root: unknown, path: Path): string | undefined {
  if (path.length === 0) return undefined;
  let parent = root;
  for (const seg of path.slice(0, -1)) {
    if (typeof parent !== "object" || parent === null) return undefined;
    parent = (parent as Record<string | number, unknown>)[seg];
  }
  if (typeof parent !== "object" || parent === null) return undefined;
  const last = path[path.length - 1]!;
  const value = (parent as Record<string | number, unknown>)[last];
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const secretKey = typeof last === "string" && last !== "secrets" && isSecretName(last);
  const entry = origins.entry(parent, last);
  return secretKey || entry?.secret === true || entry?.sensitive === true ? String(value) : undefined;
}

export function sortProblems(list: SourceProblem[]): SourceProblem[] {
  return [...list].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      (a.path ?? "").localeCompare(b.path ?? "") ||
      a.message.localeCompare(b.message),
  );
}

function dedupe(list: SourceProblem[]): SourceProblem[] {
  const seen = new Set<string>();
  return list.filter((p) => {
    const k = formatProblem(p);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Paths inside the working directory are shown relative to it, as users typed them. */
export function displayPath(file: string, base: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(base, file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}
