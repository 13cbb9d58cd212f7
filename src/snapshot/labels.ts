/**
 * Snapshot volumes carry their own label kind and never `dev.berth.managed`: `down`, `clean` and
 * the reaper select by `dev.berth.managed`, so they never sweep a snapshot; only `berth snapshot rm`
 * (or a pool removing its own) does.
 */
import { createHash } from "node:crypto";
import type { Labels } from "../engine/types.js";
import { BerthError } from "../errors.js";

export const SNAPSHOT_LABEL = {
  /** The snapshot's name, on each of its volumes. */
  name: "dev.berth.snapshot",
  /** The environment (project) it was taken of. */
  project: "dev.berth.snapshot.project",
  /** Which of the environment's volumes this one holds (see sources.ts). */
  source: "dev.berth.snapshot.source",
  created: "dev.berth.snapshot.created",
  /** "true" on the container that copies volume contents (short-lived, or a standby). */
  helper: "dev.berth.snapshot.helper",
  /** On a standby helper: the snapshot it is ready to restore (standby.ts). */
  standby: "dev.berth.snapshot.standby",
} as const;

/** On a spare volume (spares.ts): the snapshot whose data it holds, ready to be swapped in. */
export const SPARE_LABEL = "dev.berth.snapshot.spare";

/**
 * The helper that copies volume data (copy-volumes.ts) carries its environment's labels, so that
 * `down`, `clean` and the reaper take it with the environment; but it is no service container:
 * status, the status server and reconcile (`up`) leave it out (reconcile would otherwise remove a
 * container of no known service while it copies).
 */
export const isSnapshotHelper = (labels: Labels): boolean => labels[SNAPSHOT_LABEL.helper] === "true";

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

export function checkSnapshotName(name: string): void {
  if (!NAME.test(name)) {
    throw new BerthError("USAGE", `invalid snapshot name "${name}"`, {
      hint: "Use letters, digits, '.', '_' and '-' (at most 63), starting with a letter or digit.",
    });
  }
}

/** The engine name of the snapshot volume that holds `source`: unique per project, snapshot and source. */
export function snapshotVolumeName(project: string, name: string, source: string): string {
  return `${project}_snapshot_${name}_${createHash("sha256").update(source).digest("hex").slice(0, 12)}`;
}

/** The label filter selecting a project's snapshots (one of them, given its name). */
export function snapshotFilter(project?: string, name?: string): Record<string, string | true> {
  return { [SNAPSHOT_LABEL.name]: name ?? true, ...(project ? { [SNAPSHOT_LABEL.project]: project } : {}) };
}
