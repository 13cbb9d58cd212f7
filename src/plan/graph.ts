/**
 * The services' dependency graph: pure functions over `depends_on`, used to order starts, to
 * report cycles and to find the dependants a failed service blocks.
 */
import type { DependencySpec } from "../compose/model.js";
import { BerthError } from "../errors.js";

export interface GraphInput {
  [service: string]: { depends_on: Record<string, DependencySpec> };
}

/** A cycle as the list of services walked, first repeated at the end: a → b → a. */
export function findCycle(services: GraphInput): string[] | null {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    if (state.get(name) === "done") return null;
    if (state.get(name) === "visiting") return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, "visiting");
    stack.push(name);
    for (const dep of Object.keys(services[name]?.depends_on ?? {}).sort()) {
      if (!(dep in services)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, "done");
    return null;
  };
  for (const name of Object.keys(services).sort()) {
    const cycle = visit(name);
    if (cycle) return cycle;
  }
  return null;
}

/**
 * Services grouped into levels: level 0 depends on nothing, level n only on earlier levels.
 * Sorted within each level, so output is deterministic.
 */
export function dependencyLevels(services: GraphInput): string[][] {
  const cycle = findCycle(services);
  if (cycle) {
    throw new BerthError("COMPOSE_INVALID", `dependency cycle: ${cycle.join(" → ")}`, {
      hint: "Remove one of the depends_on entries in the cycle.",
    });
  }
  const level = new Map<string, number>();
  const depth = (name: string): number => {
    const known = level.get(name);
    if (known !== undefined) return known;
    const deps = Object.keys(services[name]?.depends_on ?? {}).filter((d) => d in services);
    const d = deps.length === 0 ? 0 : Math.max(...deps.map(depth)) + 1;
    level.set(name, d);
    return d;
  };
  const levels: string[][] = [];
  for (const name of Object.keys(services).sort()) {
    const d = depth(name);
    (levels[d] ??= []).push(name);
  }
  return levels.map((l) => l.sort());
}

/** Every service that (transitively) depends on `service`, sorted. */
export function dependantsOf(services: GraphInput, service: string): string[] {
  const out = new Set<string>();
  const walk = (target: string) => {
    for (const [name, s] of Object.entries(services)) {
      if (target in s.depends_on && !out.has(name)) {
        out.add(name);
        walk(name);
      }
    }
  };
  walk(service);
  return [...out].sort();
}

/** `service` plus everything it (transitively) depends on, sorted. */
export function withDependencies(services: GraphInput, selected: string[]): string[] {
  const out = new Set<string>();
  const walk = (name: string) => {
    if (out.has(name) || !(name in services)) return;
    out.add(name);
    for (const dep of Object.keys(services[name]!.depends_on)) walk(dep);
  };
  selected.forEach(walk);
  return [...out].sort();
}
