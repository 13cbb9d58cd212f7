/**
 * A point-in-time health report of an environment, from the engine alone: per container its
 * state, the engine's health status and last check, restarts and exit code. The readiness
 * module may enrich it; this is what the labels and an inspect can tell.
 */
import type { Runtime } from "../engine/runtime.js";
import type { ReadyResult } from "../health/readiness.js";
import { sinceOf, type ServiceState } from "../health/state.js";
import { currentState, readySince } from "./status.js";
import { projectContainers } from "./operations.js";
import { provenRuns, provesRun, recordFilter } from "../cleanup/settled-record.js";

export interface ContainerHealth {
  service: string;
  container: string;
  number: number;
  state: ServiceState;
  /** The engine's own health status: none, starting, healthy, unhealthy. */
  health: string;
  status: string;
  exitCode: number;
  restartCount: number;
  oomKilled: boolean;
  startedAt?: string;
  /** When it entered its current state (ISO time). */
  since?: string;
  lastCheck?: { exitCode: number; output: string; at: string };
  /** How berth last saw it become ready: at the acquire, or its latest restart/start/wait (reports from the handle that did it). */
  readiness?: ReadinessRecord;
}

/** What berth's readiness wait saw for a container: the rule, how it passed, the probe runs that led there. */
export interface ReadinessRecord {
  via: "engine" | "probe" | "running" | "exit";
  rule: string;
  readyAt: string;
  restarts: number;
  probes: { probe: string; ok: boolean; at: string; exitCode?: number; output: string }[];
}

/** The report's account of one readiness wait: its last five probe runs, each output cut to 300 characters. */
export function readinessRecord(r: ReadyResult): ReadinessRecord {
  return {
    via: r.via,
    rule: r.probe,
    readyAt: new Date(r.readyAt).toISOString(),
    restarts: r.restarts,
    probes: r.probes.slice(-5).map((p) => ({
      probe: p.probe,
      ok: p.ok,
      at: new Date(p.at).toISOString(),
      ...(p.exitCode !== undefined ? { exitCode: p.exitCode } : {}),
      output: p.output.trim().slice(-300),
    })),
  };
}

export interface HealthReport {
  project: string;
  at: string;
  /** True when every container is HEALTHY (or COMPLETED). */
  healthy: boolean;
  containers: ContainerHealth[];
}

export async function healthReport(
  engine: Runtime,
  project: string,
  o: { services?: string[]; signal?: AbortSignal; readiness?: ReadonlyMap<string, ReadinessRecord> } = {},
): Promise<HealthReport> {
  // A reader without readiness of its own (the status server) takes what up's settled record proves, as `status` does.
  const [list, proofs] = await Promise.all([
    projectContainers(engine, project, o),
    o.readiness
      ? undefined
      : engine
          .listVolumes(recordFilter(project), { signal: o.signal })
          .then((records) => provenRuns(records).get(project))
          .catch(() => undefined),
  ]);
  const containers = await Promise.all(
    list.map(async (c): Promise<ContainerHealth> => {
      const d = await engine.inspectContainer(c.id, { signal: o.signal });
      const last = d.state.healthLog[d.state.healthLog.length - 1];
      const since = sinceOf(d.state);
      return {
        service: c.service,
        container: c.name,
        number: c.number,
        // The engine's state; HEALTHY early only when berth's own readiness wait (or up's, recorded)
        // saw this very run pass. Nothing is run in the container: the status server answers GETs with this report.
        state: currentState(d, readySince(o.readiness?.get(c.name)?.readyAt, d.state.startedAt) || provesRun(proofs, c.name, d.state.startedAt)),
        health: d.state.health,
        status: d.state.status,
        exitCode: d.state.exitCode,
        restartCount: d.state.restartCount,
        oomKilled: d.state.oomKilled,
        ...(d.state.startedAt ? { startedAt: d.state.startedAt } : {}),
        ...(since ? { since } : {}),
        ...(last ? { lastCheck: { exitCode: last.exitCode, output: last.output.trim().slice(-500), at: last.end } } : {}),
        ...(o.readiness?.has(c.name) ? { readiness: o.readiness.get(c.name)! } : {}),
      };
    }),
  );
  return { project, at: new Date().toISOString(), healthy: containers.every((c) => c.state === "HEALTHY" || c.state === "COMPLETED"), containers };
}
