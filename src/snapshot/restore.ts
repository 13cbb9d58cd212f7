/**
 * `berth snapshot restore` and `reset`: puts a snapshot's data back into the environment. Each
 * volume is either swapped or copied in place (chosen per volume, spares.ts):
 * - swapped, when a standby helper holds a spare already filled for it: the container that mounts
 *   it is recreated with the spare in its place (swap.ts) and the old volume is removed;
 * - copied in place otherwise: the containers holding the data are killed first (what they hold is
 *   about to be replaced, so a graceful stop would only cost time), the volumes are emptied and
 *   filled from the snapshot, in the standby (standby.ts) when there is one, else in a one-shot helper.
 * Then the containers are started again and readiness re-gated (see quiesce.ts).
 * BERTH_RESET_MODE=copy copies every volume in place.
 */
import type { Engine } from "../engine/engine.js";
import type { Runtime } from "../engine/runtime.js";
import type { ContainerSummary } from "../engine/types.js";
import { copyIn, copyVolumes, helperImage, helperName, startHelper, type CopyPair } from "./copy-volumes.js";
import { checkSnapshotName } from "./labels.js";
import type { SnapshotInfo } from "./model.js";
import type { RestoreSnapshotOptions, SnapshotOptions } from "./options.js";
import { pathsToRestore, thenPaths, withPathHolders } from "./path-steps.js";
import { isUp, startAndRegate, whileStopped } from "./quiesce.js";
import { planRestore, type RestorePlan } from "./restore-plan.js";
import { chooseMechanism, resetMode, spareLabels, spareName, swappablePairs, type Swap } from "./spares.js";
import { removeStandby, standbyIndexOf } from "./standby.js";
import { replaceHolders, startReplacement, type Replacement } from "./swap.js";

export { restorePairs } from "./restore-plan.js";

export function restoreSnapshot(engine: Engine, project: string, name: string, o: RestoreSnapshotOptions = {}): Promise<SnapshotInfo> {
  return restoreInto(engine, project, name, o);
}

/** restoreSnapshot on any Runtime (an Environment's, the in-memory one in unit tests); the published signature names the Engine alone. */
export async function restoreInto(engine: Runtime, project: string, name: string, o: RestoreSnapshotOptions = {}): Promise<SnapshotInfo> {
  checkSnapshotName(name);
  const env = o.env ?? process.env;
  const plan = await planRestore(engine, project, name, o.from ?? project, o.signal);
  // The snapshot's chosen container paths (path-steps.ts): paired with their containers before
  // anything is stopped, put back after the volumes. A swap recreates containers (their filesystem
  // with them), so a snapshot with paths copies every volume in place instead.
  const paths = await pathsToRestore(engine, project, plan.snapshot, { project, image: helperImage(env, o.helperImage), env, signal: o.signal });
  const mode = paths.copies.length ? "copy" : resetMode(env);
  const { swaps, copies } = chooseMechanism(plan.pairs, plan.sources, plan.holders, plan.spares, mode);
  const copy = (before?: Promise<unknown>) => copyInPlace(engine, project, plan, copies, { ...o, env }, before);
  const q = { ...o, stopTimeoutSec: o.stopTimeoutSec ?? 0 };
  if (swaps.length === 0)
    await whileStopped(
      engine,
      project,
      withPathHolders(plan.holders, paths),
      q,
      thenPaths(engine, paths, () => copy()),
    );
  else await swapAndCopy(engine, project, plan.holders, swaps, copies, q, copy);
  return plan.snapshot;
}

/**
 * Copies `pairs` into the live volumes: in the standby when it mounts them (one exec), else in a
 * one-shot helper. A standby that stopped answering (removed, killed) is replaced by a one-shot
 * copy, which empties the targets again; `before` (the swap's replacements) settles first, since
 * removing the standby removes its spares.
 */
async function copyInPlace(
  engine: Runtime,
  project: string,
  plan: RestorePlan,
  pairs: CopyPair[],
  o: RestoreSnapshotOptions & { env: Record<string, string | undefined> },
  before?: Promise<unknown>,
): Promise<void> {
  if (pairs.length === 0) return;
  const oneShot = () => copyVolumes(engine, pairs, { project, image: helperImage(o.env, o.helperImage), env: o.env, signal: o.signal });
  const { standby } = plan;
  const at = standby ? pairs.map((p) => standbyIndexOf(standby, p.from)) : [];
  // The standby copies only into the live volumes it mounts (not into a spare it holds at that index).
  const inStandby = standby && at.every((i, k) => i !== undefined && !plan.spares.has(plan.pairs.indexOf(pairs[k]!)));
  if (!inStandby) return oneShot();
  try {
    await copyIn(engine, standby.id, at as number[], o.signal);
  } catch (e) {
    if (o.signal?.aborted) throw e;
    await before?.catch(() => undefined);
    await removeStandby(engine, { project, name: plan.snapshot.name, signal: o.signal });
    await oneShot();
  }
}

/**
 * The swap: containers that mount a swapped volume are replaced (removed with force; killed first
 * only when they also hold a volume copied in place), the other holders are killed, the in-place
 * copies run meanwhile; then everything that ran is started again (replacements with their host
 * ports pinned) and re-gated, while the volumes swapped out are removed.
 */
async function swapAndCopy(
  engine: Runtime,
  project: string,
  holders: ContainerSummary[],
  swaps: Swap[],
  copies: CopyPair[],
  o: RestoreSnapshotOptions & { stopTimeoutSec: number },
  copy: (before?: Promise<unknown>) => Promise<void>,
): Promise<void> {
  const copied = new Set(copies.map((p) => p.to));
  const replaceOnly = new Set(swaps.filter((s) => !s.holder.mounts.some((m) => m.name && copied.has(m.name))).map((s) => s.holder.id));
  const running = holders.filter(isUp);
  await Promise.all(running.filter((c) => !replaceOnly.has(c.id)).map((c) => engine.stopContainer(c.id, o.stopTimeoutSec, { signal: o.signal })));
  const replacing = replaceHolders(engine, swaps, o.signal);
  const [replaced] = await Promise.all([replacing, copy(replacing)]);
  const start = (c: ContainerSummary) => {
    const r: Replacement | undefined = replaced.get(c.id);
    return r ? startReplacement(engine, project, r, o) : engine.startContainer(c.id, { signal: o.signal });
  };
  await Promise.all([startAndRegate(engine, project, running, o, start), removeSwappedOut(engine, project, swaps, o)]);
}

/** The volumes swapped out: mounted by nothing now. One the engine will not remove is named in a warning (nothing else removes it). */
async function removeSwappedOut(engine: Runtime, project: string, swaps: Swap[], o: RestoreSnapshotOptions): Promise<void> {
  await Promise.all(
    swaps.map((s) =>
      engine.removeVolume(s.pair.to, { signal: o.signal }).catch((e: unknown) =>
        o.onEvent?.({
          type: "warning",
          project,
          message: `the volume ${s.pair.to} swapped out by the reset could not be removed: ${e instanceof Error ? e.message : String(e)}`,
          at: Date.now(),
        }),
      ),
    ),
  );
}

/**
 * Starts a standby helper for restoring `name` into `project` (replacing any other standby of the
 * project), unless one is ready already: the next restore then copies without starting a helper.
 * Where a volume can swap (spares.ts), the standby holds a spare for it, which it fills from the
 * snapshot itself (one exec) before it is renamed from filling to standby (standby.ts), so that
 * the next reset swaps it in and copies nothing. Filling in the standby rather than in a one-shot
 * helper saves a container's create, start and removal on every refill of a pool member.
 */
export async function prepareStandby(engine: Runtime, project: string, name: string, o: SnapshotOptions = {}): Promise<void> {
  checkSnapshotName(name);
  const env = o.env ?? process.env;
  const plan = await planRestore(engine, project, name, project, o.signal);
  const wanted = swappablePairs(plan.pairs, plan.sources, resetMode(env));
  if (plan.standby && wanted.length === plan.spares.size && wanted.every((i) => plan.spares.has(i))) return;
  await removeStandby(engine, { project, signal: o.signal });
  const image = helperImage(env, o.helperImage);
  const spares = new Map(wanted.map((i) => [i, spareName()]));
  let helper: string | undefined;
  try {
    for (const v of spares.values()) await engine.createVolume(v, spareLabels(project, name, env), { signal: o.signal });
    const standby = { project, image, env, signal: o.signal, standby: name };
    const pairs = plan.pairs.map((p, i) => ({ from: p.from, to: spares.get(i) ?? p.to }));
    if (spares.size === 0) {
      await startHelper(engine, pairs, standby);
      return;
    }
    helper = await startHelper(engine, pairs, { ...standby, filling: true });
    await copyIn(engine, helper, [...spares.keys()], o.signal);
    await engine.renameContainer(helper, helperName(standby, "standby"), { signal: o.signal });
  } catch (e) {
    if (helper) await engine.removeContainer(helper, { force: true }).catch(() => undefined);
    await Promise.all([...spares.values()].map((v) => engine.removeVolume(v).catch(() => undefined)));
    throw e;
  }
}
