/**
 * An acquire's registration with the reaper, on one engine or on a swarm alike. Made before
 * anything exists: a process watching this one removes what it leaves if it is killed. A detached
 * environment is pending (reaped with its owner) until the acquire settles its lease.
 */
import type { EventListener } from "../events.js";
import type { Lifetime, Owner } from "../labels.js";
import { ensureReaper, type ReaperLease } from "./reaper.js";

export interface AcquireReaperInput {
  owner: Owner;
  /** The engine's (or swarm manager's) endpoint, as Engine.endpoint gives it. */
  endpoint: string;
  env: Record<string, string | undefined>;
  project: string;
  lifetime: Lifetime;
  emit: EventListener;
}

/** A missing reaper is a warning, not a failure: the environment is still made. */
export function watchAcquire(i: AcquireReaperInput): ReaperLease {
  const reaper = ensureReaper({ owner: i.owner, endpoint: i.endpoint, env: i.env, pendingProject: i.lifetime === "detached" ? i.project : undefined });
  if (reaper.warning) i.emit({ type: "warning", project: i.project, message: reaper.warning, at: Date.now() });
  return reaper;
}
