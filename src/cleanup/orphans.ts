/**
 * Finding and removing what berth may remove: selected by berth's labels (`dev.berth.managed`)
 * and then judged by its ownership labels (see ownership.ts). Never by name: a foreign resource
 * called `berth-shop-1` carries no berth label and so can never be listed here.
 */
import { hostname } from "node:os";
import type { LabelFilter } from "../engine/engine.js";
import type { Runtime } from "../engine/runtime.js";
import type { Labels } from "../engine/types.js";
import { isTicket } from "../guards/admission-decision.js";
import { LABEL, LEASE_KIND, managedFilter } from "../labels.js";
import { recordFilter } from "./settled-record.js";
import { acquireLock } from "../locks/file-lock.js";
import { halfMadeProjects, isPendingOf } from "./half-made.js";
import { cleanReason, ownershipOf, type CleanPolicy, type CleanReason } from "./ownership.js";
import { currentUser, ownerLiveness } from "./process-liveness.js";
import { byText } from "../text-order.js";

export interface CleanItem {
  kind: "container" | "network" | "volume";
  id: string;
  name: string;
  project: string;
  reason: CleanReason | "users-gone" | "half-made";
}

export interface CleanOptions {
  all?: boolean;
  olderThanMs?: number;
  /** Also named volumes of environments that are not process-lifetime orphans (like `down -v`). */
  volumes?: boolean;
  /** List what would go, remove nothing. */
  dryRun?: boolean;
  /** Narrows the selection further (never widens it): extra labels every resource must carry. */
  filter?: Record<string, string>;
  now?: number;
  user?: string;
  signal?: AbortSignal;
}

export interface CleanResult {
  /** Removed, or with `dryRun` what would be removed. */
  items: CleanItem[];
  failed: { item: CleanItem; error: string }[];
}

function policyFrom(o: CleanOptions): CleanPolicy {
  const host = hostname();
  return {
    now: o.now ?? Date.now(),
    user: o.user ?? currentUser(),
    host,
    all: o.all,
    olderThanMs: o.olderThanMs,
    liveness: (owner) => ownerLiveness(owner, host),
  };
}

/** Named volumes hold data: they go with process-lifetime orphans (nobody can come back for them) or when asked. */
function volumeGoes(labels: Labels, reason: CleanReason, o: CleanOptions): boolean {
  if (o.volumes || labels[LABEL.record] === "true") return true; // a record is bookkeeping: it goes with its environment
  return ownershipOf(labels)?.lifetime === "process" && (reason === "owner-dead" || reason === "expired");
}

/** What a cleanup with these options would remove, read with three list calls. */
export async function findCleanable(engine: Runtime, o: CleanOptions = {}): Promise<CleanItem[]> {
  const filter: LabelFilter = { ...(o.filter ?? {}), [LABEL.managed]: "true" };
  const p = policyFrom(o);
  const [containers, networks, volumes] = await Promise.all([
    engine.listContainers(filter, { signal: o.signal }),
    engine.listNetworks(filter, { signal: o.signal }),
    engine.listVolumes(filter, { signal: o.signal }),
  ]);
  const items: CleanItem[] = [];
  const add = (kind: CleanItem["kind"], id: string, name: string, labels: Labels) => {
    const reason = cleanReason(labels, p);
    if (!reason || (kind === "volume" && !volumeGoes(labels, reason, o))) return;
    // An admission ticket holds a live acquire's place in the queue: it goes only as an orphan.
    if (kind === "volume" && isTicket(labels) && reason !== "owner-dead" && reason !== "expired") return;
    items.push({ kind, id, name, project: labels[LABEL.project]!, reason });
  };
  for (const c of containers) add("container", c.id, c.name, c.labels);
  for (const n of networks) add("network", n.id, n.name, n.labels);
  for (const v of volumes) add("volume", v.name, v.name, v.labels);
  // Shared environments whose every user died: nobody will release them, so they are orphans too.
  const taken = new Set(items.map((i) => i.id));
  for (const project of abandonedShared(volumes, p)) {
    const mine = (labels: Labels) => labels[LABEL.project] === project;
    for (const c of containers.filter((x) => mine(x.labels) && !taken.has(x.id)))
      items.push({ kind: "container", id: c.id, name: c.name, project, reason: "users-gone" });
    for (const n of networks.filter((x) => mine(x.labels) && !taken.has(x.id)))
      items.push({ kind: "network", id: n.id, name: n.name, project, reason: "users-gone" });
    // The leases go; named volumes (data) only when asked, as with `down`.
    for (const v of volumes.filter((x) => mine(x.labels) && !taken.has(x.name) && (x.labels[LABEL.lease] || x.labels[LABEL.record] || o.volumes)))
      items.push({ kind: "volume", id: v.name, name: v.name, project, reason: "users-gone" });
  }
  // Detached environments whose acquire and reaper were killed together: never completed, owner dead.
  const half = await halfMade(engine, { containers, networks, volumes }, p, o.signal);
  for (const project of [...half.keys()].sort()) {
    const mine = (labels: Labels) => labels[LABEL.project] === project && isPendingOf(labels, half);
    const taken = new Set(items.map((i) => i.id));
    for (const c of containers.filter((x) => mine(x.labels) && !taken.has(x.id)))
      items.push({ kind: "container", id: c.id, name: c.name, project, reason: "half-made" });
    for (const n of networks.filter((x) => mine(x.labels) && !taken.has(x.id)))
      items.push({ kind: "network", id: n.id, name: n.name, project, reason: "half-made" });
    for (const v of volumes.filter((x) => mine(x.labels) && !taken.has(x.name)))
      items.push({ kind: "volume", id: v.name, name: v.name, project, reason: "half-made" });
  }
  const order = { container: 0, network: 1, volume: 2 };
  return items.sort((a, b) => byText(a.project, b.project) || order[a.kind] - order[b.kind] || byText(a.name, b.name));
}

/**
 * Half-made projects among these resources. The records that settle a project are listed on their
 * own, unfiltered: a narrowing filter (`clean --label …`) must never hide a record and so make a
 * completed environment look abandoned. Listed only when there is a candidate (rare).
 */
async function halfMade(
  engine: Runtime,
  resources: Parameters<typeof halfMadeProjects>[0],
  p: CleanPolicy,
  signal?: AbortSignal,
): Promise<Map<string, Set<string>>> {
  const candidates = halfMadeProjects(resources, p);
  if (candidates.size === 0) return candidates;
  const records = await engine.listVolumes(recordFilter(), { signal });
  return halfMadeProjects({ ...resources, volumes: [...resources.volumes, ...records] }, p);
}

/** Projects with at least one lease, none pinned, and every lease held by a dead process. */
function abandonedShared(volumes: { labels: Labels }[], p: CleanPolicy): string[] {
  const leases = new Map<string, Labels[]>();
  for (const v of volumes)
    if (v.labels[LABEL.lease] && v.labels[LABEL.project]) leases.set(v.labels[LABEL.project]!, [...(leases.get(v.labels[LABEL.project]!) ?? []), v.labels]);
  return [...leases].filter(([, ls]) => ls.every((l) => l[LABEL.lease] === LEASE_KIND.process && leaseHolderDead(l, p))).map(([project]) => project);
}

function leaseHolderDead(labels: Labels, p: CleanPolicy): boolean {
  const pid = Number(labels[LABEL.ownerPid]);
  const started = Number(labels[LABEL.ownerStarted]);
  const host = labels[LABEL.ownerHost];
  return !!host && Number.isInteger(pid) && pid > 0 && p.liveness({ host, pid, started }) === "dead";
}

/**
 * An abandoned shared environment is removed only under its project lock, taken without waiting
 * (someone attaching holds it; then the environment is not abandoned), and after checking again
 * that no living user has appeared meanwhile.
 */
async function stillAbandoned(engine: Runtime, project: string, reason: "users-gone" | "half-made", o: CleanOptions): Promise<AsyncDisposable | null> {
  const lock = await acquireLock(`project-${project}`, { timeoutMs: 0, signal: o.signal }).catch(() => null);
  if (!lock) return null;
  try {
    const filter = managedFilter(project);
    const volumes = await engine.listVolumes(filter, { signal: o.signal });
    if (reason === "users-gone" && abandonedShared(volumes, policyFrom(o)).includes(project)) return lock;
    if (reason === "half-made") {
      const [containers, networks] = await Promise.all([
        engine.listContainers(filter, { signal: o.signal }),
        engine.listNetworks(filter, { signal: o.signal }),
      ]);
      if (halfMadeProjects({ containers, networks, volumes }, policyFrom(o)).has(project)) return lock;
    }
  } catch {
    // cannot tell: leave it for a later cleanup
  }
  await lock.release();
  return null;
}

/**
 * Removes what `findCleanable` selects: containers first (with their anonymous volumes, killed:
 * an orphan's processes have nobody to shut down for), then networks, then volumes. A failure on
 * one resource (e.g. a network another environment still uses) is reported, not thrown.
 */
export async function cleanOrphans(engine: Runtime, o: CleanOptions = {}): Promise<CleanResult> {
  let items = await findCleanable(engine, o);
  if (o.dryRun) return { items, failed: [] };
  const locks: AsyncDisposable[] = [];
  for (const reason of ["users-gone", "half-made"] as const) {
    for (const project of new Set(items.filter((i) => i.reason === reason).map((i) => i.project))) {
      const lock = await stillAbandoned(engine, project, reason, o);
      if (lock) locks.push(lock);
      else items = items.filter((i) => !(i.project === project && i.reason === reason));
    }
  }
  try {
    return await removeItems(engine, items, o);
  } finally {
    for (const l of locks) await l[Symbol.asyncDispose]();
  }
}

async function removeItems(engine: Runtime, items: CleanItem[], o: CleanOptions): Promise<CleanResult> {
  const failed: CleanResult["failed"] = [];
  const done: CleanItem[] = [];
  // Snapshot helpers before the other containers: a helper that still mounts an anonymous volume
  // keeps the engine from removing it with its container. (The name only orders, never selects.)
  const helper = (i: CleanItem) => i.kind === "container" && /_snapshot-(helper|standby)_/.test(i.name);
  for (const wave of ["helper", "container", "network", "volume"] as const) {
    const kind = wave === "helper" ? "container" : wave;
    await Promise.all(
      items
        .filter((i) => i.kind === kind && (wave === "helper") === helper(i))
        .map(async (i) => {
          try {
            if (kind === "container") await engine.removeContainer(i.id, { force: true, volumes: true, signal: o.signal });
            else if (kind === "network") await engine.removeNetwork(i.id, { signal: o.signal });
            else await engine.removeVolume(i.id, { signal: o.signal });
            done.push(i);
          } catch (error) {
            failed.push({ item: i, error: (error as Error).message });
          }
        }),
    );
  }
  return { items: done, failed };
}

/**
 * What every berth command does first: remove orphans of dead owners and expired TTLs. Cheap
 * (three list calls), and it never fails the command that calls it.
 */
export async function reapOrphans(engine: Runtime, o: { signal?: AbortSignal } = {}): Promise<CleanResult> {
  try {
    return await cleanOrphans(engine, { signal: o.signal });
  } catch (error) {
    if (o.signal?.aborted) throw error;
    return { items: [], failed: [] };
  }
}
