/**
 * Collects every problem of a load so they are reported together, in file/line order, as one
 * COMPOSE_INVALID error, instead of one per run.
 */
import { isAbsolute, relative } from "node:path";
import { BerthError, formatProblem, type SourceProblem } from "../errors.js";
import { formatPath, type Loc, type Origins, type Path } from "./origins.js";

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

  /** A problem about the value at `path` under `root`, positioned through `origins`. */
  atPath(origins: Origins, root: unknown, path: Path, message: string, hint?: string, at: "value" | "key" = "value"): void {
    const loc = origins.locate(root, path, at);
    this.at(loc, path, message, hint);
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
