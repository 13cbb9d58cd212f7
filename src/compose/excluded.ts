/**
 * What a load leaves out of its later phases because it already has a problem, so that
 * independent problems are reported together and each only once.
 *
 * A named entry (a service, network, volume, secret, config or model) with a schema or
 * interpolation problem, or a service whose `extends` failed, is removed from the merged project
 * before normalize and the semantic checks; references to it (`depends_on`, `networks:`, …) are
 * then not reported as unknown, and it produces no follow-on problems of its own. A problem in
 * another top-level key (`name`, `version`, an unknown key) removes that key.
 *
 * When a part of the project could not be read at all (a file with a YAML syntax error, an
 * unreadable or empty file, a failed `include`), the project is `incomplete`: what that part
 * declares is unknown, so the project-level phases do not run.
 */
import type { Path } from "./origins.js";

const SECTIONS: readonly string[] = ["services", "networks", "volumes", "secrets", "configs", "models"];

type Dict = Record<string, unknown>;

/** The part of a document that a problem at `path` takes out: a whole named entry, or a top-level key. */
export function exclusionOf(path: Path): Path {
  const [top, name] = path;
  if (top === undefined) return [];
  return SECTIONS.includes(String(top)) && name !== undefined ? [top, name] : [top];
}

/** Deletes the part `exclusion` (from `exclusionOf`) from a document, in place. */
export function removeExclusion(doc: Dict, exclusion: Path): void {
  const [top, name] = exclusion;
  if (top === undefined) return;
  if (name === undefined) {
    delete doc[top];
    return;
  }
  const section = doc[top];
  if (typeof section === "object" && section !== null && !Array.isArray(section)) delete (section as Dict)[name];
}

/** Whether `exclusions` (of one file) take out the service `name`. */
export function excludesService(exclusions: readonly Path[], name: string): boolean {
  return exclusions.some((p) => p[0] === "services" && (p.length === 1 || p[1] === name));
}

/** The exclusions of a whole project (all its files, includes and extends). */
export class Exclusions {
  /** Section → excluded names, or "all" when the section itself was invalid. */
  readonly #names = new Map<string, Set<string> | "all">();
  /** A part of the project could not be read: project-level checks would be guesses. */
  incomplete = false;

  add(path: Path): void {
    const [top, name] = exclusionOf(path);
    if (top === undefined || top === "include") {
      this.incomplete = true;
      return;
    }
    const section = String(top);
    if (!SECTIONS.includes(section)) return;
    const names = this.#names.get(section);
    if (name === undefined) this.#names.set(section, "all");
    else if (names === undefined) this.#names.set(section, new Set([String(name)]));
    else if (names !== "all") names.add(String(name));
  }

  /** Whether the entry `name` of `section` was excluded (so a reference to it is not "unknown"). */
  has(section: string, name: string): boolean {
    const names = this.#names.get(section);
    return names === "all" || names?.has(name) === true;
  }

  /** The excluded names of `section` (none when the whole section was excluded: its names are unknown). */
  names(section: string): string[] {
    const names = this.#names.get(section);
    return names === undefined || names === "all" ? [] : [...names];
  }

  /** Removes the excluded entries from a merged document, in place. */
  removeFrom(doc: Dict): void {
    for (const [section, names] of this.#names) {
      if (names === "all") removeExclusion(doc, [section]);
      else for (const name of names) removeExclusion(doc, [section, name]);
    }
  }
}
