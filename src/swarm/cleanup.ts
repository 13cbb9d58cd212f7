/**
 * Orphans on a swarm: the same rules as on one engine (cleanup/ownership.ts), applied to berth's
 * services, overlay networks, secrets and configs. Selected by berth's labels, judged by the
 * owner labels; never by name.
 */
import { hostname } from "node:os";
import type { Engine } from "../engine/engine.js";
import { Swarm } from "../engine/swarm.js";
import { LABEL } from "../labels.js";
import { cleanReason, type CleanReason } from "../cleanup/ownership.js";
import { currentUser, ownerLiveness } from "../cleanup/process-liveness.js";
import { listSwarmObjects, removeSwarmObjects, type SwarmObject } from "./remove.js";

export interface SwarmCleanOptions {
  /** Extra labels every object must carry (narrows, never widens). */
  filter?: Record<string, string>;
  /** Every matching object, whatever its owner (the reaper's pass over a dead owner's pending project). */
  everything?: boolean;
  all?: boolean;
  olderThanMs?: number;
  dryRun?: boolean;
  /** How long network removal waits for stopping containers (default 60 s). */
  settleMs?: number;
  signal?: AbortSignal;
}

export interface SwarmCleanItem {
  kind: SwarmObject["kind"];
  id: string;
  name: string;
  project: string;
  reason: CleanReason;
}

export interface SwarmCleanResult {
  items: SwarmCleanItem[];
  failed: { item: SwarmCleanItem; error: string }[];
}

/** Whether the engine is an active swarm manager; false (not an error) for a plain engine. */
export async function isSwarmManager(engine: Engine, signal?: AbortSignal): Promise<boolean> {
  const info = await new Swarm(engine).info(signal);
  return info.state === "active" && info.isManager;
}

export async function cleanSwarmOrphans(engine: Engine, o: SwarmCleanOptions = {}): Promise<SwarmCleanResult> {
  if (!(await isSwarmManager(engine, o.signal))) return { items: [], failed: [] };
  const swarm = new Swarm(engine);
  const host = hostname();
  const policy = {
    now: Date.now(),
    user: currentUser(),
    host,
    all: o.all,
    olderThanMs: o.olderThanMs,
    liveness: (owner: Parameters<typeof ownerLiveness>[0]) => ownerLiveness(owner, host),
  };
  const objects = await listSwarmObjects(swarm, { ...(o.filter ?? {}), [LABEL.managed]: "true" }, o.signal);
  const chosen: { object: SwarmObject; item: SwarmCleanItem }[] = [];
  for (const object of objects) {
    const reason = o.everything ? "all" : cleanReason(object.labels, policy);
    if (reason) chosen.push({ object, item: { kind: object.kind, id: object.id, name: object.name, project: object.project, reason } });
  }
  if (o.dryRun || chosen.length === 0) return { items: chosen.map((c) => c.item), failed: [] };
  const r = await removeSwarmObjects(
    swarm,
    chosen.map((c) => c.object),
    { settleMs: o.settleMs, signal: o.signal },
  );
  const itemOf = (x: SwarmObject) => chosen.find((c) => c.object.id === x.id)!.item;
  return { items: r.removed.map(itemOf), failed: r.failed.map((f) => ({ item: itemOf(f.item), error: f.error })) };
}

/** What a berth command does first on a swarm: remove dead owners' and expired objects; never fails the command. */
export async function reapSwarmOrphans(engine: Engine, signal?: AbortSignal): Promise<SwarmCleanResult> {
  try {
    return await cleanSwarmOrphans(engine, { signal, settleMs: 15_000 });
  } catch (error) {
    if (signal?.aborted) throw error;
    return { items: [], failed: [] };
  }
}
