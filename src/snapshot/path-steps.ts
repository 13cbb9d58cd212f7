/**
 * The steps save.ts and restore.ts take for a snapshot's chosen container paths (paths.ts): which
 * paths to save, checked before anything is stopped or created, and which container each saved
 * path goes back into. The copying itself is path-copy.ts.
 */
import type { Runtime } from "../engine/runtime.js";
import type { ContainerSummary } from "../engine/types.js";
import { managedFilter } from "../labels.js";
import { SNAPSHOT_LABEL, snapshotFilter } from "./labels.js";
import type { SnapshotInfo } from "./model.js";
import type { CopyOptions } from "./copy-volumes.js";
import { checkPathsExist, restorePaths, type PathCopy } from "./path-copy.js";
import { isPathSource, pairPathSources, planPathSources, type PathSource, type SnapshotPaths } from "./paths.js";
import type { DataSource } from "./sources.js";

/**
 * The paths to save, each of each container of its service: USAGE/NOT_FOUND (see planPathSources)
 * and NOT_FOUND for a path a container lacks, all before anything is stopped or created.
 */
export async function pathsToSave(
  runtime: Runtime,
  project: string,
  containers: ContainerSummary[],
  sources: DataSource[],
  paths: SnapshotPaths | undefined,
  signal?: AbortSignal,
): Promise<PathSource[]> {
  if (!paths || Object.keys(paths).length === 0) return [];
  const planned = planPathSources(paths, containers, sources, project);
  await checkPathsExist(runtime, planned, signal);
  return planned;
}

/** The saved paths a restore puts back, the containers they go into, and how the copy is made. */
export interface PathsToRestore {
  copies: PathCopy[];
  holders: ContainerSummary[];
  copy: CopyOptions;
}

/**
 * The saved paths of `snapshot`, each paired with its container in `project` (CONFLICT when they
 * do not match, see pairPathSources). No engine call for a snapshot without paths.
 */
export async function pathsToRestore(runtime: Runtime, project: string, snapshot: SnapshotInfo, copy: CopyOptions): Promise<PathsToRestore> {
  if (!snapshot.sources.some(isPathSource)) return { copies: [], holders: [], copy };
  const [volumes, containers] = await Promise.all([
    runtime.listVolumes(snapshotFilter(snapshot.project, snapshot.name), { signal: copy.signal }),
    runtime.listContainers(managedFilter(project), { signal: copy.signal }),
  ]);
  const copies = pairPathSources(
    snapshot,
    volumes.map((v) => ({ volume: v.name, source: v.labels[SNAPSHOT_LABEL.source] ?? "" })),
    containers,
  );
  return { copies, holders: containers.filter((c) => copies.some((p) => p.container === c.id)), copy };
}

/** The volumes' holders and the paths' containers, each once: all stopped while the data is put back. */
export const withPathHolders = (holders: ContainerSummary[], paths: PathsToRestore): ContainerSummary[] => [
  ...holders,
  ...paths.holders.filter((c) => !holders.some((h) => h.id === c.id)),
];

/** `copyVolumes`, then the saved paths put back into their (stopped) containers. */
export const thenPaths = (runtime: Runtime, paths: PathsToRestore, copyVolumes: () => Promise<void>) => async (): Promise<void> => {
  await copyVolumes();
  await restorePaths(runtime, paths.copies, paths.copy);
};
