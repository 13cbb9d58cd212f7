/**
 * An acquire's rollback: removes what it created, riding out an engine that restarts meanwhile,
 * and checks that what it removed stays gone when the engine was in trouble.
 */
import { engineFailureOf } from "../engine/errors.js";
import type { Runtime } from "../engine/runtime.js";
import type { BerthError } from "../errors.js";
import type { EventListener } from "../events.js";
import { managedFilter } from "../labels.js";
import type { ReaperLease } from "../cleanup/reaper.js";

export interface FailedAcquire {
  project: string;
  /** Kept for debugging: nothing is removed and the reaper keeps its lease. */
  keepOnFailure?: boolean;
  emit: EventListener;
  /** Told when nothing of the acquire is left (the reaper has nothing more to do for it). */
  reaper: Pick<ReaperLease, "done">;
  /** Removes what the acquire created; returns why something is left, or undefined when nothing is. */
  remove: () => Promise<string | undefined>;
  /** The command that removes what is left (named in the error). */
  downCommand: string;
}

/**
 * The rollback policy of an acquire that failed, on one engine or on a swarm alike: unless
 * keepOnFailure, announce the rollback and remove what it created. Removed completely, nothing of
 * it is the reaper's any more; otherwise the failure says what is left and how to remove it.
 */
export async function rollBackFailedAcquire(failure: BerthError, a: FailedAcquire): Promise<void> {
  if (a.keepOnFailure) return;
  a.emit({ type: "rollback", project: a.project, reason: failure.message, at: Date.now() });
  const left = await a.remove();
  if (!left) {
    a.reaper.done();
    return;
  }
  failure.details.rollbackError = left;
  failure.message += `\nWhat this acquire created could not all be removed (${left}); \`${a.downCommand}\` removes it once the engine answers.`;
}

/** How long a rollback rides out an engine that is restarting or briefly unreachable. */
const ROLLBACK_PATIENCE_MS = 60_000;

/**
 * Runs the rollback, retrying while it fails (an engine restart makes every call fail for a few
 * seconds; each attempt re-reads what exists, so retrying is safe). Returns why it finally failed,
 * or undefined once everything is gone.
 */
export async function rollBack(
  attempt: () => Promise<void>,
  settle: { needed: () => boolean; staysGone: () => Promise<boolean>; engineLost: () => boolean; answering: () => Promise<boolean> },
): Promise<string | undefined> {
  const deadline = Date.now() + ROLLBACK_PATIENCE_MS;
  for (let wait = 250; ; wait = Math.min(wait * 2, 4000)) {
    try {
      await attempt();
      // Time for a stopping engine's event stream to close, so `needed` can tell.
      await new Promise((r) => setTimeout(r, STREAM_END_GRACE_MS));
      if (!settle.needed()) return undefined;
      const lostBefore = settle.engineLost();
      let settled = true;
      for (let check = 0; check < 2 && settled; check++) {
        await new Promise((r) => setTimeout(r, SETTLE_CHECK_MS));
        settled = await settle.staysGone();
      }
      // The engine went away during the checks (it was shutting down): check again once it is back.
      if (settled && settle.engineLost() && !lostBefore) settled = false;
      if (settled) return undefined;
      if (Date.now() > deadline) return "the engine kept bringing back what was removed";
    } catch (error) {
      // A healthy engine that refuses (e.g. a stale endpoint, moby#43286) will not change its mind;
      // one that has just restarted may answer before its stores are back ("failed to update store …:
      // open : no such file or directory", seen in CI): that passes.
      const transient = engineFailureOf(error) === "engine-lost-state" || settle.needed() || !(await settle.answering());
      if (!transient || Date.now() + wait > deadline) return (error as Error).message;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}

/** Pause between the checks that a rollback after engine trouble stays done. */
const SETTLE_CHECK_MS = 2500;
/** How long after a rollback a broken-off event stream still counts as engine trouble. */
const STREAM_END_GRACE_MS = 250;

/** Whether the engine answers and has nothing left of what the rollback removes. */
export async function nothingLeft(engine: Runtime, project: string, created?: { containers: string[]; networks: string[] }): Promise<boolean> {
  try {
    const filter = managedFilter(project);
    const [containers, networks] = await Promise.all([engine.listContainers(filter), engine.listNetworks(filter)]);
    if (!created) return containers.length === 0 && networks.length === 0;
    return !containers.some((c) => created.containers.includes(c.id)) && !networks.some((n) => created.networks.includes(n.id));
  } catch {
    return false;
  }
}

/** A resource that is already gone is what a rollback wants. */
export function ignoreGone(error: unknown): void {
  if ((error as { code?: string }).code === "NOT_FOUND") return;
  throw error;
}
