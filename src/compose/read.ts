/**
 * Phase 1, read: YAML text → plain JS values with positions.
 *
 * We walk the `yaml` AST ourselves instead of calling `toJS()` so that every map and sequence
 * gets its source position recorded in `Origins`, and so that Compose's own YAML dialect is
 * handled here and nowhere else: anchors and aliases (expanded into independent copies), merge
 * keys `<<` (explicit keys win; among merged maps the first wins, as in YAML 1.1), and the
 * `!reset` / `!override` tags that steer merging of several files.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import type { Loc, NodeInfo, Origins } from "./origins.js";
import type { Problems } from "./problems.js";

/** Guards against alias bombs ("billion laughs"). */
const MAX_ALIAS_EXPANSIONS = 100_000;

export type Raw = Record<string, unknown>;

interface Walk {
  doc: Document;
  file: string;
  lines: LineCounter;
  origins: Origins;
  problems: Problems;
  aliases: number;
  /** Anchored nodes by name, in document order (`Alias.resolve` would rescan the document per alias). */
  anchors: Map<string, Node[]>;
}

/** Parses one compose file; returns undefined (with problems recorded) when it cannot be read as YAML. */
export function readYaml(text: string, file: string, origins: Origins, problems: Problems): Raw | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, strict: true });
  const posOf = (offset: number): Loc => {
    const p = lines.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  for (const e of doc.errors) {
    problems.at(posOf(e.pos[0]), undefined, `YAML syntax error: ${firstLine(e.message)}`, yamlHint(e.code));
  }
  if (doc.errors.length > 0) return undefined;
  const w: Walk = { doc, file, lines, origins, problems, aliases: 0, anchors: collectAnchors(doc) };
  const root = doc.contents ? toValue(w, doc.contents as Node) : null;
  if (root === null || root === undefined) {
    problems.at({ file, line: 1, column: 1 }, undefined, "the file is empty", "a compose file needs at least a `services:` mapping");
    return undefined;
  }
  if (typeof root !== "object" || Array.isArray(root)) {
    problems.at(posOf(0), undefined, "expected a mapping at the top level (services:, networks:, …)");
    return undefined;
  }
  return root as Raw;
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

function loc(w: Walk, node: Node | null | undefined, fallback?: Loc): Loc {
  const offset = node?.range?.[0];
  if (offset === undefined) return fallback ?? { file: w.file, line: 1, column: 1 };
  const p = w.lines.linePos(offset);
  return { file: w.file, line: p.line, column: p.col };
}

function toValue(w: Walk, node: Node): unknown {
  if (isAlias(node)) {
    const target = resolveAlias(w, node.source, node.range?.[0] ?? 0);
    if (!target) {
      w.problems.at(loc(w, node), undefined, `unknown anchor "*${node.source}"`, `define it first with &${node.source}`);
      return null;
    }
    if (++w.aliases > MAX_ALIAS_EXPANSIONS) {
      w.problems.at(loc(w, node), undefined, "too many alias expansions", "the file expands aliases recursively");
      return null;
    }
    return toValue(w, target as Node);
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
    const info = w.origins.register(out, loc(w, node));
    node.items.forEach((item, i) => {
      const n = item as Node;
      out.push(toValue(w, n));
      info.entries.set(i, { value: loc(w, n, info.loc) });
    });
    return out;
  }
  if (isMap(node)) return mapToValue(w, node.items as unknown[], loc(w, node));
  return null;
}

function mapToValue(w: Walk, items: unknown[], at: Loc): Raw {
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
    const keyLoc = loc(w, keyNode, at);
    const tag = valueNode?.tag;
    if (tag === "!reset") {
      (info.resets ??= new Set()).add(key);
      continue;
    }
    out[key] = valueNode ? toValue(w, valueNode) : null;
    info.entries.set(key, { key: keyLoc, value: valueNode ? loc(w, valueNode, keyLoc) : keyLoc, override: tag === "!override" || undefined });
  }
  for (const m of merges) applyMergeKey(w, out, info, m);
  return out;
}

/** `<<: *a` or `<<: [*a, *b]`: adds keys the mapping does not define itself; earlier sources win. */
function applyMergeKey(w: Walk, out: Raw, info: NodeInfo, node: Node): void {
  const sources = isSeq(node) ? (node.items as Node[]) : [node];
  for (const src of sources) {
    const value = toValue(w, src);
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      w.problems.at(loc(w, src), undefined, "a merge key `<<` needs a mapping (or a list of mappings) to merge", "point it at an anchored mapping such as *defaults");
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
    return v === null ? "" : String(v);
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
