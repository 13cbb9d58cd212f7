/** What berth knows of a snapshot: read back from its volumes' labels. */
import type { VolumeSummary } from "../engine/types.js";
import { SNAPSHOT_LABEL } from "./labels.js";

export interface SnapshotInfo {
  /** The environment it was taken of. */
  project: string;
  name: string;
  /** ISO time it was taken. */
  created: string;
  /**
   * What it holds: `volume:<key>` for a named volume, `anonymous:<service>.<n>:<path>` for an
   * anonymous one, `path:<service>.<n>:<path>` for a container path saved with the `paths` option.
   */
  sources: string[];
  /** The engine's names of its volumes. */
  volumes: string[];
}

/** Groups snapshot volumes into snapshots, sorted by project, then name. */
export function snapshotsFrom(volumes: VolumeSummary[]): SnapshotInfo[] {
  const out = new Map<string, SnapshotInfo>();
  for (const v of volumes) {
    const project = v.labels[SNAPSHOT_LABEL.project];
    const name = v.labels[SNAPSHOT_LABEL.name];
    if (!project || !name) continue;
    const id = `${project}\u0000${name}`;
    const s = out.get(id) ?? { project, name, created: v.labels[SNAPSHOT_LABEL.created] ?? "", sources: [], volumes: [] };
    s.sources.push(v.labels[SNAPSHOT_LABEL.source] ?? "");
    s.volumes.push(v.name);
    out.set(id, s);
  }
  return [...out.values()]
    .map((s) => ({ ...s, sources: s.sources.sort(), volumes: s.volumes.sort() }))
    .sort((a, b) => a.project.localeCompare(b.project) || a.name.localeCompare(b.name));
}
