/**
 * One engine event stream for the whole server: container, network and volume events (network
 * and volume events carry no labels, so the label filter cannot be given to the engine; container
 * events are filtered by berth's label here; volume events only tell the server to read the pools'
 * markers again). One stream keeps both kinds in the engine's order, which the
 * timings need (a network's connect names a container created earlier). The first subscription
 * replays history from `sinceMs`; a resubscription replays from a little before the newest event
 * seen, and the events seen already are dropped.
 *
 * Why not simply drop anything older than the newest event seen: the engine stamps an event's
 * time before it takes the lock that publishes it, so concurrent events (one project's health
 * check, another's create) arrive a little out of time order — more so on a loaded engine. A
 * "newest so far" rule silently lost such events (a service's readiness, and so its
 * environment's acquire duration). Dedup is by identity (type, id, action, time) within a window.
 */
import type { ServerQueries, TimedEvent } from "../engine/server-queries.js";
import { LABEL } from "../labels.js";

/** Actions worth waking for; berth's own probes' exec_* events are the noisy rest. */
const ACTIONS = ["create", "start", "die", "kill", "stop", "destroy", "health_status", "oom", "connect", "pause", "unpause"];

/** How far before the newest event seen a resubscription replays (covers out-of-order arrival). */
export const RESUME_OVERLAP_MS = 5_000;
const NS_PER_MS = 1_000_000n;

export class EventFeed {
  private newestNano = 0n;
  /** Identity → engine time (ns) of events seen in the last 2 × RESUME_OVERLAP_MS. */
  private recent = new Map<string, bigint>();

  constructor(
    private readonly onEvent: (e: TimedEvent) => void,
    private sinceMs: number,
  ) {}

  /** True the first time an event is seen; a replayed copy across a resubscription is false. */
  isNew(e: TimedEvent): boolean {
    const key = `${e.type}/${e.id}/${e.action}/${e.timeNano}`;
    if (this.recent.has(key)) return false;
    this.recent.set(key, e.timeNano);
    if (e.timeNano > this.newestNano) {
      this.newestNano = e.timeNano;
      this.prune();
    }
    return true;
  }

  private prune(): void {
    const keepFrom = this.newestNano - 2n * BigInt(RESUME_OVERLAP_MS) * NS_PER_MS;
    // Map iteration is insertion order, which is close to time order: stop at the first keeper
    // unless it is far out of order (rare; the rest are pruned on a later pass).
    for (const [key, nano] of this.recent) {
      if (nano >= keepFrom) break;
      this.recent.delete(key);
    }
  }

  /** Where a (re)subscription starts, in ms since epoch. */
  resumeFromMs(): number {
    return this.newestNano > 0n ? Number(this.newestNano / NS_PER_MS) - RESUME_OVERLAP_MS : this.sinceMs;
  }

  /** Opens the stream; `ended` settles when it stops (undefined when the signal stopped it). */
  async open(queries: ServerQueries, signal: AbortSignal): Promise<{ ended: Promise<Error | undefined> }> {
    return queries.events(
      { types: ["container", "network", "volume"], actions: ACTIONS, sinceMs: this.resumeFromMs() },
      (e) => {
        if (e.type === "container" && e.labels[LABEL.managed] !== "true") return;
        if (this.isNew(e)) this.onEvent(e);
      },
      { signal },
    );
  }
}
