/**
 * What the engine already holds for a project, selected by berth's labels alone.
 */
import type { Runtime } from "../engine/runtime.js";
import { LABEL, managedFilter } from "../labels.js";
import { isSnapshotHelper } from "../snapshot/labels.js";
import type { Observed } from "./reconcile.js";

export async function observeProject(engine: Runtime, project: string, signal?: AbortSignal): Promise<Observed> {
  const filter = managedFilter(project);
  const [containers, networks, volumes] = await Promise.all([
    engine.listContainers(filter, { signal }),
    engine.listNetworks(filter, { signal }),
    engine.listVolumes(filter, { signal }),
  ]);
  return {
    networks: Object.fromEntries(networks.map((n) => [n.labels[LABEL.network] ?? n.name, { id: n.id, name: n.name }])),
    volumes: Object.fromEntries(volumes.map((v) => [v.labels[LABEL.volume] ?? v.name, { name: v.name }])),
    // A snapshot helper copying data is not a replica: never recreated or removed by `up`.
    containers: containers
      .filter((c) => !isSnapshotHelper(c.labels))
      .map((c) => ({
        id: c.id,
        name: c.name,
        service: c.labels[LABEL.service] ?? "",
        number: Number(c.labels[LABEL.number] ?? 1),
        running: c.state === "running",
        configHash: c.labels[LABEL.serviceHash] ?? "",
        mounts: c.mounts,
      })),
  };
}
