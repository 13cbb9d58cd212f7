/**
 * An engine event subscription that is made again whenever it ends or cannot be made (dockerd
 * restarted, a proxy cut the stream), for long-lived followers such as a pool's keeper. Such a
 * follower also polls, so events are only its shortcut: a pause between attempts loses nothing it
 * would not see at its next poll, and keeps a follower from hammering an engine that is down.
 */
import type { Runtime } from "./runtime.js";
import type { EngineEvent, LabelFilter } from "./types.js";

export interface FollowOptions {
  /** Ends the subscription for good. */
  signal: AbortSignal;
  /** How long after an end (or a refused attempt) the subscription is made again, ms. */
  retryMs: number;
  /** Called when a subscription ended: events may have been missed until the next one. */
  onGap?: () => void;
}

export function followEvents(
  engine: Pick<Runtime, "subscribe">,
  filter: { labels: LabelFilter; types?: string[] },
  onEvent: (e: EngineEvent) => void,
  o: FollowOptions,
): void {
  if (o.signal.aborted) return;
  let retried = false;
  const again = () => {
    if (retried || o.signal.aborted) return;
    retried = true;
    o.onGap?.();
    setTimeout(() => followEvents(engine, filter, onEvent, o), o.retryMs).unref();
  };
  engine.subscribe(filter, onEvent, { signal: o.signal, onEnd: again }).catch(again);
}
