/** What a swarm already holds of a project, selected by berth's labels alone: its services and overlay networks. */
import type { Swarm } from "../engine/swarm.js";
import { LABEL, managedFilter } from "../labels.js";
import type { SwarmObserved } from "../plan/swarm-reconcile.js";

export interface SwarmProjectSeen extends SwarmObserved {
  /** The project's swarm services (their swarm names). */
  services: string[];
}

export async function observeSwarmProject(
  swarm: Pick<Swarm, "listServices" | "listNetworks">,
  project: string,
  signal?: AbortSignal,
): Promise<SwarmProjectSeen> {
  const filter = managedFilter(project);
  const [services, networks] = await Promise.all([swarm.listServices(filter, signal), swarm.listNetworks(filter, signal)]);
  return {
    services: services.map((s) => s.name),
    networks: Object.fromEntries(networks.map((n) => [n.labels[LABEL.network] ?? n.name, { id: n.id, name: n.name }])),
  };
}
