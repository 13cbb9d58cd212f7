/**
 * Pools as the engine shows them, for `berth status`, the status server and `/metrics`: pools
 * live in a keeper process, so they are read from labels. From the members' own labels: members,
 * warm (ready marker), claimed (a claim of a live claimer), starting (no snapshot yet) and
 * resetting (snapshot taken, neither warm nor claimed). Only the keeper knows the size it keeps,
 * what the guards allow, its reset and discard counts, claims and their latency: those come from
 * its marker (keeper-marker.ts) and are absent without one.
 */
import type { Runtime } from "../engine/runtime.js";
import type { Labels, VolumeSummary } from "../engine/types.js";
import { LABEL } from "../labels.js";
import { isSnapshotHelper, SNAPSHOT_LABEL } from "../snapshot/labels.js";
import { markersByMember } from "./claim.js";
import { figuresOf, type KeeperFigures } from "./keeper-marker.js";
import { POOL_LABEL } from "./labels.js";

export interface PoolView extends Partial<KeeperFigures> {
  name: string;
  /** Member environments on the engine (any state). */
  members: number;
  warm: number;
  claimed: number;
  starting: number;
  resetting: number;
  /** The keeper process, from its marker (absent without one). */
  keeper?: { host: string; pid: number };
}

/** Pools from the pool-labelled containers and volumes on the engine, sorted by name. */
export function poolsFrom(containers: { labels: Labels }[], volumes: VolumeSummary[]): PoolView[] {
  const pools = new Map<string, { members: Set<string>; snapshots: Set<string>; volumes: VolumeSummary[]; keeper?: VolumeSummary }>();
  const entry = (name: string) => {
    let p = pools.get(name);
    if (!p) pools.set(name, (p = { members: new Set(), snapshots: new Set(), volumes: [] }));
    return p;
  };
  for (const c of containers) {
    const name = c.labels[POOL_LABEL.name];
    const project = c.labels[LABEL.project];
    if (name && project && !isSnapshotHelper(c.labels)) entry(name).members.add(project);
  }
  for (const v of volumes) {
    const name = v.labels[POOL_LABEL.name];
    if (!name) continue;
    const p = entry(name);
    const figures = figuresOf(v.labels);
    if (figures) {
      if (!p.keeper || figures.seq > figuresOf(p.keeper.labels)!.seq) p.keeper = v;
    } else if (v.labels[SNAPSHOT_LABEL.name]) p.snapshots.add(v.labels[SNAPSHOT_LABEL.project] ?? "");
    else p.volumes.push(v);
  }
  const out: PoolView[] = [];
  for (const [name, p] of pools) {
    const marks = markersByMember(p.volumes);
    const members = [...p.members];
    const warm = members.filter((m) => marks.get(m)?.ready);
    const claimed = members.filter((m) => !marks.get(m)?.ready && marks.get(m)?.claims.some((c) => c.claimerAlive));
    const idle = members.filter((m) => !warm.includes(m) && !claimed.includes(m));
    const k = p.keeper && figuresOf(p.keeper.labels);
    const pid = Number(p.keeper?.labels[LABEL.ownerPid]);
    out.push({
      name,
      members: members.length,
      warm: warm.length,
      claimed: claimed.length,
      starting: idle.filter((m) => !p.snapshots.has(m)).length,
      resetting: idle.filter((m) => p.snapshots.has(m)).length,
      ...(k
        ? {
            size: k.size,
            limit: k.limit,
            resets: k.resets,
            discarded: k.discarded,
            claims: k.claims,
            ...(k.claimLatencyMs !== undefined ? { claimLatencyMs: k.claimLatencyMs } : {}),
          }
        : {}),
      ...(p.keeper && pid > 0 ? { keeper: { host: p.keeper.labels[LABEL.ownerHost] ?? "", pid } } : {}),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Every pool on the engine (two list calls). */
export async function listPools(engine: Runtime, o: { signal?: AbortSignal } = {}): Promise<PoolView[]> {
  const filter = { [POOL_LABEL.name]: true } as const;
  const [containers, volumes] = await Promise.all([engine.listContainers(filter, { signal: o.signal }), engine.listVolumes(filter, { signal: o.signal })]);
  return poolsFrom(containers, volumes);
}
