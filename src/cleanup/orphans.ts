/**
 * Finding and removing what berth may remove: selected by berth's labels (`dev.berth.managed`)
 * and then judged by its ownership labels (see ownership.ts). Never by name: a foreign resource
 * called `berth-shop-1` carries no berth label and so can never be listed here.
 */
import { hostname } from "node:os";
import type { Engine, LabelFilter } from "../engine/engine.js";
import type { Labels } from "../engine/types.js";
import { LABEL } from "../labels.js";
import { cleanReason, ownershipOf, type CleanPolicy, type CleanReason } from "./ownership.js";
import { currentUser, ownerLiveness } from "./process-liveness.js";

export interface CleanItem {
  kind: "container" | "network" | "volume";
  id: string;
  name: string;
  project: string;
  reason: CleanReason;
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
  return { now: o.now ?? Date.now(), user: o.user ?? currentUser(), host, all: o.all, olderThanMs: o.olderThanMs, liveness: (owner) => ownerLiveness(owner, host) };
}

/** Named volumes hold data: they go with process-lifetime orphans (nobody can come back for them) or when asked. */
function volumeGoes(labels: Labels, reason: CleanReason, o: CleanOptions): boolean {
  if (o.volumes) return true;
  return ownershipOf(labels)?.lifetime === "process" && (reason === "owner-dead" || reason === "expired");
}

/** What a cleanup with these options would remove, read with three list calls. */
export async function findCleanable(engine: Engine, o: CleanOptions = {}): Promise<CleanItem[]> {
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
    items.push({ kind, id, name, project: labels[LABEL.project]!, reason });
  };
  for (const c of containers) add("container", c.id, c.name, c.labels);
  for (const n of networks) add("network", n.id, n.name, n.labels);
  for (const v of volumes) add("volume", v.name, v.name, v.labels);
  const order = { container: 0, network: 1, volume: 2 };
  return items.sort((a, b) => a.project.localeCompare(b.project) || order[a.kind] - order[b.kind] || a.name.localeCompare(b.name));
}

/**
 * Removes what `findCleanable` selects: containers first (with their anonymous volumes, killed:
 * an orphan's processes have nobody to shut down for), then networks, then volumes. A failure on
 * one resource (e.g. a network another environment still uses) is reported, not thrown.
 */
export async function cleanOrphans(engine: Engine, o: CleanOptions = {}): Promise<CleanResult> {
  const items = await findCleanable(engine, o);
  if (o.dryRun) return { items, failed: [] };
  const failed: CleanResult["failed"] = [];
  const done: CleanItem[] = [];
  for (const kind of ["container", "network", "volume"] as const) {
    await Promise.all(
      items.filter((i) => i.kind === kind).map(async (i) => {
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
export async function reapOrphans(engine: Engine, o: { signal?: AbortSignal } = {}): Promise<CleanResult> {
  try {
    return await cleanOrphans(engine, { signal: o.signal });
  } catch (error) {
    if (o.signal?.aborted) throw error;
    return { items: [], failed: [] };
  }
}
