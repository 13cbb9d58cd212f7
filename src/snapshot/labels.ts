/**
 * Snapshot volumes carry their own label kind and never `dev.berth.managed`: `down`, `clean` and
 * the reaper select by `dev.berth.managed`, so they never sweep a snapshot; only `berth snapshot rm`
 * (or a pool removing its own) does.
 */
import { createHash } from "node:crypto";
import { BerthError } from "../errors.js";

export const SNAPSHOT_LABEL = {
  /** The snapshot's name, on each of its volumes. */
  name: "dev.berth.snapshot",
  /** The environment (project) it was taken of. */
  project: "dev.berth.snapshot.project",
  /** Which of the environment's volumes this one holds (see sources.ts). */
  source: "dev.berth.snapshot.source",
  created: "dev.berth.snapshot.created",
  /** "true" on the short-lived container that copies volume contents. */
  helper: "dev.berth.snapshot.helper",
} as const;

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
