/**
 * Reads what the engine knows about an environment's containers, for the failure patterns: state,
 * exit code, OOM flag, restarts, health log, the last log lines, resource usage, mounts, addresses.
 */
import type { Engine } from "../../engine/engine.js";
import { containerDiagnostics } from "../../engine/diagnostics-queries.js";
import { killedForMemory } from "../../health/oom.js";
import type { ContainerState } from "../../engine/types.js";
import { healthcheckCommand, stateOf, type ServiceState } from "../../health/state.js";
import { LABEL } from "../../labels.js";
import { projectContainers } from "../../lifecycle/operations.js";
import type { ContainerFacts, EnvironmentFacts } from "./facts.js";

/** How long after a container's exit troubleshoot still waits for the engine's OOM event (health/oom.ts). */
const OOM_SETTLE_MS = 2000;

export interface GatherOptions {
  services?: string[];
  /** Log lines per container (default 50). */
  tail?: number;
  signal?: AbortSignal;
}

/** Stats of a stopped container say nothing; of a running one they cost about a second (two samples). */
async function usageOf(engine: Engine, id: string, running: boolean, signal?: AbortSignal): Promise<ContainerFacts["usage"]> {
  if (!running) return undefined;
  return engine.stats(id, { signal }).catch(() => undefined);
}

/**
 * The state troubleshoot reports. A container the engine could not start stays "created": it is not
 * starting, it failed. One whose healthcheck the engine has not run yet (its first interval has not
 * come round; Podman without systemd never runs them) but which passed the check run here is
 * HEALTHY, as the engine will say at its next check. Pure.
 */
export function troubleshootState(s: ContainerState, o: { oneShot: boolean; startError?: string; checkedHere?: { exitCode: number } }): ServiceState {
  if (s.status === "created" && o.startError) return "FAILED";
  const state = stateOf(s, o.oneShot);
  return state === "STARTING" && s.running && o.checkedHere?.exitCode === 0 ? "HEALTHY" : state;
}

async function factsOf(
  engine: Engine,
  id: string,
  service: string,
  tail: number,
  signal?: AbortSignal,
): Promise<{ facts: ContainerFacts; addresses: string[] }> {
  const [d, extra, logs] = await Promise.all([
    engine.inspectContainer(id, { signal }),
    containerDiagnostics(engine, id, { signal }),
    engine.logs(id, { tail, signal }).catch(() => ""),
  ]);
  let healthLog = d.state.healthLog.map((h) => ({ exitCode: h.exitCode, output: h.output }));
  // The engine logs a check only once per interval: while it has none yet, run the check once here.
  const cmd = healthcheckCommand(d.healthcheck?.test);
  let checkedHere: { exitCode: number } | undefined;
  if (healthLog.length === 0 && d.state.running && cmd) {
    const r = await engine
      .exec(id, cmd, { timeoutMs: Math.min(d.healthcheck?.timeoutMs ?? 5000, 5000), signal })
      .catch((e: Error) => ({ exitCode: -1, output: e.message }));
    healthLog = [{ exitCode: r.exitCode, output: r.output }];
    checkedHere = r;
  }
  const oneShot = d.labels[LABEL.job] === "true";
  // A diagnosis right after the failure: the kernel's OOM notice may reach the engine's log a moment late.
  const oomKilled = await killedForMemory(engine, id, d.state, { signal, settleMs: OOM_SETTLE_MS });
  return {
    addresses: Object.values(extra.endpoints)
      .map((e) => e.ip)
      .filter(Boolean),
    facts: {
      service,
      container: d.name,
      // A container the engine could not start stays "created"; it is not starting, it failed.
      state: troubleshootState(d.state, { oneShot, startError: extra.startError, checkedHere }),
      status: d.state.status,
      running: d.state.running,
      exitCode: d.state.exitCode,
      oomKilled,
      restartCount: d.state.restartCount,
      startError: extra.startError,
      memoryLimitBytes: extra.memoryLimitBytes,
      health: d.state.health,
      healthLog,
      logLines: logs
        .split("\n")
        .filter((l) => l.trim() !== "")
        .slice(-tail),
      mounts: d.mounts.map((m) => ({ type: m.type, destination: m.destination, ...(m.type === "bind" && m.source ? { source: m.source } : {}) })),
      envNames: extra.env.map((e) => e.split("=")[0]!).sort(),
      user: extra.user,
      dependsOn: (d.labels[LABEL.dependsOn] ?? "").split(",").filter(Boolean).sort(),
      usage: await usageOf(engine, id, d.state.running, signal),
    },
  };
}

/** Facts of the selected services' containers, and of the whole environment (all its services and addresses). */
export async function gatherFacts(
  engine: Engine,
  project: string,
  o: GatherOptions = {},
): Promise<{ containers: ContainerFacts[]; environment: EnvironmentFacts }> {
  const all = await projectContainers(engine, project, { signal: o.signal });
  const wanted = await projectContainers(engine, project, { services: o.services, signal: o.signal });
  const ids = new Set(wanted.map((c) => c.id));
  const [selected, others] = await Promise.all([
    Promise.all(wanted.map((c) => factsOf(engine, c.id, c.service, o.tail ?? 50, o.signal))),
    // Of the other containers only their addresses matter (to name a peer in a log line).
    Promise.all(
      all
        .filter((c) => !ids.has(c.id))
        .map(async (c) => ({
          service: c.service,
          addresses: await containerDiagnostics(engine, c.id, { signal: o.signal }).then(
            (d) =>
              Object.values(d.endpoints)
                .map((e) => e.ip)
                .filter(Boolean),
            () => [],
          ),
        })),
    ),
  ]);
  const addresses: Record<string, string> = {};
  for (const r of [...selected.map((s) => ({ service: s.facts.service, addresses: s.addresses })), ...others])
    for (const ip of r.addresses) addresses[ip] = r.service;
  return {
    containers: selected.map((r) => r.facts),
    environment: { services: [...new Set(all.map((c) => c.service))].sort(), addresses },
  };
}
