/**
 * reconcileSwarm(spec, observed) → Plan for a swarm. Pure: the project's overlay networks that do
 * not exist yet, the secrets and configs its services use (external ones exist already and are
 * not planned), then one swarm service per compose service, created once what it uses exists and
 * its dependencies are ready, and a wait for each service's tasks. The same Plan shape as one
 * engine's (reconcile.ts), run by the same executor (lifecycle/run-plan.ts).
 */
import type { ProjectSpec } from "../compose/model.js";
import { dependencyLevels } from "./graph.js";
import { networkName, swarmObjectName } from "./naming.js";
import type { Plan, PlanStep } from "./plan.js";
import { projectNetworkKeys } from "./reconcile.js";

export type SwarmStepKind = "create-network" | "create-secret" | "create-config" | "create-service" | "wait-ready";

export interface SwarmStep extends PlanStep {
  kind: SwarmStepKind;
  /** Network, secret or config key in the project model. */
  key?: string;
}

/** What the swarm already holds of the project, found by berth's labels (swarm/observe.ts). */
export interface SwarmObserved {
  /** Overlay networks by model key. */
  networks: Record<string, { id: string; name: string }>;
}

export type FileObjectKind = "secret" | "config";

/** Keys of the secrets (or configs) the services use, sorted. */
export function usedFileObjects(spec: ProjectSpec, kind: FileObjectKind): string[] {
  const used = new Set(Object.values(spec.services).flatMap((s) => (kind === "secret" ? s.secrets : s.configs)?.map((r) => r.source) ?? []));
  return [...used].sort();
}

export function reconcileSwarm(input: { project: string; spec: ProjectSpec; observed: SwarmObserved }): Plan<SwarmStep> {
  const { project, spec, observed } = input;
  const steps: SwarmStep[] = [];
  const networks: string[] = [];
  for (const key of projectNetworkKeys(spec)) {
    const net = spec.networks[key];
    if (net?.external || observed.networks[key]) continue;
    steps.push({ id: `network:${key}`, kind: "create-network", target: networkName(project, key, net?.name), key, after: [], reason: "none exists" });
    networks.push(`network:${key}`);
  }
  for (const kind of ["secret", "config"] as const) {
    const defined = (kind === "secret" ? spec.secrets : spec.configs) ?? {};
    for (const key of usedFileObjects(spec, kind)) {
      if (!defined[key] || defined[key].external) continue;
      const users = Object.values(spec.services)
        .filter((s) => (kind === "secret" ? s.secrets : s.configs)?.some((r) => r.source === key))
        .map((s) => s.name)
        .sort();
      steps.push({
        id: `${kind}:${key}`,
        kind: `create-${kind}`,
        target: swarmObjectName(project, key),
        key,
        after: [],
        reason: `used by ${users.join(", ")}`,
      });
    }
  }
  const planned = new Set(steps.map((s) => s.id));
  for (const level of dependencyLevels(spec.services)) {
    for (const name of level) {
      const service = spec.services[name]!;
      const objects = [...(service.secrets ?? []).map((r) => `secret:${r.source}`), ...(service.configs ?? []).map((r) => `config:${r.source}`)];
      const deps = Object.keys(service.depends_on)
        .filter((d) => d in spec.services) // not required and not enabled: nothing to wait for
        .sort();
      const target = swarmObjectName(project, name);
      steps.push({
        id: `service:${name}`,
        kind: "create-service",
        target,
        service: name,
        after: [...networks, ...[...new Set(objects)].filter((id) => planned.has(id)).sort(), ...deps.map((d) => `ready:${d}`)],
        reason: deps.length ? `dependencies ready (${deps.join(", ")})` : "no dependencies",
      });
      steps.push({
        id: `ready:${name}`,
        kind: "wait-ready",
        target,
        service: name,
        after: [`service:${name}`],
        reason: "the environment is ready only when every service is",
      });
    }
  }
  return { project, steps };
}
