/** `berth snapshot ls` and `rm`: snapshots are found by their own labels only. */
import type { Runtime } from "../engine/runtime.js";
import { BerthError } from "../errors.js";
import { checkSnapshotName, snapshotFilter } from "./labels.js";
import { snapshotsFrom, type SnapshotInfo } from "./model.js";
import { removeStandby } from "./standby.js";

/** The snapshots on the engine (of one environment, when given). */
export async function listSnapshots(engine: Runtime, project?: string, o: { signal?: AbortSignal } = {}): Promise<SnapshotInfo[]> {
  return snapshotsFrom(await engine.listVolumes(snapshotFilter(project), { signal: o.signal }));
}

/** Removes a snapshot's volumes; NOT_FOUND when there is no such snapshot (unless `missingOk`). */
export async function removeSnapshot(
  engine: Runtime,
  project: string,
  name: string,
  o: { signal?: AbortSignal; missingOk?: boolean } = {},
): Promise<SnapshotInfo | null> {
  checkSnapshotName(name);
  const snapshot = snapshotsFrom(await engine.listVolumes(snapshotFilter(project, name), { signal: o.signal }))[0];
  if (!snapshot) {
    if (o.missingOk) return null;
    throw new BerthError("NOT_FOUND", `environment ${project} has no snapshot named ${name}`, {
      hint: `List snapshots with \`berth snapshot ls ${project}\`.`,
    });
  }
  // A standby helper ready to restore it mounts its volumes: it goes first.
  await removeStandby(engine, { name, mounting: snapshot.volumes, signal: o.signal });
  for (const v of snapshot.volumes) await engine.removeVolume(v, { signal: o.signal });
  return snapshot;
}
