/**
 * When a waiter looks at the queue again: when capacity may have been released (a berth container
 * destroyed, a ticket volume removed), told by the engine's event stream, and otherwise on a slow
 * timer (memory frees up without any event; an event stream can break off).
 */
import type { Runtime } from "../engine/runtime.js";
import { LABEL } from "../labels.js";

/** Fallback look when no event came: cheap (two listings), and the only wake for memory. */
export const FALLBACK_POLL_MS = 2000;
/**
 * A release removes several containers and a ticket within a few ms: one look after the burst,
 * not one per event (40 waiters × every event would load the engine they protect).
 */
const SETTLE_MS = 50;

export interface Changes {
  /**
   * Resolves after a relevant event (plus a short settle) or FALLBACK_POLL_MS, at most `ms`.
   * `containers`: container removals wake it too. Only the head of the queue needs them (capacity
   * freed is its turn); the others wait for a ticket to go (the queue moving) or the timer, so a
   * release does not make every waiter of a long queue list the engine at once.
   */
  next(ms: number, o: { containers: boolean }): Promise<void>;
}

export async function waitForChange(engine: Pick<Runtime, "subscribe">, signal: AbortSignal): Promise<Changes> {
  let pending = false;
  let wantContainers = true;
  let wake: (() => void) | undefined;
  const poke = () => {
    pending = true;
    wake?.();
  };
  const relevant = (action: string) => action === "destroy";
  // Volume events carry no labels, so they cannot be filtered by berth's: every volume removal
  // wakes the waiter (rare enough); container events are berth's only.
  await Promise.all([
    engine.subscribe({ labels: { [LABEL.managed]: "true" }, types: ["container"] }, (e) => wantContainers && relevant(e.action) && poke(), {
      signal,
      onEnd: poke,
    }),
    engine.subscribe({ labels: {}, types: ["volume"] }, (e) => relevant(e.action) && poke(), { signal, onEnd: poke }),
  ]);
  return {
    async next(ms: number, o: { containers: boolean }): Promise<void> {
      wantContainers = o.containers;
      if (!pending) {
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal.removeEventListener("abort", done);
            wake = undefined;
            resolve();
          };
          const timer = setTimeout(done, Math.min(ms, FALLBACK_POLL_MS));
          wake = done;
          signal.addEventListener("abort", done, { once: true });
        });
      }
      if (pending) await new Promise((r) => setTimeout(r, Math.min(SETTLE_MS, ms)));
      pending = false;
    },
  };
}
