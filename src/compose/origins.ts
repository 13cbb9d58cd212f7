/**
 * Where each value of a compose document came from.
 *
 * Positions travel with the data rather than with field paths: after merging several files,
 * applying `extends` or `include`, the same path can hold values from different files, and only
 * the objects themselves know their origin. Each loader run owns one `Origins` table (no module
 * state), keyed by the plain maps and arrays the reader produced; merge and extends copy
 * entry information to the objects they build.
 *
 * A position is kept as one number (`Pos`): a place in the texts the load read, which `where`
 * turns into a file, line and column when a problem is reported. A file of thousands of
 * services has hundreds of thousands of entries, each with a key and a value position; as
 * objects, those positions were about a fifth of what reading it kept in memory until the load's end, and
 * the garbage collector copied and marked them again and again.
 */

export interface Loc {
  file: string;
  line: number;
  column: number;
}

/** A position in one of the load's source texts (see `Origins.source`); never 0. */
export type Pos = number;

/** What is known about one entry (a map key or a sequence item). */
export interface EntryInfo {
  /** Position of the key (maps only). */
  key?: Pos;
  /** Position of the value. */
  value: Pos;
  /** `!override` on this entry: replace instead of merge. */
  override?: boolean;
  /** The value was interpolated from a variable defined in an env file (redacted on output). */
  secret?: boolean;
  /** The value was interpolated from a variable whose name looks secret (never echoed in problems). */
  sensitive?: boolean;
}

export interface NodeInfo {
  loc: Pos;
  entries: Map<string | number, EntryInfo>;
  /** Keys tagged `!reset` in this mapping: removed from what earlier files defined. */
  resets?: Set<string>;
}

export type Path = readonly (string | number)[];

/** Line and column (both from 1) of an offset in a text. */
export type LinePos = (offset: number) => { line: number; col: number };

interface Source {
  /** The position of the text's offset 0. */
  base: Pos;
  file: string;
  linePos: LinePos;
}

export class Origins {
  // A Map, not a WeakMap: the table lives only as long as one load, and a WeakMap of hundreds of
  // thousands of keys (a file of thousands of services) made the garbage collector's work
  // (ephemeron tables) a sixth of the load's CPU time. What it keeps alive is freed with it.
  readonly #info = new Map<object, NodeInfo>();
  /** The texts positions point into, by ascending `base`. */
  readonly #sources: Source[] = [];
  /** The `base` of the next text; positions start at 1, so that a position is never falsy. */
  #next = 1;

  /**
   * Adds a text of `length` characters read from `file`; returns the position of its offset 0
   * (a position in it is that plus the offset). `linePos` turns an offset into a line and column
   * when a problem needs them.
   */
  source(file: string, length: number, linePos: LinePos): Pos {
    const base = this.#next;
    this.#sources.push({ base, file, linePos });
    // The offset just past the end (length) is a position of this text too.
    this.#next = base + length + 1;
    return base;
  }

  /** The file, line and column of a position. */
  where(pos: Pos): Loc {
    const sources = this.#sources;
    let lo = 0;
    let hi = sources.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (sources[mid]!.base <= pos) lo = mid;
      else hi = mid - 1;
    }
    const s = sources[lo]!;
    const p = s.linePos(pos - s.base);
    return { file: s.file, line: p.line, column: p.col };
  }

  register(node: object, loc: Pos): NodeInfo {
    const info: NodeInfo = { loc, entries: new Map() };
    this.#info.set(node, info);
    return info;
  }

  get(node: unknown): NodeInfo | undefined {
    return typeof node === "object" && node !== null ? this.#info.get(node) : undefined;
  }

  entry(node: unknown, key: string | number): EntryInfo | undefined {
    return this.get(node)?.entries.get(key);
  }

  /** Records `entry` for `node[key]`, creating the node's info from `fallback` when missing. */
  setEntry(node: object, key: string | number, entry: EntryInfo | undefined, fallback?: Pos): void {
    if (!entry) return;
    let info = this.#info.get(node);
    if (!info) {
      info = this.register(node, fallback ?? entry.value);
    }
    info.entries.set(key, entry);
  }

  /**
   * Position of the value at `path` under `root`: the deepest position recorded along the path
   * (a missing field is reported where its parent is). `at: "key"` points at the key instead,
   * which is where unknown keys are reported.
   */
  locate(root: unknown, path: Path, at: "value" | "key" = "value"): Loc | undefined {
    let node: unknown = root;
    let best = this.get(root)?.loc;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      const entry = this.entry(node, seg);
      if (!entry) break;
      best = i === path.length - 1 && at === "key" && entry.key !== undefined ? entry.key : entry.value;
      node = childOf(node, seg);
      if (node === undefined) break;
    }
    return best === undefined ? undefined : this.where(best);
  }
}

function childOf(node: unknown, seg: string | number): unknown {
  if (Array.isArray(node) && typeof seg === "number") return node[seg];
  if (typeof node === "object" && node !== null) return (node as Record<string, unknown>)[String(seg)];
  return undefined;
}

/** `services.backend.ports[1]` */
export function formatPath(path: Path): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}
