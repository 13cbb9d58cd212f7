/**
 * The reaper's work, run in its own detached process (reaper-main.ts): watch one owner process;
 * when it dies — for any reason, SIGKILL included — remove what it left, then exit. It also exits
 * when its owner has nothing left on the engine and has not announced new work for a while.
 */
import { existsSync, renameSync, statSync, linkSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Engine } from "../engine/engine.js";
import { LABEL, type Owner } from "../labels.js";
import { removeQuietly } from "../locks/atomic-file.js";
import { ownerFilter } from "./ownership.js";
import { awaitExit, stopOwnedChildren } from "./owned-children.js";
import { processLiveness } from "./process-liveness.js";
import { claim, cleanExitFile, pendingFile, pendingProjects, pidFile, readRecord } from "./reaper-files.js";

/** The removal code, loaded only once the engine is needed (see reaper-main.ts). */
async function removal() {
  const [{ cleanOrphans }, { cleanSwarmOrphans }] = await Promise.all([import("./orphans.js"), import("../swarm/cleanup.js")]);
  return { cleanOrphans, cleanSwarmOrphans };
}

export interface ReaperLoopOptions {
  connect: () => Promise<Engine>;
  owner: Owner;
  endpoint: string;
  dir: string;
  key: string;
  log: (line: string) => void;
  /** How often the owner's liveness is checked (cheap: one read of /proc). */
  pollMs?: number;
  /** How often the engine is asked whether the owner still has anything. */
  idleCheckMs?: number;
  /** How long after the owner last touched the pid file the reaper stays even with nothing to watch. */
  leaseMs?: number;
  /** How long removal is retried while the engine does not answer. */
  giveUpMs?: number;
  signal?: AbortSignal;
}

export type ReaperOutcome = "reaped" | "idle" | "duplicate" | "owner left cleanly";

/** How long a swarm network's removal waits for its tasks' containers to stop (their stop grace period). */
const SWARM_SETTLE_MS = 30_000;

/** How long the owner's command gets after SIGTERM before it is killed (while the environment is reaped). */
const CHILD_GRACE_MS = 5000;

/** Resources created by requests still in flight when the owner died appear a moment later. */
const SETTLE_MS = 1500;

export async function runReaperLoop(o: ReaperLoopOptions): Promise<ReaperOutcome> {
  const path = pidFile(o.dir, o.key);
  const me = { pid: process.pid, started: Math.round(performance.timeOrigin), owner: o.owner, endpoint: o.endpoint };
  if (!claim(path, me)) {
    const other = readRecord(path);
    if (other && other.pid !== me.pid && processLiveness(other.pid, other.started) === "alive") return "duplicate";
    removeQuietly(path);
    if (!claim(path, me)) return "duplicate";
  }
  let engine: Engine | undefined;
  const getEngine = async () => (engine ??= await o.connect());
  let lastIdleCheck = Date.now();
  for (;;) {
    if (processLiveness(o.owner.pid, o.owner.started) === "dead") {
      // First the commands it ran against its environments (`berth run -- CMD`): they must not go on without it.
      const children = stopOwnedChildren(o.dir, o.key);
      if (children.stopped.length) o.log(`sent SIGTERM to the owner's command (pids ${children.stopped.join(", ")})`);
      const diedAt = Date.now();
      const finishChildren = async () => {
        if (!children.stopped.length) return;
        await awaitExit(children, CHILD_GRACE_MS - (Date.now() - diedAt));
        if (children.running()) o.log("the owner's command did not stop in time: SIGKILL");
        children.finish();
      };
      // The owner said, as it exited, that nothing of its is left (see reaper-files.ts).
      const clean = cleanExitFile(o.dir, o.key);
      if (existsSync(clean) && pendingProjects(o.dir, o.key).length === 0) {
        removeQuietly(clean);
        await finishChildren();
        if (readRecord(path)?.pid === me.pid) removeQuietly(path);
        return "owner left cleanly";
      }
      await reap(o, getEngine);
      await finishChildren();
      if (readRecord(path)?.pid === me.pid) removeQuietly(path);
      return "reaped";
    }
    if (Date.now() - lastIdleCheck >= (o.idleCheckMs ?? 5000)) {
      lastIdleCheck = Date.now();
      if ((await isIdle(o, path, getEngine)) && leaveIfStillIdle(o, path)) return "idle";
    }
    await sleep(o.pollMs ?? 250, undefined, { signal: o.signal });
  }
}

function leaseFresh(o: ReaperLoopOptions, file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs < (o.leaseMs ?? 30_000);
  } catch {
    return false;
  }
}

async function isIdle(o: ReaperLoopOptions, path: string, getEngine: () => Promise<Engine>): Promise<boolean> {
  if (leaseFresh(o, path) || pendingProjects(o.dir, o.key).length > 0) return false;
  try {
    const e = await getEngine();
    const { cleanSwarmOrphans } = await removal();
    const f = ownerFilter(o.owner);
    const [c, n, v, s] = await Promise.all([
      e.listContainers(f),
      e.listNetworks(f),
      e.listVolumes(f),
      cleanSwarmOrphans(e, { filter: f, everything: true, dryRun: true }),
    ]);
    return c.length + n.length + v.length + s.items.length === 0;
  } catch {
    return false; // cannot tell: keep watching
  }
}

/**
 * Leaves without a window in which the owner could believe a reaper watches it: the pid file is
 * moved away first (an owner touching it from then on fails and starts a new reaper), then the
 * lease is checked once more on the moved file, which shows any touch that came before the move.
 */
function leaveIfStillIdle(o: ReaperLoopOptions, path: string): boolean {
  const moved = `${path}.exiting-${process.pid}`;
  try {
    renameSync(path, moved);
  } catch {
    return true; // someone removed our file: another reaper took over
  }
  if (!leaseFresh(o, moved) && pendingProjects(o.dir, o.key).length === 0) {
    removeQuietly(moved);
    return true;
  }
  try {
    linkSync(moved, path);
    return false;
  } catch {
    return true; // a new reaper already claimed the file: it watches from now on
  } finally {
    removeQuietly(moved);
  }
}

async function reap(o: ReaperLoopOptions, getEngine: () => Promise<Engine>): Promise<void> {
  const diedAt = Date.now();
  const pending = pendingProjects(o.dir, o.key);
  const owned = ownerFilter(o.owner);
  // A detached environment still being acquired: only what this owner created for it.
  const { [LABEL.lifetime]: _lifetime, ...anyLifetime } = owned;
  let quietSince: number | undefined;
  for (;;) {
    try {
      const e = await getEngine();
      const { cleanOrphans, cleanSwarmOrphans } = await removal();
      const passes: {
        items: { kind: string; name: string; project: string; reason: string }[];
        failed: { item: { kind: string; name: string }; error: string }[];
      }[] = [
        await cleanOrphans(e, { filter: owned }),
        ...(await Promise.all(pending.map((project) => cleanOrphans(e, { filter: { ...anyLifetime, [LABEL.project]: project }, all: true, volumes: true })))),
        // On a swarm manager, the owner's services, networks, secrets and configs too (none elsewhere);
        // a network is removable only once the removed services' containers stopped on every node.
        await cleanSwarmOrphans(e, { filter: owned, settleMs: SWARM_SETTLE_MS }),
        ...(await Promise.all(
          pending.map((project) => cleanSwarmOrphans(e, { filter: { ...anyLifetime, [LABEL.project]: project }, everything: true, settleMs: SWARM_SETTLE_MS })),
        )),
      ];
      const removed = passes.flatMap((p) => p.items);
      const failed = passes.flatMap((p) => p.failed);
      for (const i of removed) o.log(`removed ${i.kind} ${i.name} of ${i.project} (${i.reason})`);
      for (const f of failed) o.log(`could not remove ${f.item.kind} ${f.item.name}: ${f.error}`);
      if (removed.length === 0 && failed.length === 0) {
        quietSince ??= Date.now();
        if (Date.now() - diedAt >= SETTLE_MS && Date.now() - quietSince >= 300) break;
      } else if (removed.length === 0 && Date.now() - diedAt > 10_000) {
        break; // only failures that do not go away (e.g. a network another environment still uses)
      } else quietSince = undefined;
    } catch (error) {
      o.log(`engine error while reaping: ${(error as Error).message}`);
      if (Date.now() - diedAt > (o.giveUpMs ?? 300_000)) break;
    }
    await sleep(250);
  }
  for (const project of pending) removeQuietly(pendingFile(o.dir, o.key, project));
}
