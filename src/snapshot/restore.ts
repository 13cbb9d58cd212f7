/**
 * `berth snapshot restore` and `reset`: puts a snapshot's data back into the environment's own
 * volumes. The containers holding the data are killed first (what they hold is about to be
 * replaced, so a graceful stop would only cost time), the volumes are emptied and filled from the
 * snapshot, and the containers are started again and readiness re-gated (see quiesce.ts). The copy
 * runs in a standby helper when the environment has one ready for it (standby.ts), else in a
 * one-shot helper.
 */
import type { Engine } from "../engine/engine.js";
import { copyIn, copyVolumes, helperImage, startHelper } from "./copy-volumes.js";
import { checkSnapshotName } from "./labels.js";
import type { SnapshotInfo } from "./model.js";
import type { RestoreSnapshotOptions, SnapshotOptions } from "./options.js";
import { whileStopped } from "./quiesce.js";
import { planRestore } from "./restore-plan.js";
import { removeStandby } from "./standby.js";
import { pathsToRestore, thenPaths, withPathHolders } from "./path-steps.js";

export { restorePairs } from "./restore-plan.js";

export async function restoreSnapshot(engine: Engine, project: string, name: string, o: RestoreSnapshotOptions = {}): Promise<SnapshotInfo> {
  checkSnapshotName(name);
  const env = o.env ?? process.env;
  const { snapshot, pairs, holders, standby } = await planRestore(engine, project, name, o.from ?? project, o.signal);
  const oneShot = () => copyVolumes(engine, pairs, { project, image: helperImage(env, o.helperImage), env, signal: o.signal });
  // The snapshot's chosen container paths (path-steps.ts): paired with their containers before anything is stopped, put back after the volumes.
  const paths = await pathsToRestore(engine, project, snapshot, { project, image: helperImage(env, o.helperImage), env, signal: o.signal });
  await whileStopped(
    engine,
    project,
    withPathHolders(holders, paths),
    { ...o, stopTimeoutSec: o.stopTimeoutSec ?? 0 },
    thenPaths(engine, paths, async () => {
      if (!standby) return oneShot();
      try {
        await copyIn(engine, standby.id, pairs.length, o.signal);
      } catch (e) {
        // A standby that stopped answering (removed, killed) is replaced by a one-shot copy, which empties the targets again.
        if (o.signal?.aborted) throw e;
        await removeStandby(engine, { project, name, signal: o.signal });
        await oneShot();
      }
    }),
  );
  return snapshot;
}

/**
 * Starts a standby helper for restoring `name` into `project` (replacing any other standby of the
 * project), unless one is ready already: the next restore then copies without starting a helper.
 */
export async function prepareStandby(engine: Engine, project: string, name: string, o: SnapshotOptions = {}): Promise<void> {
  checkSnapshotName(name);
  const env = o.env ?? process.env;
  const plan = await planRestore(engine, project, name, project, o.signal);
  if (plan.standby) return;
  await removeStandby(engine, { project, signal: o.signal });
  await startHelper(engine, plan.pairs, { project, image: helperImage(env, o.helperImage), env, signal: o.signal, standby: name });
}
