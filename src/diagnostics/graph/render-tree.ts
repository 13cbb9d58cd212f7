/**
 * A dependency graph as a terminal tree: each service nobody depends on is a root, and under every
 * service the services it depends on, with the edge's condition. A service reached again is not
 * expanded a second time (marked "see above"), so a shared database is listed once in full.
 */
import { edgeLabel, nodeNote, type DependencyGraph, type GraphEdge } from "./model.js";

export function renderTree(g: DependencyGraph): string {
  const nodes = new Map(g.nodes.map((n) => [n.name, n]));
  const out = new Map<string, GraphEdge[]>();
  for (const e of g.edges) (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e);
  const hasDependant = new Set(g.edges.map((e) => e.to));
  let roots = g.nodes.filter((n) => !hasDependant.has(n.name)).map((n) => n.name);
  // Only a cycle leaves no root; start from every node then, the walk stops at repeats.
  if (roots.length === 0) roots = g.nodes.map((n) => n.name);

  const lines = [`${g.title} (from the ${g.source})`];
  const expanded = new Set<string>();
  const describe = (name: string, via?: GraphEdge) => {
    const node = nodes.get(name);
    const note = node ? nodeNote(node) : "";
    return [name, note ? `[${note}]` : "", via ? `(${edgeLabel(via)})` : ""].filter(Boolean).join(" ");
  };
  const walk = (name: string, prefix: string, childPrefix: string, via?: GraphEdge) => {
    const children = out.get(name) ?? [];
    const repeat = expanded.has(name) && children.length > 0;
    lines.push(`${prefix}${describe(name, via)}${repeat ? " (see above)" : ""}`);
    if (repeat) return;
    expanded.add(name);
    children.forEach((e, i) => {
      const last = i === children.length - 1;
      walk(e.to, `${childPrefix}${last ? "└── " : "├── "}`, `${childPrefix}${last ? "    " : "│   "}`, e);
    });
  };
  for (const r of roots) walk(r, "", "");
  return `${lines.join("\n")}\n`;
}
