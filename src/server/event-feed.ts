/**
 * One engine event stream for the whole server: container and network events (network events
 * carry no labels, so the label filter cannot be given to the engine; container events are
 * filtered by berth's label here). One stream keeps both kinds in the engine's order, which the
 * timings need (a network's connect names a container created earlier). The first subscription
 * replays history from `sinceMs`; a resubscription resumes after the last event seen, and events
 * the engine sends twice across the seam are dropped.
 */
import type { ServerQueries, TimedEvent } from "../engine/server-queries.js";
import { LABEL } from "../labels.js";

/** Actions worth waking for; berth's own probes' exec_* events are the noisy rest. */
const ACTIONS = ["create", "start", "die", "kill", "stop", "destroy", "health_status", "oom", "connect", "pause", "unpause"];

export class EventFeed {
  private lastNano = 0n;
  private seenAtLast = new Set<string>();

  constructor(private readonly onEvent: (e: TimedEvent) => void, private sinceMs: number) {}

  private isNew(e: TimedEvent): boolean {
    const key = `${e.type}/${e.id}/${e.action}`;
    if (e.timeNano < this.lastNano) return false;
    if (e.timeNano === this.lastNano) {
      if (this.seenAtLast.has(key)) return false;
      this.seenAtLast.add(key);
      return true;
    }
    this.lastNano = e.timeNano;
    this.seenAtLast = new Set([key]);
    return true;
  }

  /** Opens the stream; `ended` settles when it stops (undefined when the signal stopped it). */
  async open(queries: ServerQueries, signal: AbortSignal): Promise<{ ended: Promise<Error | undefined> }> {
    const since = this.lastNano > 0n ? Number(this.lastNano / 1_000_000n) : this.sinceMs;
    return queries.events({ types: ["container", "network"], actions: ACTIONS, sinceMs: since }, (e) => {
      if (e.type === "container" && e.labels[LABEL.managed] !== "true") return;
      if (this.isNew(e)) this.onEvent(e);
    }, { signal });
  }
}
