/**
 * The data of an environment: its named volumes and its containers' anonymous volumes. Each gets a
 * source key that does not depend on the engine's names, so a snapshot of one environment can be
 * matched against the volumes it was taken from: `volume:<compose key>` for a named volume,
 * `anonymous:<service>.<number>:<path>` for an anonymous one.
 */
import type { ContainerSummary, VolumeSummary } from "../engine/types.js";
import { LABEL } from "../labels.js";

export interface DataSource {
  key: string;
  /** The engine's name of the live volume. */
  volume: string;
  /** The services whose containers mount it (they are stopped while it is copied). */
  services: string[];
  /** Ids of the containers that mount it. */
  containers: string[];
}

const ANONYMOUS = /^[0-9a-f]{64}$/;

/**
 * The data sources of a project, from its containers (one-offs excluded: not replicas) and its
 * labelled named volumes. External volumes (not berth's) are not the environment's data and are left out.
 */
export function dataSources(containers: ContainerSummary[], volumes: VolumeSummary[]): DataSource[] {
  const named = new Map(volumes.filter((v) => v.labels[LABEL.volume]).map((v) => [v.name, v.labels[LABEL.volume]!]));
  const byKey = new Map<string, DataSource>();
  for (const v of [...named]) byKey.set(`volume:${v[1]}`, { key: `volume:${v[1]}`, volume: v[0], services: [], containers: [] });
  for (const c of containers) {
    const service = c.labels[LABEL.service];
    if (c.labels[LABEL.oneoff] === "true" || !service) continue;
    for (const m of c.mounts) {
      if (m.type !== "volume" || !m.name) continue;
      const key: string | undefined = named.has(m.name)
        ? `volume:${named.get(m.name)}`
        : ANONYMOUS.test(m.name)
          ? `anonymous:${service}.${c.labels[LABEL.number] ?? "1"}:${m.destination ?? ""}`
          : undefined;
      if (!key) continue;
      const s: DataSource = byKey.get(key) ?? { key, volume: m.name, services: [], containers: [] };
      if (!s.services.includes(service)) s.services.push(service);
      s.containers.push(c.id);
      byKey.set(key, s);
    }
  }
  return [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
}
