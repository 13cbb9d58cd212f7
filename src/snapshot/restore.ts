/**
 * `berth snapshot restore` and `reset`: puts a snapshot's data back into the environment's own
 * volumes. The containers holding the data are killed first (what they hold is about to be
 * replaced, so a graceful stop would only cost time), the volumes are emptied and filled from the
 * snapshot, and the containers are started again and readiness re-gated (see quiesce.ts).
 */
import type { Engine } from "../engine/engine.js";
import { BerthError } from "../errors.js";
import { copyVolumes, helperImage } from "./copy-volumes.js";
import { checkSnapshotName, SNAPSHOT_LABEL, snapshotFilter } from "./labels.js";
import { snapshotsFrom, type SnapshotInfo } from "./model.js";
import type { RestoreSnapshotOptions } from "./options.js";
import { whileStopped } from "./quiesce.js";
import { readSources } from "./save.js";
import type { DataSource } from "./sources.js";

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

export async function restoreSnapshot(engine: Engine, project: string, name: string, o: RestoreSnapshotOptions = {}): Promise<SnapshotInfo> {
  checkSnapshotName(name);
  const env = o.env ?? process.env;
  const of = o.from ?? project;
  const volumes = await engine.listVolumes(snapshotFilter(of, name), { signal: o.signal });
  const snapshot = snapshotsFrom(volumes)[0];
  if (!snapshot) {
    throw new BerthError("NOT_FOUND", `environment ${of} has no snapshot named ${name}`, { hint: `List snapshots with \`berth snapshot ls ${of}\`.` });
  }
  const { containers, sources } = await readSources(engine, project, o.signal);
  const pairs = restorePairs(
    snapshot,
    volumes.map((v) => ({ name: v.name, source: v.labels[SNAPSHOT_LABEL.source] ?? "" })),
    sources,
  );
  const holders = containers.filter((c) => sources.some((s) => s.containers.includes(c.id)));
  await whileStopped(engine, project, holders, { ...o, stopTimeoutSec: o.stopTimeoutSec ?? 0 }, () =>
    copyVolumes(engine, pairs, { project, image: helperImage(env, o.helperImage), env, signal: o.signal }),
  );
  return snapshot;
}
