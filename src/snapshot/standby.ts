/**
 * A standby helper: a copying helper started ahead of a restore, with the snapshot's and the
 * environment's volumes already mounted, and kept running between restores. A restore that finds
 * one whose mounts are exactly the copy it needs runs the copy as one exec in it, so no helper
 * container is created, started or removed while the data-holding services are down. A pool starts
 * one per member once the member's snapshot is taken (prepareStandby in restore.ts, called by pool.ts).
 *
 * It holds the environment's anonymous volumes: whatever removes the environment removes it first
 * (or at least before those volumes), or the engine keeps a volume still in use.
 */
import type { Runtime } from "../engine/runtime.js";
import type { ContainerSummary } from "../engine/types.js";
import { LABEL } from "../labels.js";
import type { CopyPair } from "./copy-volumes.js";
import { SNAPSHOT_LABEL } from "./labels.js";

/** A project's standby helpers (for one snapshot name, when given). */
export function standbyFilter(project: string, name?: string): Record<string, string | true> {
  return { [LABEL.project]: project, [SNAPSHOT_LABEL.helper]: "true", [SNAPSHOT_LABEL.standby]: name ?? true };
}

/**
 * Whether a standby mounts exactly these pairs (the environment or the snapshot may have changed
 * since it started). The order does not matter: a standby copies each /from/<i> to its /to/<i>.
 */
export function standbyMatches(c: Pick<ContainerSummary, "mounts" | "state">, pairs: CopyPair[]): boolean {
  if (c.state !== "running" || pairs.length === 0) return false;
  const mounted = new Map<string, { from?: string; to?: string }>();
  for (const m of c.mounts) {
    const at = /^\/(from|to)\/(\d+)$/.exec(m.destination ?? "");
    if (m.type !== "volume" || !at || !m.name) return false;
    const p = mounted.get(at[2]!) ?? {};
    p[at[1] as "from" | "to"] = m.name;
    mounted.set(at[2]!, p);
  }
  const key = (p: { from?: string; to?: string }) => `${p.from ?? ""}\u0000${p.to ?? ""}`;
  const have = [...mounted.values()].map(key).sort();
  const want = pairs.map(key).sort();
  return have.length === want.length && have.every((h, i) => h === want[i]);
}

/** Removes standby helpers: a project's (of one snapshot), or any that mounts one of `volumes`. */
export async function removeStandby(engine: Runtime, o: { project?: string; name?: string; mounting?: string[]; signal?: AbortSignal }): Promise<void> {
  const filter: Record<string, string | true> = o.project
    ? standbyFilter(o.project, o.name)
    : { [SNAPSHOT_LABEL.helper]: "true", [SNAPSHOT_LABEL.standby]: o.name ?? true };
  const found = await engine.listContainers(filter, { signal: o.signal });
  const mounting = o.mounting && new Set(o.mounting);
  const doomed = mounting ? found.filter((c) => c.mounts.some((m) => m.name && mounting.has(m.name))) : found;
  await Promise.all(doomed.map((c) => engine.removeContainer(c.id, { force: true, signal: o.signal }).catch(() => undefined)));
}
