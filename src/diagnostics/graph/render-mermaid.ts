/** A dependency graph as a Mermaid flowchart (renders on GitHub, GitLab and in most Markdown viewers). */
import { edgeLabel, nodeNote, type DependencyGraph } from "./model.js";

/** Mermaid ids must be plain words; service names may hold dots and dashes. */
function ids(g: DependencyGraph): Map<string, string> {
  return new Map(g.nodes.map((n, i) => [n.name, `n${i + 1}`]));
}

/** Mermaid labels are quoted; a double quote inside one is written as an entity. */
const text = (s: string) => s.replace(/"/g, "#quot;");

const STATE_CLASSES: [RegExp, string, string][] = [
  [/^HEALTHY$|^COMPLETED$/, "ok", "fill:#d8f5d8,stroke:#2e7d32"],
  [/UNHEALTHY|FAILED|STOPPED/, "bad", "fill:#fbdada,stroke:#c62828"],
  [/STARTING/, "wait", "fill:#fff3cd,stroke:#b8860b"],
];
const ABSENT: [RegExp, string, string] = [/^$/, "absent", "fill:#eeeeee,stroke:#888888,stroke-dasharray:4"];

export function renderMermaid(g: DependencyGraph): string {
  const id = ids(g);
  const lines = [`%% dependency graph of ${g.title} (from the ${g.source}); an arrow points at what a service depends on`, "flowchart TD"];
  for (const n of g.nodes) {
    const note = nodeNote(n);
    lines.push(`  ${id.get(n.name)}["${text(n.name)}${note ? `<br/>${text(note)}` : ""}"]`);
  }
  for (const e of g.edges) {
    const arrow = e.required ? "-->" : "-.->";
    lines.push(`  ${id.get(e.from)} ${arrow}|"${text(edgeLabel(e))}"| ${id.get(e.to)}`);
  }
  const used = new Set<string>();
  for (const n of g.nodes) {
    const cls = n.absent ? ABSENT : STATE_CLASSES.find(([re]) => n.state && re.test(n.state));
    if (!cls) continue;
    used.add(cls[1]);
    lines.push(`  class ${id.get(n.name)} ${cls[1]}`);
  }
  for (const [, name, style] of [...STATE_CLASSES, ABSENT]) if (used.has(name)) lines.push(`  classDef ${name} ${style}`);
  return `${lines.join("\n")}\n`;
}
