/**
 * Removing berth's swarm objects, selected by labels only: services first, then (once their
 * tasks' containers have left them) overlay networks, then secrets and configs.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Swarm } from "../engine/swarm.js";
import type { SwarmObjectSummary } from "../engine/swarm-types.js";
import { LABEL } from "../labels.js";

export type SwarmObjectKind = "service" | "network" | "secret" | "config";

export interface SwarmObject extends SwarmObjectSummary {
  kind: SwarmObjectKind;
  project: string;
}

export interface SwarmRemoval {
  removed: SwarmObject[];
  failed: { item: SwarmObject; error: string }[];
}

/** Every berth swarm object matching the label filter, services first. */
export async function listSwarmObjects(swarm: Swarm, filter: Record<string, string>, signal?: AbortSignal): Promise<SwarmObject[]> {
  const [services, networks, secrets, configs] = await Promise.all([
    swarm.listServices(filter, signal),
    swarm.listNetworks(filter, signal),
    swarm.listSecrets(filter, signal),
    swarm.listConfigs(filter, signal),
  ]);
  const tag =
    (kind: SwarmObjectKind) =>
    (o: SwarmObjectSummary): SwarmObject => ({ id: o.id, name: o.name, labels: o.labels, kind, project: o.labels[LABEL.project] ?? "" });
  return [...services.map(tag("service")), ...networks.map(tag("network")), ...secrets.map(tag("secret")), ...configs.map(tag("config"))];
}

const ORDER: SwarmObjectKind[] = ["service", "network", "secret", "config"];

/**
 * Removes the given objects. A network stays in use until the removed services' containers are
 * gone from every node, which takes their stop grace period: its removal is retried until
 * `settleMs` has passed, then reported as failed.
 */
export async function removeSwarmObjects(swarm: Swarm, objects: SwarmObject[], o: { settleMs?: number; signal?: AbortSignal } = {}): Promise<SwarmRemoval> {
  const removed: SwarmObject[] = [];
  const failed: SwarmRemoval["failed"] = [];
  const until = Date.now() + (o.settleMs ?? 60_000);
  for (const kind of ORDER) {
    await Promise.all(
      objects
        .filter((x) => x.kind === kind)
        .map(async (item) => {
          for (;;) {
            try {
              if (kind === "service") await swarm.removeService(item.id, o.signal);
              else if (kind === "network") await swarm.removeNetwork(item.id, o.signal);
              else if (kind === "secret") await swarm.removeSecret(item.id, o.signal);
              else await swarm.removeConfig(item.id, o.signal);
              removed.push(item);
              return;
            } catch (error) {
              if (o.signal?.aborted || kind === "service" || Date.now() >= until) {
                failed.push({ item, error: (error as Error).message });
                return;
              }
              await sleep(250); // still in use by containers that are stopping
            }
          }
        }),
    );
  }
  // The manager drops a removed overlay network from its store at once, but each node lists it
  // until its containers there have stopped: return only once it is gone from the manager's view.
  const networks = removed.filter((x) => x.kind === "network").map((x) => x.id);
  while (networks.length && Date.now() < until && !o.signal?.aborted) {
    const left = await swarm.listNetworks({}, o.signal).catch(() => []);
    if (!left.some((n) => networks.includes(n.id))) break;
    await sleep(250);
  }
  return { removed, failed };
}

/** `down` on swarm: everything carrying the project's labels. */
export async function removeSwarmProject(swarm: Swarm, project: string, o: { signal?: AbortSignal; settleMs?: number } = {}): Promise<SwarmRemoval> {
  const objects = await listSwarmObjects(swarm, { [LABEL.managed]: "true", [LABEL.project]: project }, o.signal);
  return removeSwarmObjects(swarm, objects, o);
}
