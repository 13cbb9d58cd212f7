/**
 * A hand-written fast path of phase 1 (read) for the plain block-style YAML most compose files
 * are written in. The `yaml` library builds a full document tree (tokens, nodes, pairs) that
 * read.ts then walks again; for a 5 MB file of thousands of services that was over half of the
 * load time and much of its garbage. This reader builds the plain values and their positions in
 * one pass over the lines.
 *
 * It accepts a deliberately narrow subset: one document of block mappings and sequences;
 * plain keys; plain, single- or double-quoted (without escapes) scalars on one line; one-line
 * flow sequences and mappings of scalars; comments; anchors on mapping values, aliases, merge
 * keys `<<: *a` / `<<: [*a, *b]`, and the `!reset` / `!override` tags. Anything else (block
 * scalars, multi-line scalars, escapes, other tags, duplicate keys, errors of any kind …) makes
 * it give up and return undefined, and the caller reads the file with the `yaml` library
 * instead, so that every problem message and position comes from one place. Where it accepts a
 * file, its values, positions and origins are the library path's exactly (a unit test compares
 * both on the corpus and on tricky snippets).
 */
import type { Origins, Pos } from "./origins.js";

/** Mirrors read.ts's guard against alias bombs: past it, the library path reports the problem. */
const MAX_ALIAS_EXPANSIONS = 100_000;
/** Deeper than any compose file needs; the library path handles (and reports) the rest. */
const MAX_DEPTH = 64;

/** Thrown to give up; caught once at the top. */
class Unsupported extends Error {}
const GIVE_UP = new Unsupported("outside the simple subset");

/** A plain mapping key: starts with a letter, digit or `_`; no spaces, quotes or flow characters. */
const KEY = /[A-Za-z0-9_][A-Za-z0-9_./-]*|<</y;
const NAME = /[A-Za-z0-9_-]+/y;
const TAG = /!(reset|override)(?= |$)/y;

// The YAML 1.2 core schema's scalar tests (the `yaml` library's resolvers).
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const NUMERIC = [
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];
const DECIMAL = /^(?:0|[1-9][0-9]{0,14})$/;
/** read.ts reads a leading-zero integer as octal, as Compose does. */
const OCTAL = /^0[0-7]+$/;
const FLOAT = /^[0-9]{1,15}\.[0-9]{1,15}$/;

interface Anchor {
  value: unknown;
  /** Alias expansions made while reading the anchored value (the library path repeats them per alias). */
  cost: number;
  /** Nesting depth of the anchored value below its own level. */
  height: number;
}

interface Parsed {
  value: unknown;
  loc: Pos;
  /** How deep the value nests below itself (0 for a scalar). */
  height: number;
}

/** The document as plain values with positions in `origins`, or undefined outside the subset. */
export function readSimpleYaml(text: string, file: string, origins: Origins): Record<string, unknown> | undefined {
  // Tabs, carriage returns and a byte-order mark have their own YAML rules: left to the library.
  if (text.includes("\t") || text.includes("\r") || text.charCodeAt(0) === 0xfeff) return undefined;
  try {
    return new SimpleReader(text, file, origins).document();
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}

class SimpleReader {
  readonly #lines: string[];
  /** Offset in the text of each line's first character. */
  readonly #starts: Int32Array;
  /** The position of the text's offset 0 in `origins`. */
  readonly #base: Pos;
  /** Index of the current line. */
  #li = 0;
  readonly #anchors = new Map<string, Anchor>();
  /** Anchors whose value is being read: an alias to one of them is left to the library. */
  readonly #open = new Set<string>();
  #aliases = 0;

  constructor(
    text: string,
    file: string,
    private readonly origins: Origins,
  ) {
    this.#lines = text.split("\n");
    const starts = new Int32Array(this.#lines.length);
    let offset = 0;
    for (let i = 0; i < this.#lines.length; i++) {
      starts[i] = offset;
      offset += this.#lines[i]!.length + 1;
    }
    this.#starts = starts;
    this.#base = origins.source(file, text.length, (at) => linePos(starts, at));
  }

  document(): Record<string, unknown> {
    if (!this.#skipBlank() || indentOf(this.#line()) !== 0) throw GIVE_UP;
    const root = this.#blockMap(0, 0, false);
    if (this.#skipBlank()) throw GIVE_UP;
    return root.value as Record<string, unknown>;
  }

  #line(): string {
    return this.#lines[this.#li]!;
  }

  #loc(line: number, col: number): Pos {
    return this.#base + this.#starts[line]! + col;
  }

  /** Moves to the next line holding content; false at the end of the text. */
  #skipBlank(): boolean {
    const lines = this.#lines;
    while (this.#li < lines.length) {
      const s = lines[this.#li]!;
      const i = indentOf(s);
      if (i < s.length && s.charCodeAt(i) !== 35 /* # */) return true;
      this.#li++;
    }
    return false;
  }

  /**
   * A block mapping whose keys stand at column `col`. With `inline`, the first key is on the
   * current line after a sequence's `- ` (the line's own indentation is smaller).
   */
  #blockMap(col: number, depth: number, inline: boolean): Parsed {
    if (depth > MAX_DEPTH) throw GIVE_UP;
    const out: Record<string, unknown> = {};
    const at = this.#loc(this.#li, col);
    const info = this.origins.register(out, at);
    const merges: { names: string[] }[] = [];
    let height = 1;
    for (let first = true; ; first = false) {
      if (!(first && inline)) {
        if (!this.#skipBlank()) break;
        const ind = indentOf(this.#line());
        if (ind < col) break;
        if (ind > col) throw GIVE_UP;
      }
      const s = this.#line();
      const keyLine = this.#li;
      KEY.lastIndex = col;
      const m = KEY.exec(s);
      if (!m) throw GIVE_UP;
      let p = col + m[0].length;
      if (s.charCodeAt(p) !== 58 /* : */) throw GIVE_UP;
      p++;
      if (p < s.length && s.charCodeAt(p) !== 32) throw GIVE_UP;
      const keyText = m[0];
      if (keyText === "<<") {
        merges.push({ names: this.#mergeSources(s, p) });
        this.#li++;
        continue;
      }
      const key = keyString(keyText);
      if (info.entries.has(key) || info.resets?.has(key)) throw GIVE_UP;
      const keyLoc = this.#loc(keyLine, col);
      const v = this.#mapValue(s, p, col, depth + 1);
      if (v.tag === "!reset") {
        (info.resets ??= new Set()).add(key);
        continue;
      }
      out[key] = v.value;
      info.entries.set(key, { key: keyLoc, value: v.loc, override: v.tag === "!override" || undefined });
      height = Math.max(height, v.height + 1);
    }
    for (const merge of merges) {
      for (const name of merge.names) {
        const value = this.#alias(name, depth + 1).value;
        if (typeof value !== "object" || value === null || Array.isArray(value)) throw GIVE_UP;
        const srcInfo = this.origins.get(value);
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          if (k in out) continue;
          out[k] = v;
          const e = srcInfo?.entries.get(k);
          if (e) info.entries.set(k, e);
        }
      }
    }
    return { value: out, loc: at, height };
  }

  /** `<<: *a` or `<<: [*a, *b]` on the current line from `p`: the anchor names. */
  #mergeSources(s: string, p: number): string[] {
    p = skipSpaces(s, p);
    const names: string[] = [];
    if (s[p] === "*") {
      const name = nameAt(s, p + 1);
      if (!name) throw GIVE_UP;
      names.push(name);
      p += 1 + name.length;
    } else if (s[p] === "[") {
      p = skipSpaces(s, p + 1);
      for (;;) {
        if (s[p] !== "*") throw GIVE_UP;
        const name = nameAt(s, p + 1);
        if (!name) throw GIVE_UP;
        names.push(name);
        p = skipSpaces(s, p + 1 + name.length);
        if (s[p] === "]") break;
        if (s[p] !== ",") throw GIVE_UP;
        p = skipSpaces(s, p + 1);
      }
      p++;
    } else throw GIVE_UP;
    if (!restIsBlank(s, p)) throw GIVE_UP;
    return names;
  }

  /** The value of a mapping entry whose `:` ends before `p` on the current line; moves past it. */
  #mapValue(s: string, p: number, col: number, depth: number): Parsed & { tag?: string } {
    p = skipSpaces(s, p);
    let anchor: string | undefined;
    let tag: string | undefined;
    for (;;) {
      const c = s[p];
      if (c === "&" && anchor === undefined) {
        anchor = nameAt(s, p + 1);
        if (!anchor) throw GIVE_UP;
        p += 1 + anchor.length;
      } else if (c === "!" && tag === undefined) {
        TAG.lastIndex = p;
        const t = TAG.exec(s);
        if (!t) throw GIVE_UP;
        tag = t[0];
        p += tag.length;
      } else break;
      if (p < s.length && s.charCodeAt(p) !== 32) throw GIVE_UP;
      p = skipSpaces(s, p);
    }
    if (anchor !== undefined) this.#open.add(anchor);
    const before = this.#aliases;
    let v: Parsed;
    if (p >= s.length || s[p] === "#") {
      // Nothing more on the line: a nested block on the next lines, or an empty value.
      const emptyAt = this.#loc(this.#li, p);
      this.#li++;
      const more = this.#skipBlank();
      const next = more ? this.#line() : "";
      const ind = more ? indentOf(next) : -1;
      if (ind > col) v = this.#block(ind, depth);
      else if (ind === col && isSeqItem(next, ind)) v = this.#blockSeq(col, depth);
      else v = { value: tag ? "" : null, loc: emptyAt, height: 0 };
    } else {
      if (s[p] === "*") {
        if (anchor !== undefined || tag !== undefined) throw GIVE_UP;
        const name = nameAt(s, p + 1);
        if (!name || !restIsBlank(s, p + 1 + name.length)) throw GIVE_UP;
        v = { ...this.#alias(name, depth), loc: this.#loc(this.#li, p) };
      } else v = this.#inlineValue(s, p, tag !== undefined);
      this.#li++;
    }
    if (anchor !== undefined) {
      this.#open.delete(anchor);
      this.#anchors.set(anchor, { value: v.value, cost: this.#aliases - before, height: v.height });
    }
    return tag ? { ...v, tag } : v;
  }

  /** A block mapping or sequence starting on the current line at column `col`. */
  #block(col: number, depth: number): Parsed {
    return isSeqItem(this.#line(), col) ? this.#blockSeq(col, depth) : this.#blockMap(col, depth, false);
  }

  #blockSeq(col: number, depth: number): Parsed {
    if (depth > MAX_DEPTH) throw GIVE_UP;
    const out: unknown[] = [];
    const at = this.#loc(this.#li, col);
    const info = this.origins.register(out, at);
    let height = 1;
    for (;;) {
      if (!this.#skipBlank()) break;
      const s = this.#line();
      const ind = indentOf(s);
      if (ind < col) break;
      if (ind > col) throw GIVE_UP;
      if (!isSeqItem(s, col)) break;
      const p = skipSpaces(s, col + 1);
      let v: Parsed;
      if (p >= s.length || s[p] === "#") {
        this.#li++;
        if (!this.#skipBlank()) throw GIVE_UP;
        const next = indentOf(this.#line());
        if (next <= col) throw GIVE_UP; // an empty item
        v = this.#block(next, depth + 1);
      } else if (s[p] === "*") {
        const name = nameAt(s, p + 1);
        if (!name || !restIsBlank(s, p + 1 + name.length)) throw GIVE_UP;
        v = { ...this.#alias(name, depth + 1), loc: this.#loc(this.#li, p) };
        this.#li++;
      } else if (startsKey(s, p)) {
        v = this.#blockMap(p, depth + 1, true);
      } else {
        v = this.#inlineValue(s, p, false);
        this.#li++;
      }
      info.entries.set(out.length, { value: v.loc });
      out.push(v.value);
      height = Math.max(height, v.height + 1);
    }
    return { value: out, loc: at, height };
  }

  /** A scalar or one-line flow collection at `p` that ends the line (a comment may follow). */
  #inlineValue(s: string, p: number, tagged: boolean): Parsed {
    const at = this.#loc(this.#li, p);
    const c = s[p]!;
    if (c === '"' || c === "'") {
      const q = quoted(s, p);
      if (!restIsBlank(s, q.end)) throw GIVE_UP;
      return { value: q.value, loc: at, height: 0 };
    }
    if (c === "[" || c === "{") {
      const end = c === "[" ? this.#flowSeq(s, p) : this.#flowMap(s, p);
      if (!restIsBlank(s, end.end)) throw GIVE_UP;
      return { value: end.value, loc: at, height: 1 };
    }
    if (!plainStart(s, p)) throw GIVE_UP;
    let end = s.indexOf(" #", p);
    if (end < 0) end = s.length;
    const text = s.slice(p, end).trimEnd();
    if (text.endsWith(":") || text.includes(": ")) throw GIVE_UP;
    // A tagged plain scalar (`!override 5`) keeps its text: the library leaves an unknown tag unresolved.
    return { value: tagged ? text : resolvePlain(text), loc: at, height: 0 };
  }

  #flowSeq(s: string, open: number): { value: unknown[]; end: number } {
    const out: unknown[] = [];
    const info = this.origins.register(out, this.#loc(this.#li, open));
    let p = skipSpaces(s, open + 1);
    if (s[p] === "]") return { value: out, end: p + 1 };
    for (;;) {
      const item = this.#flowScalar(s, p);
      info.entries.set(out.length, { value: this.#loc(this.#li, p) });
      out.push(item.value);
      p = skipSpaces(s, item.end);
      if (s[p] === "]") return { value: out, end: p + 1 };
      if (s[p] !== ",") throw GIVE_UP;
      p = skipSpaces(s, p + 1);
      if (s[p] === "]") throw GIVE_UP; // a trailing comma
    }
  }

  #flowMap(s: string, open: number): { value: Record<string, unknown>; end: number } {
    const out: Record<string, unknown> = {};
    const info = this.origins.register(out, this.#loc(this.#li, open));
    let p = skipSpaces(s, open + 1);
    if (s[p] === "}") return { value: out, end: p + 1 };
    for (;;) {
      KEY.lastIndex = p;
      const m = KEY.exec(s);
      if (!m || m[0] === "<<") throw GIVE_UP;
      const keyAt = p;
      p += m[0].length;
      if (s[p] !== ":" || s[p + 1] !== " ") throw GIVE_UP;
      const key = keyString(m[0]);
      if (info.entries.has(key)) throw GIVE_UP;
      p = skipSpaces(s, p + 1);
      const item = this.#flowScalar(s, p);
      out[key] = item.value;
      info.entries.set(key, { key: this.#loc(this.#li, keyAt), value: this.#loc(this.#li, p), override: undefined });
      p = skipSpaces(s, item.end);
      if (s[p] === "}") return { value: out, end: p + 1 };
      if (s[p] !== ",") throw GIVE_UP;
      p = skipSpaces(s, p + 1);
      if (s[p] === "}") throw GIVE_UP;
    }
  }

  /** A quoted or plain scalar inside a flow collection. */
  #flowScalar(s: string, p: number): { value: unknown; end: number } {
    const c = s[p];
    if (c === '"' || c === "'") return quoted(s, p);
    if (!plainStart(s, p)) throw GIVE_UP;
    let end = p;
    while (end < s.length) {
      const ch = s[end]!;
      if (ch === "," || ch === "]" || ch === "}") break;
      if (ch === "[" || ch === "{" || ch === "#" || ch === '"' || ch === "'") throw GIVE_UP;
      // `a: b` inside a flow sequence is a one-pair mapping; a `:` inside a word is text.
      if (ch === ":" && (end + 1 >= s.length || " ,]}".includes(s[end + 1]!))) throw GIVE_UP;
      end++;
    }
    if (end >= s.length) throw GIVE_UP; // not closed on this line
    const text = s.slice(p, end).trimEnd();
    if (text === "") throw GIVE_UP;
    return { value: resolvePlain(text), end };
  }

  /** An independent copy of the anchored value, with its own positions, as the library path's re-read gives. */
  #alias(name: string, depth: number): { value: unknown; height: number } {
    const anchor = this.#anchors.get(name);
    if (!anchor || this.#open.has(name)) throw GIVE_UP;
    this.#aliases += 1 + anchor.cost;
    if (this.#aliases > MAX_ALIAS_EXPANSIONS || depth + anchor.height > MAX_DEPTH) throw GIVE_UP;
    return { value: this.#copy(anchor.value), height: anchor.height };
  }

  #copy(v: unknown): unknown {
    if (typeof v !== "object" || v === null) return v;
    const info = this.origins.get(v)!;
    let out: unknown[] | Record<string, unknown>;
    if (Array.isArray(v)) out = v.map((x) => this.#copy(x));
    else {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(v)) o[k] = this.#copy((v as Record<string, unknown>)[k]);
      out = o;
    }
    const copy = this.origins.register(out, info.loc);
    for (const [k, e] of info.entries) copy.entries.set(k, { ...e });
    if (info.resets) copy.resets = new Set(info.resets);
    return out;
  }
}

/** Line and column (from 1) of an offset, given the offsets where lines start. */
function linePos(starts: Int32Array, offset: number): { line: number; col: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - starts[lo]! + 1 };
}

function indentOf(s: string): number {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) === 32) i++;
  return i;
}

function skipSpaces(s: string, p: number): number {
  while (p < s.length && s.charCodeAt(p) === 32) p++;
  return p;
}

/** Only spaces, then the end of the line or a comment, from `p`. */
function restIsBlank(s: string, p: number): boolean {
  if (p < s.length && s.charCodeAt(p) !== 32) return false;
  p = skipSpaces(s, p);
  return p >= s.length || s[p] === "#";
}

function isSeqItem(s: string, col: number): boolean {
  return s[col] === "-" && (col + 1 >= s.length || s[col + 1] === " ");
}

/** A plain key followed by `:` and a space or the end of the line at `p`. */
function startsKey(s: string, p: number): boolean {
  KEY.lastIndex = p;
  const m = KEY.exec(s);
  if (!m) return false;
  const after = p + m[0].length;
  return s[after] === ":" && (after + 1 >= s.length || s[after + 1] === " ");
}

function nameAt(s: string, p: number): string | undefined {
  NAME.lastIndex = p;
  const m = NAME.exec(s);
  if (!m) return undefined;
  const end = p + m[0].length;
  // An anchor or alias name ends at a space, the line's end, or (in a flow list) `,` / `]`.
  if (end < s.length && !" ,]".includes(s[end]!)) return undefined;
  return m[0];
}

/** Whether a plain scalar may start at `p` (no indicator that means something else). */
function plainStart(s: string, p: number): boolean {
  const c = s[p];
  if (c === undefined || "[]{},#&*!|>'\"%@`".includes(c)) return false;
  if (c === "-" || c === "?" || c === ":") {
    const n = s[p + 1];
    return n !== undefined && n !== " ";
  }
  return true;
}

/** A quoted scalar at `p` closed on the same line; escapes are left to the library. */
function quoted(s: string, p: number): { value: string; end: number } {
  const q = s[p]!;
  if (q === '"') {
    const close = s.indexOf('"', p + 1);
    if (close < 0) throw GIVE_UP;
    const value = s.slice(p + 1, close);
    if (value.includes("\\")) throw GIVE_UP;
    return { value, end: close + 1 };
  }
  let value = "";
  let i = p + 1;
  for (;;) {
    const close = s.indexOf("'", i);
    if (close < 0) throw GIVE_UP;
    value += s.slice(i, close);
    if (s[close + 1] === "'") {
      value += "'";
      i = close + 2;
    } else return { value, end: close + 1 };
  }
}

/** A plain scalar's value under the core schema, as read.ts gives it (leading-zero integers octal). */
function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  if (c === 110 || c === 78 || c === 126 || c === 116 || c === 84 || c === 102 || c === 70) {
    // n N ~ t T f F
    if (NULL.test(s)) return null;
    if (BOOL.test(s)) return c === 116 || c === 84;
    return s;
  }
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    // a digit + - .
    if (DECIMAL.test(s)) return parseInt(s, 10);
    if (OCTAL.test(s)) return parseInt(s, 8);
    if (FLOAT.test(s)) return parseFloat(s);
    if (NUMERIC.some((r) => r.test(s))) throw GIVE_UP;
  }
  return s;
}

/** A plain key's text as read.ts's keyToString gives it; a key that would read as another text is left to the library. */
function keyString(text: string): string {
  if (NULL.test(text) || (BOOL.test(text) && text !== "true" && text !== "false")) throw GIVE_UP;
  const c = text.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
    if (DECIMAL.test(text)) return text;
    if (NUMERIC.some((r) => r.test(text))) throw GIVE_UP;
  }
  return text;
}
