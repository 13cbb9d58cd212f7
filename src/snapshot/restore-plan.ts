/**
 * What a restore copies: each snapshot volume paired with the live volume it goes into, the
 * containers that hold them, and a standby helper ready for exactly that copy, if there is one
 * (with the spares it holds for the volumes a reset swaps, spares.ts).
 */
import type { Runtime } from "../engine/runtime.js";
import type { ContainerSummary } from "../engine/types.js";
import { BerthError } from "../errors.js";
import type { CopyPair } from "./copy-volumes.js";
import { SNAPSHOT_LABEL, snapshotFilter } from "./labels.js";
import { snapshotsFrom, type SnapshotInfo } from "./model.js";
import { readSources } from "./save.js";
import type { DataSource } from "./sources.js";
import { isPathSource } from "./paths.js";
import { spareFilter } from "./spares.js";
import { standbyFilter, standbyLayout } from "./standby.js";

/** Pairs each snapshot volume with the live volume it goes into; CONFLICT when the two do not match. */
export function restorePairs(snapshot: SnapshotInfo, volumes: { name: string; source: string }[], sources: DataSource[]): { from: string; to: string }[] {
  const live = new Map(sources.map((s) => [s.key, s.volume]));
  const missing = volumes.filter((v) => !live.has(v.source)).map((v) => v.source);
  const extra = sources.filter((s) => !volumes.some((v) => v.source === s.key)).map((s) => s.key);
  if (missing.length || extra.length) {
    throw new BerthError("CONFLICT", `snapshot ${snapshot.name} of ${snapshot.project} does not match the environment's volumes`, {
      hint: [
        missing.length ? `Not in the environment: ${missing.join(", ")}.` : "",
        extra.length ? `Not in the snapshot: ${extra.join(", ")}.` : "",
        "Restore into an environment of the same compose file and scale.",
      ]
        .filter(Boolean)
        .join(" "),
    });
  }
  return volumes.map((v) => ({ from: v.name, to: live.get(v.source)! }));
}

export interface RestorePlan {
  snapshot: SnapshotInfo;
  pairs: CopyPair[];
  /** The containers holding the data: down while it is copied. */
  holders: ContainerSummary[];
  /** The environment's data sources (which volume which containers mount). */
  sources: DataSource[];
  /** A running standby helper mounting exactly `pairs`, if the environment has one. */
  standby?: ContainerSummary;
  /** Pair index → the spare the standby holds for it (empty without a standby, or when it copies every pair in place). */
  spares: Map<number, string>;
}

/** What restoring snapshot `name` of `of` into `project` copies, and whether a standby is ready for it (one round of listings). */
export async function planRestore(engine: Runtime, project: string, name: string, of: string, signal?: AbortSignal): Promise<RestorePlan> {
  const [volumes, { containers, sources }, standbys, spareVolumes] = await Promise.all([
    engine.listVolumes(snapshotFilter(of, name), { signal }),
    readSources(engine, project, signal),
    engine.listContainers(standbyFilter(project, name), { signal }),
    engine.listVolumes(spareFilter(project, name), { signal }),
  ]);
  const snapshot = snapshotsFrom(volumes)[0];
  if (!snapshot) {
    throw new BerthError("NOT_FOUND", `environment ${of} has no snapshot named ${name}`, { hint: `List snapshots with \`berth snapshot ls ${of}\`.` });
  }
  const pairs = restorePairs(
    snapshot,
    volumes.map((v) => ({ name: v.name, source: v.labels[SNAPSHOT_LABEL.source] ?? "" })).filter((v) => !isPathSource(v.source)), // paths: path-steps.ts
    sources,
  );
  const holders = containers.filter((c) => sources.some((s) => s.containers.includes(c.id)));
  const spareNames = new Set(spareVolumes.map((v) => v.name));
  for (const c of standbys) {
    const spares = standbyLayout(c, pairs, spareNames);
    if (spares) return { snapshot, pairs, holders, sources, standby: c, spares };
  }
  return { snapshot, pairs, holders, sources, spares: new Map() };
}
