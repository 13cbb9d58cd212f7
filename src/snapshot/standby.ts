/**
 * A standby helper: a copying helper started ahead of a restore, with the snapshot's and the
 * environment's volumes already mounted, and kept running between restores. A restore that finds
 * one whose mounts are exactly the copy it needs runs the copy as one exec in it, so no helper
 * container is created, started or removed while the data-holding services are down. A pool starts
 * one per member once the member's snapshot is taken (prepareStandby in restore.ts, called by pool.ts).
 *
 * It holds the environment's anonymous volumes: whatever removes the environment removes it first
 * (or at least before those volumes), or the engine keeps a volume still in use.
 *
 * Where a volume can be swapped (spares.ts), the standby mounts a spare at that pair's /to/<i>
 * instead of the live volume, and fills it from the snapshot itself (one exec) once started; until
 * its spares are full it is named `…_snapshot-filling_…`, then renamed `…_snapshot-standby_…`. A
 * restore uses only a standby so named: one whose filling was cut short (its process died) is
 * never taken for a full one, and goes with its project or the next prepareStandby.
 */
import type { Runtime } from "../engine/runtime.js";
import type { ContainerSummary } from "../engine/types.js";
import { LABEL } from "../labels.js";
import { helperKindPart, type CopyPair } from "./copy-volumes.js";
import { SNAPSHOT_LABEL, SPARE_LABEL } from "./labels.js";

/** A project's standby helpers (for one snapshot name, when given). */
export function standbyFilter(project: string, name?: string): Record<string, string | true> {
  return { [LABEL.project]: project, [SNAPSHOT_LABEL.helper]: "true", [SNAPSHOT_LABEL.standby]: name ?? true };
}

/**
 * Whether a standby mounts exactly these pairs (the environment or the snapshot may have changed
 * since it started). The order does not matter: a standby copies each /from/<i> to its /to/<i>.
 */
export function standbyMatches(c: Pick<ContainerSummary, "mounts" | "state" | "name">, pairs: CopyPair[], spares: ReadonlySet<string> = new Set()): boolean {
  return standbyLayout(c, pairs, spares) !== null;
}

/**
 * How a standby serves these pairs: pair index → the spare it holds for that pair (one of `spares`,
 * mounted at the /to/<i> beside the pair's snapshot volume); pairs it mounts with their live volume
 * are copied in place and not in the map. Null when it does not mount exactly the pairs.
 */
export function standbyLayout(
  c: Pick<ContainerSummary, "mounts" | "state" | "name">,
  pairs: CopyPair[],
  spares: ReadonlySet<string>,
): Map<number, string> | null {
  if (c.state !== "running" || pairs.length === 0 || isFilling(c)) return null;
  const mounted = new Map<string, { from?: string; to?: string }>();
  for (const m of c.mounts) {
    const at = /^\/(from|to)\/(\d+)$/.exec(m.destination ?? "");
    if (m.type !== "volume" || !at || !m.name) return null;
    const p = mounted.get(at[2]!) ?? {};
    p[at[1] as "from" | "to"] = m.name;
    mounted.set(at[2]!, p);
  }
  const have = [...mounted.values()];
  if (have.length !== pairs.length) return null;
  const layout = new Map<number, string>();
  for (const [i, p] of pairs.entries()) {
    const m = have.find((h) => h.from === p.from);
    if (!m?.to) return null;
    // The live volume first: a spare swapped in earlier is live now and keeps its spare label.
    if (m.to === p.to) continue;
    if (!spares.has(m.to)) return null;
    layout.set(i, m.to);
  }
  return layout;
}

/** A standby whose spares are not full yet (see above). */
export function isFilling(c: Pick<ContainerSummary, "name">): boolean {
  return c.name.includes(helperKindPart("filling"));
}

/** The index <i> at which a standby mounts snapshot volume `from` (/from/<i>). */
export function standbyIndexOf(c: Pick<ContainerSummary, "mounts">, from: string): number | undefined {
  const at = c.mounts.find((m) => m.name === from && /^\/from\/\d+$/.test(m.destination ?? ""));
  return at ? Number(at.destination!.slice("/from/".length)) : undefined;
}

/**
 * Removes standby helpers: a project's (of one snapshot), or any that mounts one of `volumes`; and
 * the spares they held. A spare that a reset swapped in is a live volume now: the engine refuses to
 * remove it while its container mounts it, and that refusal is ignored.
 */
export async function removeStandby(engine: Runtime, o: { project?: string; name?: string; mounting?: string[]; signal?: AbortSignal }): Promise<void> {
  const filter: Record<string, string | true> = o.project
    ? standbyFilter(o.project, o.name)
    : { [SNAPSHOT_LABEL.helper]: "true", [SNAPSHOT_LABEL.standby]: o.name ?? true };
  const found = await engine.listContainers(filter, { signal: o.signal });
  const mounting = o.mounting && new Set(o.mounting);
  const doomed = mounting ? found.filter((c) => c.mounts.some((m) => m.name && mounting.has(m.name))) : found;
  if (doomed.length === 0) return;
  await Promise.all(doomed.map((c) => engine.removeContainer(c.id, { force: true, signal: o.signal }).catch(() => undefined)));
  const held = new Set(doomed.flatMap((c) => c.mounts.filter((m) => m.name && /^\/to\/\d+$/.test(m.destination ?? "")).map((m) => m.name!)));
  const spares = (await engine.listVolumes({ [SPARE_LABEL]: o.name ?? true }, { signal: o.signal })).filter((v) => held.has(v.name));
  await Promise.all(spares.map((v) => engine.removeVolume(v.name, { signal: o.signal }).catch(() => undefined)));
}
