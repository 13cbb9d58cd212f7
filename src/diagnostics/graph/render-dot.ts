/** A dependency graph in Graphviz DOT (`berth graph --format dot | dot -Tsvg > graph.svg`). */
import { edgeLabel, nodeNote, type DependencyGraph } from "./model.js";

const escape = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
const quote = (s: string) => `"${escape(s)}"`;

function color(state: string | undefined, absent: boolean | undefined): string | undefined {
  if (absent) return "gray";
  if (!state) return undefined;
  if (/UNHEALTHY|FAILED|STOPPED/.test(state)) return "red";
  if (/STARTING/.test(state)) return "orange";
  if (/^(HEALTHY|COMPLETED)$/.test(state)) return "darkgreen";
  return undefined;
}

export function renderDot(g: DependencyGraph): string {
  const lines = [
    `// dependency graph of ${g.title} (from the ${g.source}); an edge points at what a service depends on`,
    `digraph ${quote(g.title)} {`,
    "  rankdir=TB;",
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const n of g.nodes) {
    const note = nodeNote(n);
    // "\\n" is DOT's own line break inside a label.
    const attrs = [`label="${escape(n.name)}${note ? `\\n${escape(note)}` : ""}"`];
    const c = color(n.state, n.absent);
    if (c) attrs.push(`color=${c}`);
    if (n.absent) attrs.push("style=dashed");
    lines.push(`  ${quote(n.name)} [${attrs.join(", ")}];`);
  }
  for (const e of g.edges) {
    const attrs = [`label=${quote(edgeLabel(e))}`, ...(e.required ? [] : ["style=dashed"])];
    lines.push(`  ${quote(e.from)} -> ${quote(e.to)} [${attrs.join(", ")}];`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}
