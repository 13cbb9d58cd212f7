/**
 * A claimed member's environment from the engine's container listing alone, for `berth run --pool`,
 * whose command waits for it: one list call instead of an inspect per container, which waits
 * while the engine is busy with that container (a healthcheck under load: seen above a second).
 * The listing has each container's state, health and published ports; not its start time or
 * restart count, which such a view leaves out. Pure.
 */
import type { ContainerSummary, NetworkSummary, PublishedPorts } from "../engine/types.js";
import type { ServiceState } from "../health/state.js";
import { LABEL, type EnvironmentKind } from "../labels.js";
import type { ContainerView, EnvironmentData } from "../lifecycle/environment.js";
import { readBack } from "../ports/bindings.js";
import { isSnapshotHelper } from "../snapshot/labels.js";
import { byText } from "../text-order.js";

/**
 * The state a listed container is in. A running one is HEALTHY unless the engine reports it unhealthy:
 * the keeper saw every member container ready before it marked the member warm (as claimFromPool
 * takes it, whose readiness is proven the same way).
 */
export function listedState(c: Pick<ContainerSummary, "state" | "status" | "labels">): { state: ServiceState; exitCode?: number; notStarted?: boolean } {
  if (c.state === "restarting") return { state: "STARTING" };
  if (c.state === "paused") return { state: "PAUSED" };
  if (c.state === "created") return { state: "STOPPED", notStarted: true };
  if (c.state !== "running") {
    const code = /^Exited \((-?\d+)\)/.exec(c.status)?.[1];
    const exitCode = code === undefined ? undefined : Number(code);
    const state = c.labels[LABEL.job] === "true" && exitCode !== undefined ? (exitCode === 0 ? "COMPLETED" : "FAILED") : "STOPPED";
    return exitCode === undefined ? { state } : { state, exitCode };
  }
  return { state: /\(unhealthy\)/.test(c.status) ? "UNHEALTHY" : "HEALTHY" };
}

function listedPorts(c: ContainerSummary): ContainerView["ports"] {
  const ports: PublishedPorts = {};
  for (const p of c.ports) {
    if (!p.hostPort) continue;
    (ports[`${p.containerPort}/${p.protocol}`] ??= []).push({ hostIp: p.hostIp ?? "0.0.0.0", hostPort: p.hostPort });
  }
  return readBack(ports);
}

/** The project's environment from listings of its containers and networks (others' are ignored). */
export function listedEnvironment(project: string, containers: ContainerSummary[], networks: NetworkSummary[]): EnvironmentData {
  const own = containers.filter((c) => c.labels[LABEL.project] === project && !isSnapshotHelper(c.labels));
  const kind = (own[0]?.labels[LABEL.envKind] ?? "test") as EnvironmentKind;
  const services: EnvironmentData["services"] = {};
  const views = own.map((c) => ({
    service: c.labels[LABEL.service] ?? "?",
    view: { id: c.id, name: c.name, number: Number(c.labels[LABEL.number] ?? 1), ports: listedPorts(c), ...listedState(c) },
  }));
  for (const v of views.sort((a, b) => byText(a.service, b.service) || a.view.number - b.view.number)) {
    (services[v.service] ??= { name: v.service, containers: [] }).containers.push(v.view);
  }
  const nets = networks
    .filter((n) => n.labels[LABEL.project] === project)
    .map((n) => n.name)
    .sort();
  return { project, kind, networks: nets, services };
}
