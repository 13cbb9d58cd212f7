/**
 * Admission control per engine, across processes: an acquire that would take berth past the
 * container cap or the memory floor waits its turn (first come, first served) until capacity is
 * released, instead of every process checking for itself and all of them passing at once.
 *
 * acquire holds an Admission for its whole run (`await using`): `admit()` before anything is
 * created, and disposal when acquire ends — its containers then count as berth's containers (on
 * success) or are gone (after the rollback) — removes its ticket. See docs/guards.md.
 */
import { availableParallelism } from "node:os";
import type { ProjectSpec } from "../compose/model.js";
import type { Runtime } from "../engine/runtime.js";
import type { EventListener } from "../events.js";
import { extraLabels } from "../labels.js";
import { currentOwner } from "../cleanup/process-liveness.js";
import { ensureReaper, type ReaperLease } from "../cleanup/reaper.js";
import { decideAdmission, type AdmissionVerdict } from "./admission-decision.js";
import { refusal, timedOut } from "./admission-errors.js";
import { createTicket, readQueue, type TicketHandle } from "./admission-ticket.js";
import { waitForChange } from "./admission-wake.js";
import { availableMemory, capFor, checkEngine, checkGuards, containerCount, declaredMemory, guardSettings, type GuardSettings } from "./resources.js";

export interface AdmissionOptions {
  engine: Runtime;
  spec: ProjectSpec;
  project: string;
  env: Record<string, string | undefined>;
  /** Settings over BERTH_MIN_FREE_MEMORY / BERTH_MAX_CONTAINERS; false: no guards, no admission. */
  guards?: Partial<GuardSettings> | false;
  /** Wait for capacity (default) or refuse at once (`--no-wait`). */
  wait?: boolean;
  scale?: Record<string, number>;
  /** The acquire's deadline (ms since epoch): the wait ends there. */
  deadline: number;
  emit: EventListener;
  signal?: AbortSignal;
}

/** How long a ticket outlives its acquire's deadline (a rollback still running), before anyone may remove it. */
const TICKET_GRACE_MS = 30_000;

export class Admission implements AsyncDisposable {
  private handle: TicketHandle | undefined;
  /** The ticket's creation, settled before disposal looks for the ticket to remove. */
  private creating: Promise<unknown> = Promise.resolve();
  private lease: ReaperLease | undefined;
  /** Aborted on disposal: an acquire that failed elsewhere while this one waited stops its wait. */
  private readonly closed = new AbortController();

  constructor(private readonly o: AdmissionOptions) {}

  /** Resolves once this acquire may create its containers; throws GUARD_REFUSED (or the engine's error) otherwise. */
  async admit(): Promise<void> {
    const { engine, spec, env } = this.o;
    const signal = this.signal();
    if (this.o.guards === false) return;
    const settings = guardSettings(env, this.o.guards ?? {});
    const local = engine.endpoint.startsWith("unix://");
    const memoryBytes = declaredMemory(spec);
    const judgesMemory = local && settings.minFreeMemoryBytes > 0;
    // Without a cap, and nothing declared that others must count: no queue, the checks of old.
    if (settings.maxContainers === 0 && !(judgesMemory && memoryBytes > 0)) {
      return checkGuards(engine, spec, settings, signal);
    }
    // The ping, the engine's CPU count and the ticket all go out at once: one round trip when idle.
    const ping = checkEngine(engine, settings.engineTimeoutMs, signal);
    const cpus = settings.maxContainers === "auto" ? engineCpus(engine, local, signal) : Promise.resolve(undefined);
    const owner = currentOwner();
    // The reaper watches before the ticket exists: a waiter killed now leaves nothing in the queue.
    this.lease = ensureReaper({ owner, endpoint: engine.endpoint, env });
    const created = createTicket(
      engine,
      {
        project: this.o.project,
        owner,
        containers: containerCount(spec, this.o.scale),
        memoryBytes,
        expiresAt: this.o.deadline + TICKET_GRACE_MS,
        extra: extraLabels(env),
      },
      { env, deadline: this.o.deadline, signal },
    );
    this.creating = created.then(
      (h) => (this.handle = h),
      () => undefined,
    );
    await Promise.all([ping, created]);
    const cap = capFor(settings.maxContainers, await cpus);
    const memoryFloor = judgesMemory ? settings.minFreeMemoryBytes : undefined;
    await this.waitTurn(cap, memoryFloor);
  }

  private signal(): AbortSignal {
    return this.o.signal ? AbortSignal.any([this.o.signal, this.closed.signal]) : this.closed.signal;
  }

  private async judge(cap: number, memoryFloor: number | undefined): Promise<AdmissionVerdict> {
    const { engine } = this.o;
    const signal = this.signal();
    signal.throwIfAborted();
    const mine = this.handle!;
    const queue = await readQueue(engine, signal);
    if (!queue.tickets.some((t) => t.name === mine.ticket.name)) {
      // Removed by someone (`docker volume prune`, a clean): put it back, in its old place.
      signal.throwIfAborted(); // ...unless this acquire has ended meanwhile
      await engine.createVolume(mine.ticket.name, mine.labels);
      queue.tickets.push(mine.ticket);
    }
    const available = memoryFloor !== undefined ? availableMemory() : undefined;
    return decideAdmission({
      tickets: queue.tickets,
      containerProjects: queue.containerProjects,
      mine: mine.ticket.name,
      cap,
      memory: available !== undefined ? { availableBytes: available, floorBytes: memoryFloor! } : undefined,
    });
  }

  private async waitTurn(cap: number, memoryFloor: number | undefined): Promise<void> {
    const { engine, project, emit } = this.o;
    const signal = this.signal();
    const t0 = Date.now();
    let verdict = await this.judge(cap, memoryFloor);
    if (verdict.admitted) return;
    const why = { cap, memoryFloor, containers: this.handle!.ticket.containers, memoryBytes: this.handle!.ticket.memoryBytes };
    if (verdict.never || this.o.wait === false) throw refusal(verdict, why);
    // Events first, then a fresh look: nothing released between the two can be missed.
    const watch = new AbortController();
    const stop = AbortSignal.any([signal, watch.signal]);
    const changes = await waitForChange(engine, stop);
    try {
      verdict = await this.judge(cap, memoryFloor);
      let shown = "";
      while (!verdict.admitted) {
        // Reported when what it waits on changes; free memory moves all the time, so in 0.1 GiB steps.
        const memory = verdict.waitingFor === "memory" ? Math.round(((verdict.memoryLeftBytes ?? 0) / 2 ** 30) * 10) : "";
        const line = `${verdict.waitingFor}:${verdict.inUse}/${verdict.cap}:${verdict.ahead}:${memory}`;
        if (line !== shown) {
          shown = line;
          emit({
            type: "admission",
            project,
            phase: "waiting",
            waitingFor: verdict.waitingFor!,
            inUse: verdict.inUse,
            cap: verdict.cap,
            ahead: verdict.ahead,
            adds: verdict.adds,
            memoryLeftBytes: verdict.memoryLeftBytes,
            at: Date.now(),
            waitedMs: Date.now() - t0,
          });
        }
        const left = this.o.deadline - Date.now();
        if (left <= 0) throw timedOut(verdict, why, Date.now() - t0);
        await changes.next(left, { containers: verdict.ahead === 0 });
        signal.throwIfAborted();
        verdict = await this.judge(cap, memoryFloor);
      }
      emit({
        type: "admission",
        project,
        phase: "admitted",
        inUse: verdict.inUse,
        cap: verdict.cap,
        ahead: 0,
        adds: verdict.adds,
        memoryLeftBytes: verdict.memoryLeftBytes,
        at: Date.now(),
        waitedMs: Date.now() - t0,
      });
    } finally {
      watch.abort();
    }
  }

  /** Removes the ticket (the acquire has ended); the reaper no longer needs to for it. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.closed.abort();
    await this.creating;
    const h = this.handle;
    this.handle = undefined;
    try {
      if (h) await this.o.engine.removeVolume(h.ticket.name);
      this.lease?.done();
    } catch {
      // The engine did not answer: the reaper (at exit) or the ticket's expiry removes it.
    }
  }
}

/** The engine host's CPUs: this host's for a local engine (no call: /info takes ~20 ms), else from /info. */
export function engineCpus(engine: Pick<Runtime, "systemInfo">, local: boolean, signal?: AbortSignal): Promise<number | undefined> {
  if (local) return Promise.resolve(availableParallelism());
  return engine.systemInfo({ signal }).then(
    (i) => i.ncpu,
    () => undefined,
  );
}

/** The admission of one acquire (a no-op with `guards: false`). */
export function openAdmission(o: AdmissionOptions): Admission {
  return new Admission(o);
}
