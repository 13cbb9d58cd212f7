/**
 * Phase 1, read: YAML text → plain JS values with positions.
 *
 * We walk the `yaml` AST ourselves instead of calling `toJS()` so that every map and sequence
 * gets its source position recorded in `Origins`, and so that Compose's own YAML dialect is
 * handled here and nowhere else: anchors and aliases (expanded into independent copies), merge
 * keys `<<` (explicit keys win; among merged maps the first wins, as in YAML 1.1), and the
 * `!reset` / `!override` tags that steer merging of several files.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from "yaml";
import type { Loc, NodeInfo, Origins, Pos } from "./origins.js";
import type { Problems } from "./problems.js";
import { readSimpleYaml } from "./read-simple.js";
import { scalarText } from "./scalar-text.js";

/** Guards against alias bombs ("billion laughs"). */
const MAX_ALIAS_EXPANSIONS = 100_000;
/** Deeper documents are refused with a message rather than a stack overflow. */
const MAX_DEPTH = 500;
const TOO_DEEP_HINT = "a compose file needs only a few levels of nesting; check for a generated or corrupted file";

export type Raw = Record<string, unknown>;

interface Walk {
  doc: Document;
  file: string;
  lines: LineCounter;
  origins: Origins;
  problems: Problems;
  aliases: number;
  /** The position of the text's offset 0 in `origins`. */
  base: Pos;
  /** A too-deep nesting was reported (once). */
  tooDeep?: boolean;
  /** Anchored nodes by name, in document order (`Alias.resolve` would rescan the document per alias). */
  anchors: Map<string, Node[]>;
}

/**
 * Parses one compose file into its documents (a file may hold several, separated by `---`;
 * Compose merges them in order like several files). Returns undefined (with problems
 * recorded) when it cannot be read as YAML.
 */
export function readYaml(text: string, file: string, origins: Origins, problems: Problems): Raw[] | undefined {
  // Plain block-style files take the fast path (read-simple.ts); it gives up on anything else.
  const simple = readSimpleYaml(text, file, origins);
  return simple ? [simple] : readYamlDocument(text, file, origins, problems);
}

/** readYaml with the `yaml` library: every construct, every syntax error with its position. */
export function readYamlDocument(text: string, file: string, origins: Origins, problems: Problems): Raw[] | undefined {
  const lines = new LineCounter();
  // Duplicate keys are found in mapToValue: the parser's own check compares every pair of keys
  // of a mapping, which took seconds for a file of thousands of services.
  const parsed = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, strict: true });
  const docs = Array.isArray(parsed) ? parsed : [];
  const posOf = (offset: number): Loc => {
    const p = lines.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  let failed = false;
  for (const doc of docs) {
    for (const e of doc.errors) {
      // The parser recurses per level: a pathological nesting overflows its stack.
      if (e.message.includes("Maximum call stack")) problems.at(posOf(e.pos[0]), undefined, "the document nests too deeply to be read", TOO_DEEP_HINT);
      else problems.at(posOf(e.pos[0]), undefined, `YAML syntax error: ${firstLine(e.message)}`, yamlHint(e.code));
    }
    failed ||= doc.errors.length > 0;
  }
  if (failed) return undefined;
  const roots: Raw[] = [];
  const base = origins.source(file, text.length, (offset) => lines.linePos(offset));
  for (const doc of docs) {
    const w: Walk = { doc, file, lines, origins, problems, aliases: 0, base, anchors: collectAnchors(doc) };
    const root = doc.contents ? toValue(w, doc.contents) : null;
    if (root === null || root === undefined) continue;
    if (typeof root !== "object" || Array.isArray(root)) {
      problems.at(loc(w, doc.contents), undefined, "expected a mapping at the top level (services:, networks:, …)");
      return undefined;
    }
    roots.push(root as Raw);
  }
  if (roots.length === 0) {
    problems.at({ file, line: 1, column: 1 }, undefined, "the file is empty", "a compose file needs at least a `services:` mapping");
    return undefined;
  }
  return roots;
}

function firstLine(s: string): string {
  return s.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case "DUPLICATE_KEY":
      return "each key may appear once per mapping; remove or rename the duplicate";
    case "BAD_INDENT":
    case "MISSING_CHAR":
      return "check the indentation and that every [ or { is closed";
    case "TAB_AS_INDENT":
      return "YAML does not allow tabs for indentation; use spaces";
    default:
      return undefined;
  }
}

/** Where a node is, for a problem. */
function loc(w: Walk, node: Node | null | undefined): Loc {
  const offset = node?.range?.[0];
  if (offset === undefined) return { file: w.file, line: 1, column: 1 };
  const p = w.lines.linePos(offset);
  return { file: w.file, line: p.line, column: p.col };
}

/** Where a node is, for `origins` (`fallback` when the node has no range; else the text's start). */
function pos(w: Walk, node: Node | null | undefined, fallback?: Pos): Pos {
  const offset = node?.range?.[0];
  return offset === undefined ? (fallback ?? w.base) : w.base + offset;
}

function toValue(w: Walk, node: Node, depth = 0): unknown {
  if (depth > MAX_DEPTH) {
    if (!w.tooDeep) w.problems.at(loc(w, node), undefined, `the document nests deeper than ${MAX_DEPTH} levels`, TOO_DEEP_HINT);
    w.tooDeep = true;
    return null;
  }
  if (isAlias(node)) {
    const target = resolveAlias(w, node.source, node.range?.[0] ?? 0);
    if (!target) {
      w.problems.at(loc(w, node), undefined, `unknown anchor "*${node.source}"`, `define it first with &${node.source}`);
      return null;
    }
    if (++w.aliases > MAX_ALIAS_EXPANSIONS) {
      // Reported once: every further alias of the bomb would repeat the same line.
      if (w.aliases === MAX_ALIAS_EXPANSIONS + 1) {
        w.problems.at(
          loc(w, node),
          undefined,
          `too many alias expansions (more than ${MAX_ALIAS_EXPANSIONS})`,
          "the file expands aliases recursively (an alias bomb); expand fewer aliases",
        );
      }
      return null;
    }
    return toValue(w, target, depth + 1);
  }
  if (isScalar(node)) {
    // Compose (go-yaml) and docker-compose v1 (PyYAML) read a leading-zero integer such as a
    // file mode `0440` as octal; YAML 1.2 would say 440.
    if (typeof node.value === "number" && node.type === "PLAIN" && typeof node.source === "string" && /^[-+]?0[0-7]+$/.test(node.source)) {
      return parseInt(node.source, 8);
    }
    return node.value ?? null;
  }
  if (isSeq(node)) {
    const out: unknown[] = [];
    const info = w.origins.register(out, pos(w, node));
    node.items.forEach((item, i) => {
      const n = item as Node;
      out.push(toValue(w, n, depth + 1));
      info.entries.set(i, { value: pos(w, n, info.loc) });
    });
    return out;
  }
  if (isMap(node)) return mapToValue(w, node.items, pos(w, node), depth);
  return null;
}

function mapToValue(w: Walk, items: unknown[], at: Pos, depth: number): Raw {
  const out: Raw = {};
  const info = w.origins.register(out, at);
  const merges: Node[] = [];
  for (const pair of items) {
    if (!isPair(pair)) continue;
    const keyNode = pair.key as Node | null;
    const valueNode = pair.value as Node | null;
    if (isScalar(keyNode) && keyNode.value === "<<" && keyNode.type === "PLAIN") {
      if (valueNode) merges.push(valueNode);
      continue;
    }
    const key = keyToString(w, keyNode);
    if (key === undefined) continue;
    const keyLoc = pos(w, keyNode, at);
    if (info.entries.has(key) || info.resets?.has(key)) {
      w.problems.at(w.origins.where(keyLoc), undefined, "YAML syntax error: Map keys must be unique", yamlHint("DUPLICATE_KEY"));
      continue;
    }
    const tag = valueNode?.tag;
    if (tag === "!reset") {
      (info.resets ??= new Set()).add(key);
      continue;
    }
    out[key] = valueNode ? toValue(w, valueNode, depth + 1) : null;
    info.entries.set(key, { key: keyLoc, value: valueNode ? pos(w, valueNode, keyLoc) : keyLoc, override: tag === "!override" || undefined });
  }
  for (const m of merges) applyMergeKey(w, out, info, m, depth);
  return out;
}

/** `<<: *a` or `<<: [*a, *b]`: adds keys the mapping does not define itself; earlier sources win. */
function applyMergeKey(w: Walk, out: Raw, info: NodeInfo, node: Node, depth: number): void {
  const sources = isSeq(node) ? (node.items as Node[]) : [node];
  for (const src of sources) {
    const value = toValue(w, src, depth + 1);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      w.problems.at(
        loc(w, src),
        undefined,
        "a merge key `<<` needs a mapping (or a list of mappings) to merge",
        "point it at an anchored mapping such as *defaults",
      );
      continue;
    }
    const srcInfo = w.origins.get(value);
    for (const [k, v] of Object.entries(value)) {
      if (k in out) continue;
      out[k] = v;
      const e = srcInfo?.entries.get(k);
      if (e) info.entries.set(k, e);
    }
  }
}

function keyToString(w: Walk, keyNode: Node | null): string | undefined {
  if (keyNode === null) return "";
  if (isScalar(keyNode)) {
    const v = keyNode.value;
    return v === null ? "" : scalarText(v);
  }
  w.problems.at(loc(w, keyNode), undefined, "mapping keys must be plain scalars", "quote the key");
  return undefined;
}

function collectAnchors(doc: Document): Map<string, Node[]> {
  const anchors = new Map<string, Node[]>();
  visit(doc, (_key, node) => {
    const n = node as Node & { anchor?: string };
    if (n && typeof n === "object" && "anchor" in n && typeof n.anchor === "string") {
      const list = anchors.get(n.anchor) ?? [];
      list.push(n);
      anchors.set(n.anchor, list);
    }
  });
  return anchors;
}

/** The last definition of the anchor before the alias (anchors may be redefined). */
function resolveAlias(w: Walk, name: string, offset: number): Node | undefined {
  const list = w.anchors.get(name);
  if (!list) return undefined;
  let found: Node | undefined;
  for (const n of list) if ((n.range?.[0] ?? 0) < offset) found = n;
  return found;
}
