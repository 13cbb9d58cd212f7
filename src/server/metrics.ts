/**
 * The server's Prometheus metrics, on a registry of its own (never prom-client's global one, so
 * two servers in one process, or a host application's own metrics, do not collide). Gauges that
 * describe current state are computed at scrape time from the live model; durations and counts
 * come from EventTimings; CPU and memory from the stats cache. Each metric's meaning is in
 * docs/server.md.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { PoolView } from "../pool/status.js";
import type { ContainerRecord } from "./live-model.js";
import type { StatsCache } from "./stats-cache.js";
import type { TimingSink } from "./timings.js";
import { ENVIRONMENT_STATES, SERVICE_STATES, type EnvironmentView } from "./view.js";

export interface MetricsSources {
  environments: () => EnvironmentView[];
  containers: () => ContainerRecord[];
  engineUp: () => boolean;
  stats: StatsCache;
  pools: () => PoolView[];
}

/** A pool's members by state, as the berth_pool_environments gauge reports them. */
export const POOL_STATES = ["warm", "claimed", "starting", "resetting"] as const;

export class ServerMetrics {
  readonly registry = new Registry();
  readonly sink: TimingSink;
  readonly engineErrors: Counter<"operation">;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "berth_serve_" });
    new Gauge({
      name: "berth_engine_up",
      help: "1 when the Docker engine answered the server's last ping, else 0",
      registers,
      collect() {
        this.set(sources.engineUp() ? 1 : 0);
      },
    });
    new Gauge({
      name: "berth_environments",
      help: "berth environments on the engine by state (healthy, starting, unhealthy, stopped, empty) and kind",
      labelNames: ["state", "kind"],
      registers,
      collect() {
        this.reset();
        const envs = sources.environments();
        for (const kind of new Set(["test", ...envs.map((e) => e.kind)])) {
          for (const state of ENVIRONMENT_STATES) this.set({ state, kind }, envs.filter((e) => e.kind === kind && e.state === state).length);
        }
      },
    });
    new Gauge({
      name: "berth_containers",
      help: "berth containers on the engine by berth state (STARTING, HEALTHY, UNHEALTHY, STOPPED, COMPLETED, FAILED)",
      labelNames: ["state"],
      registers,
      collect() {
        const list = sources.containers();
        for (const state of SERVICE_STATES) this.set({ state }, list.filter((c) => c.state === state).length);
      },
    });
    // Pools: members by state from labels; the rest as each pool's keeper publishes it (absent without its marker).
    new Gauge({
      name: "berth_pool_environments",
      help: "Environments of a warm pool by state (warm, claimed, starting, resetting), from the members' labels",
      labelNames: ["pool", "state"],
      registers,
      collect() {
        this.reset();
        for (const p of sources.pools()) for (const state of POOL_STATES) this.set({ pool: p.name, state }, p[state]);
      },
    });
    const keeperGauge = (name: string, help: string, value: (p: PoolView) => number | null | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ["pool"],
        registers,
        collect() {
          this.reset();
          for (const p of sources.pools()) {
            const v = value(p);
            if (typeof v === "number") this.set({ pool: p.name }, v);
          }
        },
      });
    keeperGauge("berth_pool_size", "Environments a warm pool keeps, claimed ones included (published by its keeper)", (p) => p.size);
    keeperGauge("berth_pool_resets", "Environments a pool's keeper reset to their snapshot since it started (published by the keeper)", (p) => p.resets);
    keeperGauge(
      "berth_pool_discarded",
      "Environments a pool's keeper discarded after a failed reset since it started (published by the keeper)",
      (p) => p.discarded,
    );
    keeperGauge("berth_pool_claims", "Claims from a pool since its keeper started (published by the keeper)", (p) => p.claims);
    keeperGauge("berth_pool_claim_latency_seconds", "Median time a claim from the pool took (published by the keeper)", (p) =>
      p.claimLatencyMs === undefined ? undefined : p.claimLatencyMs / 1000,
    );
    const acquire = new Histogram({
      name: "berth_acquire_duration_seconds",
      help: "Time from an environment's first create event to all its services ready, from engine events",
      labelNames: ["kind"],
      buckets: [0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 60, 120, 300],
      registers,
    });
    const release = new Histogram({
      name: "berth_release_duration_seconds",
      help: "Time from an environment's first kill/stop/destroy to the removal of its last network, from engine events",
      labelNames: ["kind"],
      buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60],
      registers,
    });
    const readiness = new Histogram({
      name: "berth_readiness_wait_seconds",
      help: "Time from a container's start to the engine reporting it healthy (or exit 0 for jobs; 0 without healthcheck), by service",
      labelNames: ["kind", "service"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120],
      registers,
    });
    const restarts = new Counter({
      name: "berth_container_restarts_total",
      help: "Starts of berth containers that had started before (restart policy, berth restart/start), by service",
      labelNames: ["kind", "service"],
      registers,
    });
    const reaped = new Counter({
      name: "berth_reaped_orphans_total",
      help: "berth containers and networks removed while their owner process was dead or after their expiry (reaper, clean), seen live",
      labelNames: ["resource"],
      registers,
    });
    // Zero series exist from the start, so rate() and absence alerts work before the first event.
    reaped.inc({ resource: "container" }, 0);
    reaped.inc({ resource: "network" }, 0);
    this.engineErrors = new Counter({
      name: "berth_engine_errors_total",
      help: "Failed Docker Engine API calls made by this server, by operation",
      labelNames: ["operation"],
      registers,
    });
    this.engineErrors.inc({ operation: "ping" }, 0);
    // The registry collects all metrics concurrently: each of the three gauges waits for the same
    // sample (one shared refresh), which sets all three at once (onSample below).
    const sampled = async () => {
      await sources.stats.refreshIfStale(sources.containers());
    };
    const containerGauge = (name: string, help: string) =>
      new Gauge({ name, help, labelNames: ["project", "service", "container"], registers, collect: sampled });
    const cpu = containerGauge(
      "berth_container_cpu_percent",
      "CPU use of a running berth container, percent of one CPU (engine stats, sampled at most every few seconds)",
    );
    const memory = containerGauge("berth_container_memory_bytes", "Memory use of a running berth container in bytes (engine stats)");
    const memoryLimit = containerGauge(
      "berth_container_memory_limit_bytes",
      "Memory limit of a running berth container in bytes (the host's memory when unlimited)",
    );
    sources.stats.onSample = (samples) => {
      cpu.reset();
      memory.reset();
      memoryLimit.reset();
      for (const s of samples) {
        const labels = { project: s.project, service: s.service, container: s.container };
        cpu.set(labels, Math.round(s.cpuPercent * 100) / 100);
        memory.set(labels, s.memoryBytes);
        memoryLimit.set(labels, s.memoryLimitBytes);
      }
    };
    // Histograms and counters carry no project label: test environments have unique names, and a
    // label per project would grow the series without bound. /api/timings has them per project.
    this.sink = {
      acquire: (o) => acquire.observe({ kind: o.kind }, o.seconds),
      release: (o) => release.observe({ kind: o.kind }, o.seconds),
      readiness: (o) => readiness.observe({ kind: o.kind, service: o.service }, o.seconds),
      restart: (o) => restarts.inc({ kind: o.kind, service: o.service }),
      reaped: (o) => reaped.inc({ resource: o.resource }),
    };
  }
}
