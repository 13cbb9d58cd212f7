/**
 * `createPool`: keeps `size` environments of a compose file up, healthy, snapshotted and unclaimed.
 * A keeper loop (this process) starts another member in the background for each claim held longer
 * than a reset takes (plan.ts), resets members handed back to their snapshot (discarding one whose
 * reset fails) and keeps them, shrinks back to `size` unclaimed once claims stop for a while
 * (plan.ts), and takes back members whose claimer died.
 * Members are process-lifetime environments of the keeper: when it ends, even by SIGKILL, the
 * reaper removes them with their markers and snapshots. Each member gets a standby helper once its
 * snapshot is taken, so that its resets copy without starting a helper (snapshot/standby.ts); the
 * keeper publishes its figures on the engine (keeper-marker.ts) for status and the status server.
 */
import { randomBytes } from "node:crypto";
import { loadProject } from "../compose/index.js";
import { connectEngine } from "../engine/connect.js";
import type { Engine } from "../engine/engine.js";
import { followEvents } from "../engine/follow-events.js";
import { BerthError, isBerthError } from "../errors.js";
import type { EventListener } from "../events.js";
import { availableMemory, capFor, containerCount, declaredMemory, guardSettings } from "../guards/resources.js";
import { LABEL, managedFilter } from "../labels.js";
import { withLock } from "../locks/file-lock.js";
import { acquire, type AcquireOptions } from "../lifecycle/acquire.js";
import type { Environment } from "../lifecycle/environment.js";
import { prepareStandby } from "../snapshot/restore.js";
import { removeStandby } from "../snapshot/standby.js";
import { claimFromPool } from "./client.js";
import { claimerId, markersByMember, releasedClaim } from "./claim.js";
import { KeeperMarker } from "./keeper-marker.js";
import { checkPoolName, memberProject, POOL_LABEL, poolLockName, poolMarkerKind, readyVolumeName } from "./labels.js";
import { memberLabels } from "./member-labels.js";
import { planPool, type MemberPhase } from "./plan.js";
import { poolLimit } from "./sizing.js";
import { defaultPoolName } from "./name.js";

export interface PoolOptions extends Pick<AcquireOptions, "projectDirectory" | "profiles" | "services" | "readiness" | "timeoutMs" | "ports"> {
  /** The compose file (or files, laid over each other). */
  file?: string;
  files?: string[];
  /**
   * Unclaimed environments the pool keeps: warm, or starting or resetting towards warm. Claimed ones
   * do not count: for each claim held longer than `refillAfterMs` the pool starts another in the
   * background, so that `size` wait again. Members handed back are reset and stay in the pool,
   * which so grows to `size` plus the most environments claimed at once; after `shrinkAfterMs`
   * without a new claim it removes warm members beyond `size`. The guards (container cap, free
   * memory) bound the total (`status().limit`).
   */
  size: number;
  /** How long the pool keeps members beyond `size` unclaimed after the last claim (default 30 s). */
  shrinkAfterMs?: number;
  /** The pool's name, which other processes claim from (default: derived from the files and directory). */
  name?: string;
  /** Name of the snapshot each member takes once it is first ready, and is reset to when handed back (default "pool"). */
  snapshot?: string;
  engine?: Engine;
  env?: Record<string, string | undefined>;
  /** Image of the helper container that copies volume data (see SnapshotOptions). */
  helperImage?: string;
  /** How long a reset may take before the member is discarded (default 60 s). */
  resetTimeoutMs?: number;
  /**
   * How long a claim is held before the pool starts another member in its place (default: the
   * median time this pool's resets take, 2 s until it has reset one). A member handed back sooner
   * is warm again after its reset, before a new one could be: see plan.ts.
   */
  refillAfterMs?: number;
  onEvent?: EventListener;
}

export interface PoolStatus {
  name: string;
  size: number;
  /** Members the guards allow now, claimed ones included. */
  limit: number;
  warm: number;
  claimed: number;
  starting: number;
  resetting: number;
  resets: number;
  discarded: number;
  claims: number;
  /**
   * Median claim latency, ms (undefined before the first claim): the time this pool's `acquire()`
   * took, and for claims of other processes (claimFromPool) the wait their claim's label records.
   */
  claimLatencyMs?: number;
}

interface Member {
  project: string;
  phase: MemberPhase;
  env?: Environment;
  /** Its standby helper being prepared (after the member turned warm): a removal waits for it, or would leave the helper behind. */
  preparing?: Promise<void>;
}

const TICK_MS = 250;
const SHRINK_AFTER_MS = 30_000;
/** refillAfterMs until the pool has timed a reset of its own. */
const REFILL_AFTER_MS = 2_000;
/** Resets whose durations the default refillAfterMs is the median of. */
const RESETS_TIMED = 20;
/** How long after the engine ended the keeper's event subscription (or refused one) it is made again. */
const RESUBSCRIBE_MS = 1_000;
/** Start failures that no retry mends: ready() gives up on the first (the keeper itself keeps trying, as for any failure). */
const PERMANENT_FAILURES = ["COMPOSE_NOT_FOUND", "COMPOSE_INVALID", "IMAGE_NOT_FOUND", "USAGE"] as const;

export async function createPool(o: PoolOptions): Promise<Pool> {
  const files = o.files ?? (o.file ? [o.file] : undefined);
  const env = { ...process.env, ...o.env };
  if (!Number.isInteger(o.size) || o.size < 0) throw new BerthError("USAGE", `pool size must be a whole number, not ${o.size}`);
  if (o.shrinkAfterMs !== undefined && !(o.shrinkAfterMs >= 0)) throw new BerthError("USAGE", `shrinkAfterMs must be at least 0, not ${o.shrinkAfterMs}`);
  if (o.refillAfterMs !== undefined && !(o.refillAfterMs >= 0)) throw new BerthError("USAGE", `refillAfterMs must be at least 0, not ${o.refillAfterMs}`);
  const name = checkPoolName(o.name ?? defaultPoolName(files ?? [], o.projectDirectory ?? process.cwd()));
  const engine = o.engine ?? (await connectEngine({ env }));
  const spec = await loadProject({ files, projectDirectory: o.projectDirectory, profiles: o.profiles, env, cwd: process.cwd() });
  const pool = new Pool(name, { ...o, files: spec.files, env }, engine, { containers: containerCount(spec), memory: declaredMemory(spec) });
  pool.start();
  return pool;
}

export class Pool implements AsyncDisposable {
  private readonly members = new Map<string, Member>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly latencies: number[] = [];
  private readonly counters = { resets: 0, discarded: 0, claims: 0 };
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  /** Something changed while a tick ran: the next one follows at once. */
  private again = false;
  /** Ends the subscription that wakes the keeper when a claim is made or handed back. */
  private readonly wake = new AbortController();
  /** Live claim volume → when this keeper first saw it. */
  private readonly claimSeenAt = new Map<string, number>();
  /** How long this pool's last resets took, ms. */
  private readonly resetTimes: number[] = [];
  private closing = false;
  private limit = Number.POSITIVE_INFINITY;
  private backoffUntil = 0;
  private lastError: unknown;
  private ncpu: number | undefined;
  /** Claim volumes of other processes already counted (their latency comes from the claim's label). */
  private readonly seenClaims = new Set<string>();
  /** Claim volumes seen at the last tick, and when a new claim was last seen (the pool shrinks after a while without). */
  private liveClaims = new Set<string>();
  private lastClaimAt = Number.NEGATIVE_INFINITY;
  private readonly marker: KeeperMarker;

  /** @internal */
  constructor(
    readonly name: string,
    private readonly o: PoolOptions & { files: string[]; env: Record<string, string | undefined> },
    private readonly engine: Engine,
    private readonly perMember: { containers: number; memory: number },
  ) {
    this.marker = new KeeperMarker(engine, name, o.env);
  }

  /** @internal */
  start(): void {
    void this.tick();
    this.followClaims();
  }

  /**
   * Claims are made and handed back by other processes too (claimFromPool): seeing their volumes
   * come and go as they do starts a reset at once, not at the next tick. Volume events carry no
   * labels, so they are told by name (labels.ts). The ticks still see everything without the
   * subscription; when it ends or cannot be made (the engine restarted), it is made again a second later
   * (follow-events.ts).
   */
  private followClaims(): void {
    followEvents(this.engine, { labels: {}, types: ["volume"] }, (e) => poolMarkerKind(this.name, e.id) === "claim" && this.poke(), {
      signal: this.wake.signal,
      retryMs: RESUBSCRIBE_MS,
      onGap: () => this.poke(),
    });
  }

  /** Claims a warm environment (waiting for one when none is free); its `release()` hands it back to be reset. */
  async acquire(options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Environment> {
    const t0 = performance.now();
    const env = await claimFromPool(this.name, { engine: this.engine, env: this.o.env, ...options });
    this.latencies.push(performance.now() - t0);
    this.counters.claims++;
    this.lastClaimAt = Date.now();
    this.schedule(0);
    const release = env.release.bind(env);
    env.release = async (ro) => {
      const r = await release(ro);
      this.schedule(0);
      return r;
    };
    return env;
  }

  /**
   * Resolves once `size` members are warm (or as many as the guards allow beside the claimed ones);
   * rejects with the last start failure after `timeoutMs`, and at once when that failure is one no
   * retry mends (a missing image, a compose file that does not load).
   */
  async ready(options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 300_000);
    for (;;) {
      const s = await this.status();
      if (s.warm >= Math.min(this.o.size, Math.max(0, s.limit - s.claimed))) return;
      // Every start would meet it again (a missing image, a file that does not load): say so now, not after the timeout.
      if (isBerthError(this.lastError, ...PERMANENT_FAILURES)) throw this.lastError;
      if (Date.now() > deadline) {
        throw new BerthError("HEALTH_TIMEOUT", `pool ${this.name}: ${s.warm} of ${this.o.size} environments warm in time`, { cause: this.lastError });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async status(): Promise<PoolStatus> {
    const marks = markersByMember(await this.engine.listVolumes({ [POOL_LABEL.name]: this.name }));
    const up = [...this.members.values()].filter((m) => m.phase === "up");
    return {
      name: this.name,
      ...this.figures(),
      limit: this.limit,
      warm: up.filter((m) => marks.get(m.project)?.ready).length,
      claimed: up.filter((m) => marks.get(m.project)?.claims.some((c) => c.claimerAlive)).length,
    };
  }

  /** What only this keeper knows, as published on its marker. */
  private figures() {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const members = [...this.members.values()];
    return {
      size: this.o.size,
      limit: Number.isFinite(this.limit) ? this.limit : null,
      starting: members.filter((m) => m.phase === "starting").length,
      resetting: members.filter((m) => m.phase === "resetting").length,
      ...this.counters,
      ...(sorted.length ? { claimLatencyMs: Math.round(sorted[sorted.length >> 1]!) } : {}),
    };
  }

  /** Stops refilling and removes every member, claimed or not, with its markers and snapshot. */
  async close(): Promise<void> {
    this.closing = true;
    this.wake.abort();
    clearTimeout(this.timer);
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
    await Promise.allSettled([...this.members.values()].map((m) => this.remove(m)));
    await this.marker.remove();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** A tick now, or right after the one running. */
  private poke(): void {
    if (this.ticking) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms = TICK_MS): void {
    if (this.closing) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => {
      this.inflight.delete(p);
      this.schedule(0);
    });
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.closing) return;
    this.ticking = true;
    try {
      // Phases as they were before the listing: a member that comes up (marked ready) after it may
      // be claimed before the plan runs, and its stale marks (no ready marker, no claim) would read
      // as handed back, so it would be reset under its claimer.
      const phases = new Map([...this.members.values()].map((m) => [m.project, m.phase]));
      const volumes = await this.engine.listVolumes({ [POOL_LABEL.name]: this.name });
      const marks = markersByMember(volumes);
      this.noteClaims(marks, volumes);
      this.limit = await this.currentLimit();
      const held = this.claimAges(marks);
      const plan = planPool({
        size: this.o.size,
        limit: this.limit,
        members: [...this.members.values()].map((m) => ({
          project: m.project,
          phase: phases.get(m.project) ?? "starting",
          ready: false,
          ...marks.get(m.project),
          claims: (marks.get(m.project)?.claims ?? []).map((c) => ({ ...c, heldMs: held.get(c.volume) })),
        })),
        refillAfterMs: this.refillAfterMs(),
        sinceClaimMs: Date.now() - this.lastClaimAt,
        shrinkAfterMs: this.o.shrinkAfterMs ?? SHRINK_AFTER_MS,
        closing: this.closing,
      });
      await this.countForeignClaims(marks, volumes);
      for (const v of plan.reclaim) await this.engine.removeVolume(v);
      for (const p of plan.reset) this.track(this.reset(this.members.get(p)!));
      for (const p of plan.trim) {
        const m = this.members.get(p);
        if (m && !this.closing && (await this.unmark(p))) this.track(this.remove(m));
      }
      if (Date.now() >= this.backoffUntil) for (let i = 0; i < plan.start; i++) this.track(this.startMember());
      if (!this.closing) await this.marker.publish(this.figures());
    } catch (e) {
      this.warn(`pool ${this.name}: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.ticking = false;
      this.schedule(this.again ? 0 : TICK_MS);
      this.again = false;
    }
  }

  /** How long each live claim has been held, as far as this keeper has seen it (from the tick that first listed it). */
  private claimAges(marks: ReturnType<typeof markersByMember>): Map<string, number> {
    const now = Date.now();
    const live = new Set([...marks.values()].flatMap((m) => m.claims.map((c) => c.volume)));
    for (const v of this.claimSeenAt.keys()) if (!live.has(v)) this.claimSeenAt.delete(v);
    for (const v of live) if (!this.claimSeenAt.has(v)) this.claimSeenAt.set(v, now);
    return new Map([...this.claimSeenAt].map(([v, at]) => [v, now - at]));
  }

  private refillAfterMs(): number {
    if (this.o.refillAfterMs !== undefined) return this.o.refillAfterMs;
    if (this.resetTimes.length === 0) return REFILL_AFTER_MS;
    const sorted = [...this.resetTimes].sort((a, b) => a - b);
    return sorted[sorted.length >> 1]!;
  }

  /** A claim volume not there at the last tick, or a released marker (a claim made and handed back since), is a new claim. */
  private noteClaims(marks: ReturnType<typeof markersByMember>, volumes: { name: string; labels: Record<string, string> }[]): void {
    const live = new Set([...marks.values()].flatMap((m) => m.claims.map((c) => c.volume)));
    if ([...live].some((v) => !this.liveClaims.has(v)) || volumes.some((v) => releasedClaim(v))) this.lastClaimAt = Date.now();
    this.liveClaims = live;
  }

  /**
   * Takes a warm member out of reach of claimers before it is removed: under the pool's lock, as a
   * claim (claim.ts), its ready marker goes only if it is still there and no claim came first.
   */
  private async unmark(project: string): Promise<boolean> {
    return withLock(poolLockName(this.name), { env: this.o.env }, async () => {
      const marks = markersByMember(await this.engine.listVolumes({ ...managedFilter(project), [POOL_LABEL.name]: this.name })).get(project);
      if (!marks?.ready || marks.claims.length) return false;
      await this.engine.removeVolume(readyVolumeName(project));
      return true;
    });
  }

  /**
   * Claims made by other processes (claimFromPool) count too, with the wait their claim's label
   * records: seen while they last, or from the released marker they leave (which then goes).
   */
  private async countForeignClaims(marks: ReturnType<typeof markersByMember>, volumes: { name: string; labels: Record<string, string> }[]): Promise<void> {
    const me = claimerId();
    const count = (c: { claim: string; claimer?: string; waitedMs?: number }) => {
      if (this.seenClaims.has(c.claim) || c.claimer === me) return;
      this.seenClaims.add(c.claim);
      this.counters.claims++;
      if (c.waitedMs !== undefined) this.latencies.push(c.waitedMs);
    };
    for (const m of marks.values()) for (const c of m.claims) count({ ...c, claim: c.volume });
    for (const v of volumes) {
      const released = releasedClaim(v);
      if (!released) continue;
      count(released);
      // Once the marker is gone the claim is never seen again: forget it (kept while the marker stays, so it counts once).
      if (
        await this.engine.removeVolume(v.name).then(
          () => true,
          () => false,
        )
      )
        this.seenClaims.delete(released.claim);
    }
  }

  /** What the guards allow: the container cap (other berth containers count against it) and free memory. */
  private async currentLimit(): Promise<number> {
    const g = guardSettings(this.o.env);
    this.ncpu ??= (await this.engine.systemInfo()).ncpu;
    const running = await this.engine.listContainers({ [LABEL.managed]: "true" });
    return poolLimit({
      containersPerMember: this.perMember.containers,
      maxContainers: capFor(g.maxContainers, this.ncpu),
      otherContainers: running.filter((c) => c.labels[POOL_LABEL.name] !== this.name).length,
      memoryPerMember: this.perMember.memory,
      availableMemory: this.engine.endpoint.startsWith("unix://") ? availableMemory() : undefined,
      minFreeMemory: g.minFreeMemoryBytes,
      members: this.members.size,
    });
  }

  private async startMember(): Promise<void> {
    const m: Member = { project: memberProject(this.name, randomBytes(4).toString("hex")), phase: "starting" };
    this.members.set(m.project, m);
    try {
      const extra = [this.o.env.BERTH_LABELS, `${POOL_LABEL.name}=${this.name}`].filter(Boolean).join(",");
      m.env = await acquire({
        files: this.o.files,
        projectDirectory: this.o.projectDirectory,
        profiles: this.o.profiles,
        services: this.o.services,
        readiness: this.o.readiness,
        timeoutMs: this.o.timeoutMs,
        ports: this.o.ports,
        projectName: m.project,
        kind: "test",
        lifetime: "process",
        mode: "dedicated",
        engine: this.engine,
        env: { ...this.o.env, BERTH_LABELS: extra },
        inheritEnv: false,
        onEvent: this.o.onEvent,
      });
      const labels = await this.labelsOf(m.project);
      await m.env.snapshot(this.snapshotName, { labels, helperImage: this.o.helperImage, env: this.o.env });
      if (this.closing) throw new BerthError("ABORTED", "the pool is closing");
      await this.markReady(m, labels);
      // A failure before a start that succeeded says nothing about the next (ready() reads it).
      this.lastError = undefined;
      await this.prepareStandby(m);
    } catch (e) {
      this.lastError = e;
      this.backoffUntil = Date.now() + 2000;
      this.warn(`pool ${this.name}: starting ${m.project} failed: ${e instanceof Error ? e.message : String(e)}`);
      await this.remove(m);
    }
  }

  private get snapshotName(): string {
    return this.o.snapshot ?? "pool";
  }

  private async labelsOf(project: string) {
    const [c] = await this.engine.listContainers(managedFilter(project));
    return memberLabels(c?.labels ?? {});
  }

  /**
   * A standby helper for the member's next reset (a no-op when one is ready): started while the
   * member waits or is in use, never on a reset's critical path. Without one, a reset still works.
   */
  private async prepareStandby(m: Member): Promise<void> {
    const p = this.startStandby(m);
    m.preparing = p;
    await p;
    if (m.preparing === p) m.preparing = undefined;
  }

  private async startStandby(m: Member): Promise<void> {
    const extra = [this.o.env.BERTH_LABELS, `${POOL_LABEL.name}=${this.name}`].filter(Boolean).join(",");
    try {
      await prepareStandby(this.engine, m.project, this.snapshotName, { helperImage: this.o.helperImage, env: { ...this.o.env, BERTH_LABELS: extra } });
    } catch (e) {
      if (this.members.has(m.project))
        this.warn(
          `pool ${this.name}: no standby helper for ${m.project} (its resets copy with a one-shot helper): ${e instanceof Error ? e.message : String(e)}`,
        );
    }
  }

  private async markReady(m: Member, labels: Record<string, string>): Promise<void> {
    await this.engine.createVolume(readyVolumeName(m.project), { ...labels, [POOL_LABEL.ready]: "true" });
    m.phase = "up";
  }

  /** A member handed back: reset to its snapshot and marked ready again; discarded when the reset fails. */
  private async reset(m: Member): Promise<void> {
    m.phase = "resetting";
    try {
      // A member handed back soon after it came up (or after its last reset) may still be getting
      // its standby: without it the reset would copy with a helper of its own, in place, and the
      // standby's spare would be filled for nothing. Its spare is usually most of the way there.
      await m.preparing;
      const t0 = Date.now();
      await m.env!.reset(this.snapshotName, { helperImage: this.o.helperImage, env: this.o.env, timeoutMs: this.o.resetTimeoutMs ?? 60_000 });
      if (this.closing) return;
      this.resetTimes.push(Date.now() - t0);
      if (this.resetTimes.length > RESETS_TIMED) this.resetTimes.shift();
      this.counters.resets++;
      await this.markReady(m, await this.labelsOf(m.project));
      await this.prepareStandby(m);
    } catch (e) {
      this.counters.discarded++;
      this.warn(`pool ${this.name}: reset of ${m.project} failed, discarding it: ${e instanceof Error ? e.message : String(e)}`);
      await this.remove(m);
    }
  }

  /** Removes a member: its environment (named volumes too) and every pool volume of it (marker, claims, snapshot). */
  private async remove(m: Member): Promise<void> {
    this.members.delete(m.project);
    try {
      // A trim can meet a member whose standby is still being started (it is warm already): the
      // helper would appear after the removal below and keep the member's volumes.
      await m.preparing;
      // The standby mounts the member's volumes: it goes first, so that they can go with the member.
      await removeStandby(this.engine, { project: m.project });
      if (m.env) await m.env.release({ volumes: true });
      for (const v of await this.engine.listVolumes({ ...managedFilter(m.project), [POOL_LABEL.name]: this.name })) await this.engine.removeVolume(v.name);
    } catch (e) {
      this.warn(`pool ${this.name}: removing ${m.project} failed (the reaper takes it when this process ends): ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private warn(message: string): void {
    this.o.onEvent?.({ type: "warning", project: this.name, message, at: Date.now() });
  }
}
