/**
 * `berth snapshot save`: copies the environment's volumes (and the container paths asked for,
 * path-steps.ts) into labelled snapshot volumes on the engine, with the containers that hold the
 * data stopped (gracefully) meanwhile, so the copy is consistent; they are started again and waited for.
 */
import type { Engine } from "../engine/engine.js";
import type { Runtime } from "../engine/runtime.js";
import { BerthError } from "../errors.js";
import { extraLabels, managedFilter } from "../labels.js";
import { copyVolumes, helperImage } from "./copy-volumes.js";
import { checkSnapshotName, SNAPSHOT_LABEL, snapshotFilter, snapshotVolumeName } from "./labels.js";
import { snapshotsFrom, type SnapshotInfo } from "./model.js";
import type { SaveSnapshotOptions } from "./options.js";
import { whileStopped } from "./quiesce.js";
import { dataSources } from "./sources.js";
import { removeStandby } from "./standby.js";
import { savePaths } from "./path-copy.js";
import { pathsToSave } from "./path-steps.js";

/** The project's containers and data sources; NOT_FOUND when there is no such environment. */
export async function readSources(engine: Runtime, project: string, signal?: AbortSignal) {
  const [containers, volumes] = await Promise.all([
    engine.listContainers(managedFilter(project), { signal }),
    engine.listVolumes(managedFilter(project), { signal }),
  ]);
  if (containers.length === 0) {
    throw new BerthError("NOT_FOUND", `no berth environment named ${project} on this engine`, { hint: "List environments with `berth status`." });
  }
  return { containers, sources: dataSources(containers, volumes) };
}

export function saveSnapshot(engine: Engine, project: string, name: string, o: SaveSnapshotOptions = {}): Promise<SnapshotInfo> {
  return saveFrom(engine, project, name, o);
}

/** saveSnapshot on any Runtime (an Environment's, the in-memory one in unit tests); the published signature names the Engine alone. */
export async function saveFrom(engine: Runtime, project: string, name: string, o: SaveSnapshotOptions = {}): Promise<SnapshotInfo> {
  checkSnapshotName(name);
  const env = o.env ?? process.env;
  const { containers, sources } = await readSources(engine, project, o.signal);
  // Chosen container paths (path-steps.ts): checked before anything is stopped or created.
  const paths = await pathsToSave(engine, project, containers, sources, o.paths, o.signal);
  if (sources.length === 0 && paths.length === 0) {
    throw new BerthError("USAGE", `environment ${project} has no volumes: there is no data to snapshot`, {
      hint: "A snapshot holds the named and anonymous volumes of the environment's services, and the container paths named with `paths` (--path).",
    });
  }
  const existing = await engine.listVolumes(snapshotFilter(project, name), { signal: o.signal });
  if (existing.length && !o.replace) {
    throw new BerthError("CONFLICT", `environment ${project} already has a snapshot named ${name}`, {
      hint: `Remove it first (\`berth snapshot rm ${project} ${name}\`) or replace it (--replace).`,
    });
  }
  // A standby helper ready to restore the replaced snapshot mounts its volumes: it goes first.
  if (existing.length) await removeStandby(engine, { name, mounting: existing.map((v) => v.name), signal: o.signal });
  for (const v of existing) await engine.removeVolume(v.name, { signal: o.signal });
  const created = new Date().toISOString();
  const targets = sources.map((s) => ({ source: s, volume: snapshotVolumeName(project, name, s.key) }));
  const pathTargets = paths.map((p) => ({ ...p, volume: snapshotVolumeName(project, name, p.key) }));
  const volumes = [...targets.map((t) => ({ key: t.source.key, volume: t.volume })), ...pathTargets];
  try {
    for (const t of volumes) {
      await engine.createVolume(
        t.volume,
        {
          ...extraLabels(env),
          ...o.labels,
          [SNAPSHOT_LABEL.name]: name,
          [SNAPSHOT_LABEL.project]: project,
          [SNAPSHOT_LABEL.source]: t.key,
          [SNAPSHOT_LABEL.created]: created,
        },
        { signal: o.signal },
      );
    }
    const holders = containers.filter((c) => sources.some((s) => s.containers.includes(c.id)) || paths.some((p) => p.container === c.id));
    const copy = { project, image: helperImage(env, o.helperImage), env, signal: o.signal };
    await whileStopped(engine, project, holders, { ...o, restartOnFailure: true }, async () => {
      await copyVolumes(
        engine,
        targets.map((t) => ({ from: t.source.volume, to: t.volume })),
        copy,
      );
      await savePaths(engine, pathTargets, copy);
    });
  } catch (e) {
    // A half-taken snapshot is no snapshot: its volumes go.
    for (const t of volumes) await engine.removeVolume(t.volume).catch(() => undefined);
    throw e;
  }
  return snapshotsFrom(await engine.listVolumes(snapshotFilter(project, name), { signal: o.signal }))[0]!;
}
