/**
 * The graph of a running environment, from the engine's labels alone: each container's service,
 * its `dev.berth.depends-on` label and its state. The labels name dependencies but not their
 * conditions; those are read back from the compose file the environment was created from (its
 * `com.docker.compose.project.config_files` label) when it is still there, else "unknown".
 */
import type { DependencySpec, ProjectSpec } from "../../compose/model.js";
import type { Engine } from "../../engine/engine.js";
import { COMPOSE_LABEL, LABEL, managedFilter } from "../../labels.js";
import type { EnvironmentData } from "../../lifecycle/environment.js";
import { readEnvironment } from "../../lifecycle/status.js";
import { normalizeGraph, type DependencyGraph } from "./model.js";

export interface EnvironmentGraphInput {
  project: string;
  environment: EnvironmentData;
  /** Service → the services its containers' labels say it depends on. */
  dependsOn: Record<string, string[]>;
  /** The compose file's dependency specs, when it could be read back. */
  fileDependencies?: Record<string, Record<string, DependencySpec>>;
}

/** One word for a service's containers: "HEALTHY", or "2 HEALTHY, 1 STARTING" when they differ. */
export function aggregateState(states: string[]): string {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  if (counts.size === 1) return states[0]!;
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
}

/** Pure: the graph from what was read. */
export function graphFromEnvironment(input: EnvironmentGraphInput): DependencyGraph {
  const services = Object.values(input.environment.services);
  return normalizeGraph({
    title: input.project,
    source: "environment",
    nodes: services.map((s) => ({
      name: s.name,
      state: aggregateState(s.containers.map((c) => c.state)),
      ...(s.containers.length > 1 ? { replicas: s.containers.length } : {}),
    })),
    edges: Object.entries(input.dependsOn).flatMap(([from, deps]) =>
      deps.map((to) => {
        const spec = input.fileDependencies?.[from]?.[to];
        return { from, to, condition: spec?.condition ?? "unknown", required: spec?.required ?? true };
      }),
    ),
  });
}

type LoadSpec = (files: string[], cwd: string) => Promise<ProjectSpec>;

/** Reads the environment and, when its compose file is still readable, the conditions from it. */
export async function readEnvironmentGraph(engine: Engine, project: string, loadSpec: LoadSpec, signal?: AbortSignal): Promise<DependencyGraph> {
  const containers = await engine.listContainers(managedFilter(project), { signal });
  const environment = await readEnvironment(engine, project, "test", signal);
  const dependsOn: Record<string, string[]> = {};
  for (const c of containers) {
    const service = c.labels[LABEL.service];
    if (!service) continue;
    dependsOn[service] = (c.labels[LABEL.dependsOn] ?? "").split(",").filter(Boolean).sort();
  }
  const first = containers.find((c) => c.labels[COMPOSE_LABEL.configFiles]);
  let fileDependencies: EnvironmentGraphInput["fileDependencies"];
  if (first) {
    try {
      const spec = await loadSpec(first.labels[COMPOSE_LABEL.configFiles]!.split(","), first.labels[COMPOSE_LABEL.workingDir] ?? "/");
      fileDependencies = Object.fromEntries(Object.values(spec.services).map((s) => [s.name, s.depends_on]));
    } catch {
      // The file moved or no longer loads: the labels still give the edges, without conditions.
    }
  }
  return graphFromEnvironment({ project, environment, dependsOn, fileDependencies });
}
