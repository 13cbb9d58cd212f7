/**
 * Durations and counts derived from the engine's event stream alone, so the server knows them for
 * environments made by any berth process (and, through the engine's replay, for those made before
 * it started). Pure: events in, observations out; unit-tested with synthetic event sequences.
 *
 * - acquire: a project's first create event (network or container) → the moment all its
 *   containers are ready (as below) and every service they depend on exists.
 * - release: the first kill/stop/destroy of the burst that removes the project (a service
 *   stopped on its own earlier does not count, see `teardown`) → the destroy of its last network
 *   (or of its last container when none of its networks is known).
 * - readiness wait: a container's start → its first `health_status: healthy` (services with a
 *   healthcheck), its exit 0 (one-shot jobs), or the start itself (others, 0 s). This is the
 *   engine's view: berth runs healthchecks itself while starting and may see readiness up to one
 *   healthcheck interval earlier.
 * - restarts: a start of a container that had started before (restart policies, `berth restart`).
 * - reaped orphans: containers and networks of a project destroyed while its owner was dead
 *   (process lifetime) or after its expiry label; only for events at or after `liveSinceMs`,
 *   because owner liveness at a replayed event's time cannot be known now.
 */
import { LABEL } from "../labels.js";
import type { Labels } from "../engine/types.js";

export interface TimingEvent {
  type: string;
  action: string;
  id: string;
  labels: Labels;
  /** ms since epoch */
  time: number;
}

/** Where observations go; `at` is the engine's time of the event that ended the measurement. */
export interface TimingSink {
  acquire(o: { project: string; kind: string; seconds: number; at: number }): void;
  release(o: { project: string; kind: string; seconds: number; at: number }): void;
  readiness(o: { project: string; kind: string; service: string; seconds: number; at: number }): void;
  restart(o: { project: string; kind: string; service: string; at: number }): void;
  reaped(o: { project: string; resource: "container" | "network"; at: number }): void;
}

interface ContainerTrack {
  service: string;
  healthcheck: boolean;
  job: boolean;
  startedAt?: number;
  everStarted: boolean;
  ready: boolean;
  destroyed: boolean;
  /** Signalled (kill/stop) and not yet exited: a stop grace period is running. */
  stopping: boolean;
}

interface ProjectTrack {
  name: string;
  kind: string;
  labels: Labels;
  firstCreate?: number;
  acquired: boolean;
  containers: Map<string, ContainerTrack>;
  dependsOn: Set<string>;
  networks: Set<string>;
  releaseStart?: number;
  /** The project's latest kill/stop/die/destroy. */
  lastTeardown?: number;
  /** Kept once by `forgetAllBut` because its teardown had begun; not again. */
  spared?: boolean;
  reaped: boolean;
}

export interface TimingOptions {
  /** Whether a destroyed resource with these labels was an orphan at `time` (owner dead or expired). */
  isOrphan: (labels: Labels, time: number) => boolean;
  /** Events before this time are history: they feed durations but not reaped counts. */
  liveSinceMs: number;
}

/** Quiet time after which a teardown event begins a new release (see `teardown`). */
const RELEASE_GAP_MS = 5000;

/** Networks not yet tied to a project are forgotten after this many, oldest first. */
const MAX_UNTIED_NETWORKS = 1000;

export class EventTimings {
  private readonly projects = new Map<string, ProjectTrack>();
  /** Network id → create time, until a container of a project connects to it. */
  private readonly networkCreated = new Map<string, number>();
  private readonly networkProject = new Map<string, string>();
  private readonly containerProject = new Map<string, string>();

  constructor(
    private readonly sink: TimingSink,
    private readonly o: TimingOptions,
  ) {}

  /** Number of projects being tracked (for tests and to show the state stays bounded). */
  get tracked(): number {
    return this.projects.size;
  }

  /**
   * Drops projects the engine no longer has (their end was missed, e.g. while it was unreachable).
   * One whose teardown had begun stays: the resubscribed stream replays the rest of its events
   * (it resumes after the last one seen), and forgetting it would lose its release timing. It is
   * kept through one resubscription only: if the replay never finishes it (the engine restarted
   * and lost its events), the next one forgets it, so nothing is tracked forever.
   */
  forgetAllBut(liveProjects: Set<string>): void {
    for (const [name, p] of this.projects) {
      if (liveProjects.has(name)) continue;
      if (p.releaseStart !== undefined && !p.spared) p.spared = true;
      else this.projects.delete(name);
    }
  }

  feed(e: TimingEvent): void {
    if (e.type === "network") this.onNetwork(e);
    else if (e.type === "container") this.onContainer(e);
  }

  private project(name: string, labels: Labels): ProjectTrack {
    let p = this.projects.get(name);
    if (!p) {
      p = {
        name,
        kind: labels[LABEL.envKind] ?? "test",
        labels,
        acquired: false,
        containers: new Map(),
        dependsOn: new Set(),
        networks: new Set(),
        reaped: false,
      };
      this.projects.set(name, p);
    }
    return p;
  }

  private onNetwork(e: TimingEvent): void {
    if (e.action === "create") {
      this.networkCreated.set(e.id, e.time);
      if (this.networkCreated.size > MAX_UNTIED_NETWORKS) this.networkCreated.delete(this.networkCreated.keys().next().value!);
    } else if (e.action === "connect") {
      const projectName = this.containerProject.get(e.labels.container ?? "");
      const p = projectName ? this.projects.get(projectName) : undefined;
      if (!p || !projectName) return;
      p.networks.add(e.id);
      this.networkProject.set(e.id, projectName);
      const created = this.networkCreated.get(e.id);
      if (created !== undefined) {
        this.networkCreated.delete(e.id);
        if (p.firstCreate === undefined || created < p.firstCreate) p.firstCreate = created;
      }
    } else if (e.action === "destroy") {
      this.networkCreated.delete(e.id);
      const projectName = this.networkProject.get(e.id);
      this.networkProject.delete(e.id);
      const p = projectName ? this.projects.get(projectName) : undefined;
      if (!p || !projectName) return;
      p.networks.delete(e.id);
      if (p.reaped) this.sink.reaped({ project: projectName, resource: "network", at: e.time });
      this.maybeReleased(projectName, p, e.time);
    }
  }

  private onContainer(e: TimingEvent): void {
    const projectName = e.labels[LABEL.project];
    if (!projectName || e.labels[LABEL.managed] !== "true") return;
    const p = this.project(projectName, e.labels);
    let c = p.containers.get(e.id);
    if (!c) {
      c = {
        service: e.labels[LABEL.service] ?? "?",
        healthcheck: e.labels[LABEL.healthcheck] === "true",
        job: e.labels[LABEL.job] === "true",
        everStarted: false,
        ready: false,
        destroyed: false,
        stopping: false,
      };
      p.containers.set(e.id, c);
      this.containerProject.set(e.id, projectName);
      for (const dep of (e.labels[LABEL.dependsOn] ?? "").split(",").filter(Boolean)) p.dependsOn.add(dep);
    }
    const action = e.action.startsWith("health_status") ? e.action.replace(/\s+/g, "") : e.action;
    switch (action) {
      case "create":
        if (!p.acquired && (p.firstCreate === undefined || e.time < p.firstCreate)) p.firstCreate = e.time;
        break;
      case "start":
        if (c.everStarted) this.sink.restart({ project: projectName, kind: p.kind, service: c.service, at: e.time });
        c.everStarted = true;
        c.startedAt = e.time;
        c.ready = false;
        c.stopping = false;
        p.releaseStart = undefined; // a stop followed by a start was not a release
        if (!c.healthcheck && !c.job) this.becameReady(p, c, e.time);
        break;
      case "health_status:healthy":
        this.becameReady(p, c, e.time);
        break;
      case "die":
        if (c.job && e.labels.exitCode === "0") this.becameReady(p, c, e.time);
        else c.ready = false;
        c.stopping = false;
        if (p.releaseStart !== undefined) p.lastTeardown = e.time;
        break;
      case "kill":
      case "stop":
        this.teardown(p, e.time);
        c.stopping = true;
        break;
      case "destroy":
        this.teardown(p, e.time);
        c.destroyed = true;
        this.containerProject.delete(e.id);
        if (e.time >= this.o.liveSinceMs && this.o.isOrphan(p.labels, e.time)) {
          p.reaped = true;
          this.sink.reaped({ project: projectName, resource: "container", at: e.time });
        }
        this.maybeReleased(projectName, p, e.time);
        break;
    }
  }

  /**
   * A release is one burst of teardown events. A service stopped on its own (`berth stop`) long
   * before the rest goes is not part of it: a teardown event after RELEASE_GAP_MS of quiet, with
   * no stop grace period running, starts the release anew.
   */
  private teardown(p: ProjectTrack, time: number): void {
    const quiet = p.lastTeardown !== undefined && time - p.lastTeardown > RELEASE_GAP_MS;
    if (p.releaseStart === undefined || (quiet && ![...p.containers.values()].some((c) => c.stopping))) p.releaseStart = time;
    p.lastTeardown = time;
  }

  private becameReady(p: ProjectTrack, c: ContainerTrack, time: number): void {
    if (c.ready || c.startedAt === undefined) return;
    c.ready = true;
    this.sink.readiness({ project: p.name, kind: p.kind, service: c.service, seconds: Math.max(0, time - c.startedAt) / 1000, at: time });
    if (p.acquired || p.firstCreate === undefined) return;
    const live = [...p.containers.values()].filter((x) => !x.destroyed);
    const services = new Set(live.map((x) => x.service));
    if (live.every((x) => x.ready) && [...p.dependsOn].every((d) => services.has(d))) {
      p.acquired = true;
      this.sink.acquire({ project: p.name, kind: p.kind, seconds: Math.max(0, time - p.firstCreate) / 1000, at: time });
    }
  }

  private maybeReleased(name: string, p: ProjectTrack, time: number): void {
    if ([...p.containers.values()].some((c) => !c.destroyed) || p.networks.size > 0) return;
    if (p.releaseStart !== undefined) this.sink.release({ project: name, kind: p.kind, seconds: Math.max(0, time - p.releaseStart) / 1000, at: time });
    this.projects.delete(name);
  }
}
