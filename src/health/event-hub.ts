/**
 * One engine event subscription per environment, fanned out to waiters. Waiters use it to wake
 * the instant a container starts, dies or changes health, instead of each polling on a timer.
 */
import type { Runtime } from "../engine/runtime.js";
import type { EngineEvent } from "../engine/types.js";
import { LABEL } from "../labels.js";

type Listener = (e: EngineEvent) => void;

export class EventHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly controller = new AbortController();
  private lost = false;

  private constructor() {}

  /** Subscribes to the project's container events; resolves once the subscription stands. */
  static async open(engine: Runtime, project: string, signal?: AbortSignal): Promise<EventHub> {
    const hub = new EventHub();
    signal?.addEventListener("abort", () => hub.close(), { once: true });
    await engine.subscribe({ labels: { [LABEL.project]: project }, types: ["container"] }, (e) => hub.dispatch(e), {
      signal: hub.controller.signal,
      onEnd: () => (hub.lost = true),
    });
    return hub;
  }

  /** Whether the engine's event stream broke off (the engine stopped or restarted meanwhile). */
  get engineLost(): boolean {
    return this.lost;
  }

  private dispatch(e: EngineEvent): void {
    // berth's own probes cause exec_create/exec_start/exec_die events; waking on them would turn
    // the waiters' backoff into a busy loop that keeps the engine from starting other containers.
    if (e.action.startsWith("exec_")) return;
    for (const l of this.listeners.get(e.id) ?? []) l(e);
  }

  /** Resolves with the next event for `containerId`, or null when `ms` passes or the signal aborts. */
  next(containerId: string, ms: number, signal?: AbortSignal): Promise<EngineEvent | null> {
    return new Promise((resolve) => {
      const set = this.listeners.get(containerId) ?? new Set<Listener>();
      this.listeners.set(containerId, set);
      const done = (e: EngineEvent | null) => {
        clearTimeout(timer);
        set.delete(listener);
        signal?.removeEventListener("abort", onAbort);
        resolve(e);
      };
      const listener: Listener = (e) => done(e);
      const onAbort = () => done(null);
      const timer = setTimeout(() => done(null), ms);
      set.add(listener);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  close(): void {
    this.controller.abort();
    this.listeners.clear();
  }
}
