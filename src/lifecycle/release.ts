/**
 * Removes everything of a project, selected by berth's labels only: containers (with their
 * anonymous volumes), then networks, then — only when asked — the named volumes berth created.
 */
import type { Runtime } from "../engine/runtime.js";
import type { ContainerSummary, Labels } from "../engine/types.js";
import type { EventListener } from "../events.js";
import { engineFailureOf } from "../engine/errors.js";
import { BerthError, isBerthError } from "../errors.js";
import { LABEL, managedFilter } from "../labels.js";
import { isAnonymousVolume } from "../plan/reconcile.js";
import { currentOwner } from "../cleanup/process-liveness.js";
import { isTicket } from "../guards/admission-decision.js";
import { staleReason } from "../guards/admission-ticket.js";

export interface ReleaseOptions {
  /** Also remove the named volumes berth created for the project (`down -v`). */
  volumes?: boolean;
  /** Seconds a container that holds data gets to stop before it is killed (`down -t`); default: its service's stop_grace_period. */
  stopTimeoutSec?: number;
  /** Touch nothing (not even leases) when the project has no container, no network and (with `volumes`) no named volume: the result's lists are empty. */
  ifExists?: boolean;
  signal?: AbortSignal;
  onEvent?: EventListener;
}

export interface ReleaseResult {
  project: string;
  containers: string[];
  networks: string[];
  volumes: string[];
}

/** Anonymous volumes have 64-hex names and go with the container; named ones and binds stay. */
const keepsData = (c: ContainerSummary) => c.mounts.some((m) => m.type === "bind" || (m.type === "volume" && m.name && !/^[0-9a-f]{64}$/.test(m.name)));

/**
 * Whether a release takes running containers off their networks before removing them (default:
 * no). A forced removal racing the engine's own exit clean-up can leave a stale endpoint behind on
 * dockerd 20.10 under load (moby/moby#43286, fixed in Docker Engine 23), and then the network can
 * never be removed ("has active endpoints") until dockerd restarts. Detaching first was meant to
 * avoid that, but the fault was seen with both orders, and detaching costs ~16% of a removal. The
 * soak compared both orders on dockerd 20.10.24 (two 26-minute runs side by side, 3 workers each,
 * load 25-67): no stale network with either order (0 in ~130 releases each), so the faster order is
 * the default on every engine (docs/reliability.md). BERTH_RELEASE_DETACH=1 brings the detach back.
 */
export function detachesBeforeRemoval(env: Record<string, string | undefined> = process.env): boolean {
  return env.BERTH_RELEASE_DETACH === "1";
}

async function detach(engine: Runtime, c: ContainerSummary, signal?: AbortSignal): Promise<void> {
  if (c.state !== "running") return;
  await Promise.all(c.networks.filter((n) => n !== "host" && n !== "none").map((n) => engine.disconnectNetwork(n, c.id, { signal }).catch(() => undefined)));
}

/**
 * Containers that hold data worth a clean shutdown (a named volume or a bind mount) get a graceful
 * stop first; the rest are removed with SIGKILL, since nothing of theirs survives removal anyway.
 */
async function removeDetached(engine: Runtime, c: ContainerSummary, signal?: AbortSignal, stopTimeoutSec?: number): Promise<void> {
  if (c.state === "running" && keepsData(c)) await engine.stopContainer(c.id, stopTimeoutSec, { signal }); // undefined: its own stop_grace_period
  await engine.removeContainer(c.id, { force: true, volumes: true, signal });
}

/**
 * A recreated container (--force-recreate) mounts its predecessor's anonymous volumes by name,
 * which the engine then keeps at `rm -v`; and an anonymous volume a snapshot helper also mounts is
 * kept at `rm -v` while the helper lives. Once every container is gone, they are removed too.
 */
async function removeAnonymous(engine: Runtime, containers: ContainerSummary[], signal?: AbortSignal): Promise<void> {
  const names = new Set(containers.flatMap((c) => c.mounts.filter(isAnonymousVolume).map((m) => m.name!)));
  await Promise.all([...names].map((n) => engine.removeVolume(n, { signal }).catch(() => undefined)));
}

/**
 * Under load the engine detaches a removed container's endpoint a moment after the removal
 * returns, and refuses to remove the network meanwhile ("has active endpoints"): retry briefly.
 * When the endpoint is stale for good (a dockerd fault), say so and how to clear it.
 */
async function removeNetwork(engine: Runtime, id: string, signal?: AbortSignal): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await engine.removeNetwork(id, { signal });
    } catch (error) {
      if (!isBerthError(error) || engineFailureOf(error) !== "active-endpoints") throw error;
      if (attempt >= 6) {
        throw new BerthError("ENGINE_ERROR", `${error.message} (no container is attached to it any more)`, {
          hint: "A known dockerd 20.10 fault (moby/moby#43286) keeps a stale endpoint after its containers are gone; the network is empty and harmless but the engine refuses to remove it until dockerd restarts. After a restart, `berth clean --all` or `berth down <project>` removes it (it keeps berth's labels).",
          cause: error,
        });
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
    }
  }
}

/** How long a release rides out an engine that is restarting or briefly unreachable (a rollback waits as long). */
export const RELEASE_PATIENCE_MS = 60_000;
const RELEASE_RETRY_MS = 1_000;

export function releaseProject(engine: Runtime, project: string, o: ReleaseOptions = {}): Promise<ReleaseResult> {
  return releaseRidingOut(engine, project, o);
}

/**
 * releaseFrom, retried while the engine does not answer, for up to `patienceMs`: a `down` (or an
 * environment's release) that meets dockerd restarting would otherwise fail and leave the whole
 * environment behind (seen in the soak when dockerd crashed: three `down`s left theirs). Every
 * attempt lists afresh, so what an earlier attempt removed is not asked again; the result names
 * what all attempts removed. A cancel stops the waiting.
 */
export async function releaseRidingOut(runtime: Runtime, project: string, o: ReleaseOptions & { patienceMs?: number } = {}): Promise<ReleaseResult> {
  const until = Date.now() + (o.patienceMs ?? RELEASE_PATIENCE_MS);
  const removed: ReleaseResult = { project, containers: [], networks: [], volumes: [] };
  const onEvent: EventListener = (e) => {
    if (e.type === "removed") ({ container: removed.containers, network: removed.networks, volume: removed.volumes })[e.kind].push(e.name);
    o.onEvent?.(e);
  };
  let warned = false;
  for (;;) {
    try {
      const r = await releaseFrom(runtime, project, { ...o, onEvent });
      if (!warned) return r; // the common case: one attempt, its own result
      const merged = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort();
      return {
        project,
        containers: merged(removed.containers, r.containers),
        networks: merged(removed.networks, r.networks),
        volumes: merged(removed.volumes, r.volumes),
      };
    } catch (error) {
      if (!isBerthError(error) || engineFailureOf(error) !== "engine-gone" || o.signal?.aborted || Date.now() + RELEASE_RETRY_MS > until) throw error;
      if (!warned) {
        warned = true;
        const waitS = Math.round((until - Date.now()) / 1000);
        o.onEvent?.({
          type: "warning",
          project,
          message: `the engine does not answer (${error.message}); retrying the release for up to ${waitS} s`,
          at: Date.now(),
        });
      }
      await new Promise((r) => setTimeout(r, RELEASE_RETRY_MS));
    }
  }
}

/** One attempt of releaseProject: the project's containers, networks and bookkeeping removed. */
export async function releaseFrom(engine: Runtime, project: string, o: ReleaseOptions = {}): Promise<ReleaseResult> {
  const filter = managedFilter(project);
  const emit = (kind: "container" | "network" | "volume", name: string) => o.onEvent?.({ type: "removed", project, kind, name, at: Date.now() });
  const [containers, networks, bookkeeping, named] = await Promise.all([
    engine.listContainers(filter, { signal: o.signal }),
    engine.listNetworks(filter, { signal: o.signal }),
    // Bookkeeping, not data, goes with the environment: the leases of a shared environment (every
    // kind: process and pinned), the record that its acquire completed (settled-record.ts), and an
    // admission ticket of this process or of a dead owner (one its acquire could not remove).
    // One listing, split below.
    engine
      .listVolumes(filter, { signal: o.signal })
      .then((vs) => vs.filter((v) => v.labels[LABEL.lease] || v.labels[LABEL.record] || leftoverTicket(v.labels))),
    o.volumes ? engine.listVolumes({ ...filter, [LABEL.volume]: true }, { signal: o.signal }) : [],
  ]);
  const records = bookkeeping.filter((v) => v.labels[LABEL.record]);
  const result = { project, containers: containers.map((c) => c.name).sort(), networks: networks.map((n) => n.name).sort(), volumes: [] as string[] };
  if (o.ifExists && containers.length === 0 && networks.length === 0 && named.length === 0 && records.length === 0) return result;
  // Networks only once every container is gone. Removing them as soon as the containers were
  // detached overlapped ~0.2 s of iptables work, but the first ten-at-once run with it left one
  // network with a stale endpoint count (moby/moby#43286): not worth the risk.
  const detachFirst = detachesBeforeRemoval();
  const failed = (
    await Promise.allSettled(
      containers.map(async (c) => {
        if (detachFirst) await detach(engine, c, o.signal);
        await removeDetached(engine, c, o.signal, o.stopTimeoutSec);
        emit("container", c.name);
      }),
    )
  ).find((r) => r.status === "rejected");
  // Everything started is seen to its end before an error is reported: no removal is left in flight.
  if (failed) throw failed.reason;
  // Anonymous volumes and networks do not wait for each other.
  await Promise.all([
    removeAnonymous(engine, containers, o.signal),
    ...networks.map(async (n) => {
      await removeNetwork(engine, n.id, o.signal);
      emit("network", n.name);
    }),
  ]);
  // Volumes only now: one still mounted by a container cannot be removed.
  await Promise.all([
    ...bookkeeping.map((v) => engine.removeVolume(v.name, { signal: o.signal })),
    ...named.map(async (v) => {
      await engine.removeVolume(v.name, { signal: o.signal });
      result.volumes.push(v.name);
      emit("volume", v.name);
    }),
  ]);
  result.volumes.sort();
  return result;
}

/** A ticket (src/guards/admission-ticket.ts) nobody will remove before it expires: this process's own, or a dead owner's. */
function leftoverTicket(labels: Labels): boolean {
  if (!isTicket(labels)) return false;
  const me = currentOwner();
  const mine = labels[LABEL.ownerHost] === me.host && labels[LABEL.ownerPid] === String(me.pid) && labels[LABEL.ownerStarted] === String(me.started);
  return mine || staleReason(labels, Date.now()) !== null;
}
