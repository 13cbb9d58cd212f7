/**
 * The server's engine-facing half: keeps the live model and the metrics current from one event
 * stream, resynchronises after the engine or the stream comes back, and tells listeners (the SSE
 * hub) when what it shows changed. Nothing here polls the engine per client or per scrape.
 */
import { hostname } from "node:os";
import type { Engine } from "../engine/engine.js";
import { ServerQueries, type TimedEvent } from "../engine/server-queries.js";
import { ownershipOf } from "../cleanup/ownership.js";
import { ownerLiveness } from "../cleanup/process-liveness.js";
import type { Labels } from "../engine/types.js";
import { EngineLink, type EngineStatus } from "./engine-link.js";
import { EventFeed } from "./event-feed.js";
import { LiveModel } from "./live-model.js";
import { ServerMetrics } from "./metrics.js";
import { StatsCache } from "./stats-cache.js";
import { RecentTimings } from "./recent-timings.js";
import { EventTimings } from "./timings.js";
import { environmentsView, graphOf, type EnvironmentView } from "./view.js";
import type { GraphLayout } from "./graph-layout.js";
import type { PoolView } from "../pool/status.js";
import { POOL_LABEL } from "../pool/labels.js";

export interface StatusServiceOptions {
  connect: (signal: AbortSignal) => Promise<Engine>;
  endpoint: string;
  /** Replay this much engine history at start, ms. */
  historyMs: number;
}

export interface StateSnapshot {
  at: string;
  engine: EngineStatus;
  /** Whether `environments` is the engine's current state (false: the last known, engine unreachable). */
  current: boolean;
  environments: (EnvironmentView & { graph: GraphLayout })[];
  /** Warm pools, from their labels and their keepers' markers. */
  pools: PoolView[];
}

const REFRESH_COALESCE_MS = 25;
const NOTIFY_THROTTLE_MS = 100;
const RESUBSCRIBE_DELAY_MS = 1000;
/** Reading every berth container at (re)connection: generous, a loaded engine with many environments is slow. */
const SESSION_TIMEOUT_MS = 60_000;

/** Whether a removed resource was an orphan when it went (see timings.ts). */
function isOrphan(labels: Labels, time: number): boolean {
  const o = ownershipOf(labels);
  if (!o) return false;
  if (o.expiresAt !== undefined && o.expiresAt <= time) return true;
  return o.lifetime === "process" && !!o.owner && o.owner.host === hostname() && ownerLiveness(o.owner) === "dead";
}

export class StatusService {
  readonly link: EngineLink;
  readonly model: LiveModel;
  readonly metrics: ServerMetrics;
  readonly recent = new RecentTimings();
  private readonly timings: EventTimings;
  private readonly feed: EventFeed;
  private readonly startedAt = Date.now();
  private session: AbortController | undefined;
  private sessionSyncedAt = Number.POSITIVE_INFINITY;
  /** Events older than this (a little before the last resync) only feed the timings. */
  private liveFrom = Number.POSITIVE_INFINITY;
  private queries: ServerQueries | undefined;
  private pendingIds = new Set<string>();
  private readonly refreshing = new Set<string>();
  private readonly refreshAgain = new Set<string>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private networksTimer: NodeJS.Timeout | undefined;
  private poolsTimer: NodeJS.Timeout | undefined;
  private notifyTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Called (throttled) when the state shown to clients changed. */
  readonly onChangeListeners = new Set<() => void>();

  constructor(private readonly o: StatusServiceOptions) {
    this.model = new LiveModel(() => this.notify());
    const stats = new StatsCache((id) => this.link.use("stats", (engine, signal) => engine.stats(id, { signal })));
    this.metrics = new ServerMetrics({
      environments: () => environmentsView(this.model.containerList, this.model.networkList),
      containers: () => this.model.containerList,
      engineUp: () => this.link.status.up,
      pools: () => this.model.poolList,
      stats,
    });
    this.link = new EngineLink({
      connect: o.connect,
      endpoint: o.endpoint,
      onCallError: (operation) => this.metrics.engineErrors.inc({ operation }),
      onChange: (status) => this.onEngine(status),
    });
    this.timings = new EventTimings(this.recent.tee(this.metrics.sink), { isOrphan, liveSinceMs: this.startedAt });
    this.feed = new EventFeed((e) => this.onEvent(e), Date.now() - o.historyMs);
  }

  get uptimeSeconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  /** Whether the model matches the engine now (engine up and the event stream standing). */
  get ready(): boolean {
    return this.link.status.up && this.sessionSyncedAt !== Number.POSITIVE_INFINITY;
  }

  async start(signal: AbortSignal): Promise<void> {
    signal.addEventListener("abort", () => this.stop(), { once: true });
    await this.link.start(signal);
  }

  snapshot(): StateSnapshot {
    const environments = environmentsView(this.model.containerList, this.model.networkList).map((e) => ({ ...e, graph: graphOf(e) }));
    return { at: new Date().toISOString(), engine: this.link.status, current: this.ready, environments, pools: this.model.poolList };
  }

  private stop(): void {
    this.stopped = true;
    this.session?.abort();
    for (const t of [this.refreshTimer, this.networksTimer, this.poolsTimer, this.notifyTimer]) clearTimeout(t);
  }

  private onEngine(status: EngineStatus): void {
    if (status.up) void this.openSession();
    else {
      this.session?.abort();
      this.session = undefined;
      this.sessionSyncedAt = Number.POSITIVE_INFINITY;
    }
    this.notify();
  }

  /** Resync the model, then (re)open the event stream; retried while the engine stays up. */
  private async openSession(): Promise<void> {
    this.session?.abort();
    const session = new AbortController();
    this.session = session;
    this.sessionSyncedAt = Number.POSITIVE_INFINITY;
    try {
      await this.link.use(
        "events",
        async (engine, signal) => {
          if (this.queries?.engine !== engine) this.queries = new ServerQueries(engine);
          const syncStart = Date.now();
          await this.model.resync(engine, AbortSignal.any([signal, session.signal]));
          this.timings.forgetAllBut(new Set(this.model.containerList.map((c) => c.project)));
          this.liveFrom = syncStart - 1000;
          const { ended } = await this.feed.open(this.queries, session.signal);
          this.sessionSyncedAt = syncStart;
          this.notify();
          void ended.then((error) => {
            if (!error || session.signal.aborted || this.stopped) return;
            this.metrics.engineErrors.inc({ operation: "events" });
            this.sessionSyncedAt = Number.POSITIVE_INFINITY;
            this.notify();
            // A broken stream is usually the first sign of a dead engine: ask at once, not at the next ping.
            this.link.checkSoon();
            this.retrySession(session);
          });
        },
        session.signal,
        SESSION_TIMEOUT_MS,
      );
    } catch {
      if (!session.signal.aborted && !this.stopped) this.retrySession(session);
    }
  }

  private retrySession(session: AbortController): void {
    setTimeout(() => {
      if (this.session === session && !this.stopped && this.link.status.up) void this.openSession();
    }, RESUBSCRIBE_DELAY_MS).unref();
  }

  private onEvent(e: TimedEvent): void {
    this.timings.feed(e);
    // An OOM kill may be known only from this event (dockerd can miss its own flag), replayed or not.
    if (e.type === "container" && e.action === "oom") this.model.sawOom(e.id, e.time);
    // Replayed history is for the timings; the resync already read the present.
    if (e.time < this.liveFrom) return;
    // Pools are read from volumes (markers, claims) and members' containers, settled records are
    // volumes: any volume event, or a pool member's container coming or going, reads them again (debounced).
    if (e.type === "volume" || (e.type === "container" && e.labels[POOL_LABEL.name] && (e.action === "create" || e.action === "destroy"))) {
      this.poolsTimer ??= setTimeout(() => {
        this.poolsTimer = undefined;
        void this.link.use("list pools and records", (engine, signal) => this.model.refreshVolumes(engine, signal)).catch(() => undefined);
      }, 100);
    }
    if (e.type === "container") {
      if (e.action === "destroy") {
        this.pendingIds.delete(e.id);
        this.refreshAgain.delete(e.id);
        this.model.forget(e.id);
      } else {
        this.pendingIds.add(e.id);
        this.refreshTimer ??= setTimeout(() => this.flushRefreshes(), REFRESH_COALESCE_MS);
      }
    } else if (e.type === "network" && e.action === "destroy") {
      this.model.forgetNetwork(e.id);
    } else if (e.type === "network" && e.action === "create") {
      // Network events carry no labels: whether it is berth's, only a (debounced) listing can say.
      this.networksTimer ??= setTimeout(() => {
        this.networksTimer = undefined;
        void this.link.use("list networks", (engine, signal) => this.model.refreshNetworks(engine, signal)).catch(() => undefined);
      }, 100);
    }
  }

  private flushRefreshes(): void {
    this.refreshTimer = undefined;
    const ids = [...this.pendingIds];
    this.pendingIds.clear();
    for (const id of ids) this.refresh(id);
  }

  /**
   * One inspect per container at a time: two overlapping ones could finish out of order and leave
   * the older answer (say, "running" after "exited"). An event during an inspect asks for another.
   */
  private refresh(id: string): void {
    if (this.refreshing.has(id)) {
      this.refreshAgain.add(id);
      return;
    }
    this.refreshing.add(id);
    void this.link
      .use("inspect container", (engine, signal) => this.model.refreshContainer(engine, id, signal))
      .catch(() => undefined)
      .finally(() => {
        this.refreshing.delete(id);
        if (this.refreshAgain.delete(id)) this.refresh(id);
      });
  }

  private notify(): void {
    this.notifyTimer ??= setTimeout(() => {
      this.notifyTimer = undefined;
      for (const listener of this.onChangeListeners) listener();
    }, NOTIFY_THROTTLE_MS);
  }
}
