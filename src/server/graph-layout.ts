/**
 * A layered drawing of an environment's dependency graph: level 0 (depends on nothing) at the top,
 * each dependant in the row below its deepest dependency. Within a row, services are ordered by the
 * mean position of their dependencies (one barycentre pass), which removes most crossings in the
 * small graphs compose files have, and rows are centred. Pure; the page draws it as SVG.
 */
import { dependencyLevels, type GraphInput } from "../plan/graph.js";

export interface GraphLayout {
  width: number;
  height: number;
  nodeWidth: number;
  nodeHeight: number;
  nodes: { service: string; level: number; x: number; y: number }[];
  /** dependant → dependency */
  edges: { from: string; to: string }[];
}

export const NODE_WIDTH = 150;
export const NODE_HEIGHT = 40;
const GAP_X = 24;
const GAP_Y = 48;
const MARGIN = 8;

function levelsOf(input: GraphInput): string[][] {
  try {
    return dependencyLevels(input);
  } catch {
    // Labels written by berth cannot form a cycle; if hand-made ones do, draw one row rather than nothing.
    return [Object.keys(input).sort()];
  }
}

export function layoutGraph(dependsOn: Record<string, string[]>): GraphLayout {
  const input: GraphInput = Object.fromEntries(
    Object.entries(dependsOn).map(([s, deps]) => [
      s,
      {
        depends_on: Object.fromEntries(
          deps.filter((d) => d in dependsOn).map((d) => [d, { condition: "service_started" as const, required: true, restart: false }]),
        ),
      },
    ]),
  );
  const levels = levelsOf(input);
  const column = new Map<string, number>();
  const rows = levels.map((row, level) => {
    const ordered =
      level === 0
        ? row
        : [...row].sort((a, b) => {
            const mean = (s: string) => {
              const cols = (dependsOn[s] ?? []).map((d) => column.get(d)).filter((c): c is number => c !== undefined);
              return cols.length ? cols.reduce((x, y) => x + y, 0) / cols.length : 0;
            };
            return mean(a) - mean(b) || a.localeCompare(b);
          });
    // Columns are centred positions (fractional), so the next row's barycentres line up with this row's.
    ordered.forEach((s, i) => column.set(s, i - (ordered.length - 1) / 2));
    return ordered;
  });
  const widest = Math.max(1, ...rows.map((r) => r.length));
  const width = MARGIN * 2 + widest * NODE_WIDTH + (widest - 1) * GAP_X;
  const height = MARGIN * 2 + rows.length * NODE_HEIGHT + Math.max(0, rows.length - 1) * GAP_Y;
  const nodes = rows.flatMap((row, level) => {
    const rowWidth = row.length * NODE_WIDTH + (row.length - 1) * GAP_X;
    const x0 = (width - rowWidth) / 2;
    return row.map((service, i) => ({ service, level, x: x0 + i * (NODE_WIDTH + GAP_X), y: MARGIN + level * (NODE_HEIGHT + GAP_Y) }));
  });
  const edges = Object.entries(dependsOn)
    .flatMap(([from, deps]) => deps.filter((d) => d in dependsOn).map((to) => ({ from, to })))
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  return { width, height: rows.length ? height : MARGIN * 2, nodeWidth: NODE_WIDTH, nodeHeight: NODE_HEIGHT, nodes, edges };
}
