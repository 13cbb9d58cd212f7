/**
 * The dependency graph `berth graph` draws: services as nodes, `depends_on` entries as edges from
 * the dependant to its dependency, each with its condition. Built from a compose file or from a
 * running environment's labels; rendered by the pure functions in render-*.ts.
 */
import type { DependsOnCondition, ProjectSpec } from "../../compose/model.js";

export interface GraphNode {
  name: string;
  /** berth's state when the graph comes from a running environment ("HEALTHY", "2 HEALTHY, 1 STARTING"). */
  state?: string;
  /** Replicas the file asks for or the environment runs, when more than one. */
  replicas?: number;
  /** Named by a depends_on entry but not part of the project (a disabled profile, an optional dependency). */
  absent?: boolean;
}

export interface GraphEdge {
  /** The dependant. */
  from: string;
  /** The service it depends on. */
  to: string;
  /** "unknown" when a running environment's compose file could not be read back. */
  condition: DependsOnCondition | "unknown";
  /** false for `required: false` (a dependency that may be missing). */
  required: boolean;
}

export interface DependencyGraph {
  /** The project (environment) name, or the file's name. */
  title: string;
  source: "file" | "environment";
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Sorts nodes by name and edges by dependant then dependency, and adds nodes for absent targets. */
export function normalizeGraph(g: DependencyGraph): DependencyGraph {
  const nodes = new Map(g.nodes.map((n) => [n.name, n]));
  for (const e of g.edges) {
    for (const name of [e.from, e.to]) if (!nodes.has(name)) nodes.set(name, { name, absent: true });
  }
  return {
    ...g,
    nodes: [...nodes.values()].sort((a, b) => a.name.localeCompare(b.name)),
    edges: [...g.edges].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
  };
}

/** The graph of a loaded compose project (no states). */
export function graphFromSpec(spec: ProjectSpec, title: string): DependencyGraph {
  const services = Object.values(spec.services);
  return normalizeGraph({
    title,
    source: "file",
    nodes: services.map((s) => ({ name: s.name, ...(s.scale > 1 ? { replicas: s.scale } : {}) })),
    edges: services.flatMap((s) => Object.entries(s.depends_on).map(([to, d]) => ({ from: s.name, to, condition: d.condition, required: d.required }))),
  });
}

/** How an edge's condition is written in every format: "service_healthy", "service_started, optional". */
export function edgeLabel(e: GraphEdge): string {
  return e.required ? e.condition : `${e.condition}, optional`;
}

/** How a node's state is written: "HEALTHY", "×3", "not in project". */
export function nodeNote(n: GraphNode): string {
  if (n.absent) return "not in project";
  // A mixed state ("2 HEALTHY, 1 STARTING") already counts the replicas.
  const counted = n.state !== undefined && /^\d+ /.test(n.state);
  return [n.state, n.replicas && n.replicas > 1 && !counted ? `×${n.replicas}` : undefined].filter(Boolean).join(" ");
}
