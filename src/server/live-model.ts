/**
 * What the server shows, kept current from engine events: every berth container (inspected) and
 * every berth network. A full read at (re)connection, then only the container an event names is
 * read again, so a page or a scrape never makes the server poll the engine. A container the engine
 * still calls "starting" whose run a completed `berth up` saw ready (its settled record) is HEALTHY,
 * as `berth status` shows it: without running anything inside the container.
 */
import type { Engine } from "../engine/engine.js";
import type { ContainerDetails } from "../engine/types.js";
import { sinceOf, stateOf, type ServiceState } from "../health/state.js";
import { LABEL, managedFilter } from "../labels.js";
import { provenRuns, provesRun, recordFilter } from "../cleanup/settled-record.js";
import { listPools, type PoolView } from "../pool/status.js";
import { readBack, hostAddress } from "../ports/bindings.js";
import { isSnapshotHelper } from "../snapshot/labels.js";

export interface ContainerRecord {
  id: string;
  name: string;
  project: string;
  service: string;
  number: number;
  image: string;
  state: ServiceState;
  /** The engine's own status (running, exited, …) and health status (none, starting, healthy, unhealthy). */
  status: string;
  health: string;
  /** ISO time of the last state transition. */
  since?: string;
  startedAt?: string;
  exitCode: number;
  restartCount: number;
  oomKilled: boolean;
  ports: { containerPort: number; protocol: string; hostIp: string; hostPort: number; address: string }[];
  dependsOn: string[];
  labels: Record<string, string>;
  lastCheck?: { exitCode: number; output: string; at: string };
}

export interface NetworkRecord {
  id: string;
  name: string;
  project: string;
  labels: Record<string, string>;
}

export function recordOf(c: ContainerDetails): ContainerRecord {
  const valid = (t?: string) => (t && !t.startsWith("0001") ? t : undefined);
  const last = c.state.healthLog.at(-1);
  const since = sinceOf(c.state);
  const startedAt = valid(c.state.startedAt);
  return {
    id: c.id,
    name: c.name,
    project: c.labels[LABEL.project] ?? "?",
    service: c.labels[LABEL.service] ?? "?",
    number: Number(c.labels[LABEL.number] ?? 1),
    image: c.image,
    state: stateOf(c.state, c.labels[LABEL.job] === "true"),
    status: c.state.status,
    health: c.state.health,
    ...(since ? { since } : {}),
    ...(startedAt ? { startedAt } : {}),
    exitCode: c.state.exitCode,
    restartCount: c.state.restartCount,
    oomKilled: c.state.oomKilled,
    ports: readBack(c.ports).map((p) => ({ ...p, address: hostAddress(p) })),
    dependsOn: (c.labels[LABEL.dependsOn] ?? "").split(",").filter(Boolean).sort(),
    labels: c.labels,
    ...(last ? { lastCheck: { exitCode: last.exitCode, output: last.output.trim().slice(-500), at: last.end } } : {}),
  };
}

type Proofs = ReadonlyMap<string, ReadonlyMap<string, { startedAt: string }>>;

/** The record as shown: STARTING becomes HEALTHY when the project's settled record proves this very run ready. Pure. */
export function withProof(c: ContainerRecord, proofs: Proofs): ContainerRecord {
  if (c.state !== "STARTING" || c.status !== "running") return c;
  return provesRun(proofs.get(c.project), c.name, c.startedAt) ? { ...c, state: "HEALTHY" } : c;
}

/**
 * The record as shown: an exit 137 without the engine's OOM flag is OOM-killed when the engine's
 * event stream reported an "oom" for the container during that run (`oomAt`, ms). dockerd 20.10
 * can set the flag from the exit before the kernel's notice arrives, and then never (health/oom.ts),
 * while the event still comes. Pure.
 */
export function withOom(c: ContainerRecord, oomAt: number | undefined): ContainerRecord {
  if (c.oomKilled || oomAt === undefined || c.status === "running" || c.exitCode !== 137) return c;
  const started = Date.parse(c.startedAt ?? "");
  return Number.isFinite(started) && oomAt >= started ? { ...c, oomKilled: true } : c;
}

/** How long a destroyed container's id is remembered (far longer than any inspect takes). */
const REMOVED_MEMORY_MS = 60_000;

/** Runs `fn` over `items` with at most `limit` at once. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export class LiveModel {
  private containers = new Map<string, ContainerRecord>();
  private networks = new Map<string, NetworkRecord>();
  private pools: PoolView[] = [];
  /** Per project, the container runs its settled record proves ready (cleanup/settled-record.ts). */
  private proofs: Proofs = new Map();
  /** The newest "oom" event per container (id → engine time, ms), for the flag dockerd may miss. */
  private readonly oomAt = new Map<string, number>();
  /** Containers destroyed lately (id → when), so a late inspect answer cannot resurrect them. */
  private readonly removed = new Map<string, number>();
  /** Bumped on every change; SSE clients get a snapshot when it moves. */
  version = 0;
  /** When the model last matched the engine completely. */
  syncedAt: number | undefined;

  constructor(private readonly onChange: () => void) {}

  get containerList(): ContainerRecord[] {
    return [...this.containers.values()].map((c) => withOom(withProof(c, this.proofs), this.oomAt.get(c.id)));
  }

  get networkList(): NetworkRecord[] {
    return [...this.networks.values()];
  }

  /** Pools as their labels and keeper markers show them (pool/status.ts). */
  get poolList(): PoolView[] {
    return this.pools;
  }

  private changed(): void {
    this.version++;
    this.onChange();
  }

  /** Reads every berth container and network; replaces what the model had. */
  async resync(engine: Engine, signal: AbortSignal): Promise<void> {
    const [all, nets] = await Promise.all([engine.listContainers(managedFilter(), { signal }), engine.listNetworks(managedFilter(), { signal })]);
    // A snapshot helper copying data is no service's container: not shown.
    const list = all.filter((c) => !isSnapshotHelper(c.labels));
    const details = await mapLimited(list, 8, (c) =>
      engine.inspectContainer(c.id, { signal }).catch((e: unknown) => {
        if ((e as { code?: string }).code === "NOT_FOUND") return null; // removed meanwhile
        throw e;
      }),
    );
    this.containers = new Map(details.filter((d) => d !== null).map((d) => [d.id, recordOf(d)]));
    for (const id of this.oomAt.keys()) if (!this.containers.has(id)) this.oomAt.delete(id);
    this.networks = new Map(nets.map((n) => [n.id, { id: n.id, name: n.name, project: n.labels[LABEL.project] ?? "?", labels: n.labels }]));
    [this.pools, this.proofs] = await Promise.all([listPools(engine, { signal }), readProofs(engine, signal)]);
    this.syncedAt = Date.now();
    this.changed();
  }

  /** Reads one container again after an event named it; a 404 means it is gone. */
  async refreshContainer(engine: Engine, id: string, signal: AbortSignal): Promise<void> {
    try {
      const d = await engine.inspectContainer(id, { signal });
      // An inspect answered just before the container's removal must not bring it back.
      if (d.labels[LABEL.managed] !== "true" || isSnapshotHelper(d.labels) || this.removed.has(id)) return;
      this.containers.set(id, recordOf(d));
    } catch (error) {
      if ((error as { code?: string }).code !== "NOT_FOUND") throw error;
      if (!this.containers.delete(id)) return;
    }
    this.changed();
  }

  async refreshNetworks(engine: Engine, signal: AbortSignal): Promise<void> {
    const nets = await engine.listNetworks(managedFilter(), { signal });
    this.networks = new Map(nets.map((n) => [n.id, { id: n.id, name: n.name, project: n.labels[LABEL.project] ?? "?", labels: n.labels }]));
    this.changed();
  }

  /** Reads the pools and the settled records again (a volume came or went: markers, claims and records are volumes). */
  async refreshVolumes(engine: Engine, signal: AbortSignal): Promise<void> {
    const [pools, proofs] = await Promise.all([listPools(engine, { signal }), readProofs(engine, signal)]);
    const same = JSON.stringify(pools) === JSON.stringify(this.pools) && proofsText(proofs) === proofsText(this.proofs);
    this.pools = pools;
    this.proofs = proofs;
    if (!same) this.changed();
  }

  /** The engine reported an "oom" for a container (also from replayed history: it may be the only word of it). */
  sawOom(id: string, atMs: number): void {
    if ((this.oomAt.get(id) ?? -1) >= atMs) return;
    this.oomAt.set(id, atMs);
    if (this.containers.has(id)) this.changed();
  }

  /** A container the engine reported destroyed: no need to ask the engine. */
  forget(id: string): void {
    const now = Date.now();
    this.oomAt.delete(id);
    this.removed.set(id, now);
    for (const [old, at] of this.removed) if (now - at > REMOVED_MEMORY_MS) this.removed.delete(old);
    if (this.containers.delete(id)) this.changed();
  }

  /** A network the engine reported destroyed. */
  forgetNetwork(id: string): void {
    if (this.networks.delete(id)) this.changed();
  }
}

async function readProofs(engine: Engine, signal: AbortSignal): Promise<Proofs> {
  return provenRuns(await engine.listVolumes(recordFilter(), { signal }));
}

const proofsText = (p: Proofs) => JSON.stringify([...p].map(([project, runs]) => [project, [...runs]]));
