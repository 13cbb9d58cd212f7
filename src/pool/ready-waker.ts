/**
 * How a claimer waits for a warm member: a member turns warm when the keeper creates its ready
 * marker volume (labels.ts), so a claimer that found none follows the engine's volume events and
 * tries again the moment a marker of its pool appears. Polling every 25 ms instead costs a lock and
 * a volume listing per attempt, for every waiting claimer (a suite's workers all wait at once), and
 * up to 25 ms of latency. A slow poll stays as a fallback for an event missed or a stream that
 * ended; without events at all (the subscription refused), it polls as before.
 */
import type { Runtime } from "../engine/runtime.js";
import { poolMarkerKind } from "./labels.js";

/** The poll while events are followed (a missed event costs at most this). */
const FALLBACK_MS = 250;
/** The poll without events. */
const POLL_MS = 25;
/** How long the subscription may take to stand before the claimer polls instead (an engine behind a proxy that holds the stream back). */
const SUBSCRIBE_MS = 2_000;

export interface ReadyWaker {
  /** Resolves when a ready marker of the pool was created (since the last wait), or after the poll interval. */
  wait(): Promise<void>;
  close(): void;
}

/** Follows the pool's ready markers; resolves once the subscription stands (or failed: then it polls). */
export async function readyWaker(engine: Pick<Runtime, "subscribe">, pool: string, signal?: AbortSignal): Promise<ReadyWaker> {
  const stop = new AbortController();
  let wake: (() => void) | undefined;
  /** A marker appeared while the claimer was not waiting (trying to claim): the next wait returns at once. */
  let pending = false;
  const poke = () => {
    if (wake) wake();
    else pending = true;
  };
  // An abort ends the wait too: the claimer sees it right after.
  const onAbort = () => {
    stop.abort();
    poke();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  let live = false;
  let ended = false;
  let giveUp: NodeJS.Timeout | undefined;
  const subscribed = engine.subscribe(
    { labels: {}, types: ["volume"] },
    // Volume events carry no labels: a marker is told by its name.
    (e) => {
      if (e.action === "create" && poolMarkerKind(pool, e.id) === "ready") poke();
    },
    {
      signal: stop.signal,
      onEnd: () => {
        ended = true;
        live = false;
      },
    },
  );
  // Given up on (late), it may still fail afterwards: nobody waits for it then.
  subscribed.catch(() => undefined);
  const late = new Promise<false>((resolve) => (giveUp = setTimeout(() => resolve(false), SUBSCRIBE_MS)));
  try {
    live = (await Promise.race([subscribed.then(() => true), late])) && !ended;
  } catch {
    // No events: the poll alone.
  } finally {
    clearTimeout(giveUp);
  }
  if (!live) stop.abort();
  return {
    wait: () =>
      new Promise<void>((resolve) => {
        if (pending || signal?.aborted) {
          pending = false;
          return resolve();
        }
        const timer = setTimeout(done, live ? FALLBACK_MS : POLL_MS);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      }),
    close: () => {
      signal?.removeEventListener("abort", onAbort);
      stop.abort();
      wake?.();
    },
  };
}
