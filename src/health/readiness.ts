/**
 * The one wait loop: is this container ready yet?
 *
 * The engine evaluates a healthcheck at most once per `interval` (20.10 has no start_interval), so
 * while a container starts berth runs the same healthcheck command itself through exec, on a short
 * period that backs off (25 ms growing to the interval), and takes its first success as healthy —
 * what the engine will conclude one interval later. Engine events (start, die, health_status) wake
 * the loop at once. A container that dies but is being restarted by its restart policy is waited
 * for, not failed, until the deadline.
 */
import type { Engine } from "../engine/engine.js";
import type { ContainerDetails, HealthcheckConfig } from "../engine/types.js";
import { BerthError, isBerthError } from "../errors.js";
import type { ReadyMode } from "../plan/plan.js";
import type { EventHub } from "./event-hub.js";
import { healthcheckCommand } from "./state.js";

const FIRST_PERIOD_MS = 25;
const DEFAULT_INTERVAL_MS = 30_000;

export interface WaitReadyOptions {
  engine: Engine;
  hub: EventHub;
  containerId: string;
  service: string;
  mode: ReadyMode;
  /** Absolute deadline (ms since epoch). */
  deadline: number;
  signal?: AbortSignal;
  /** Restart policy name, to know whether an exit is final. */
  restartPolicy?: string;
}

export interface ReadyResult {
  /** ms since epoch when readiness was first observed. */
  readyAt: number;
  via: "engine" | "probe" | "running" | "exit";
}

export interface ProbeRecord {
  at: number;
  exitCode: number;
  output: string;
}

function mayRestart(policy: string | undefined, exitCode: number): boolean {
  if (!policy || policy === "no") return false;
  if (policy.startsWith("on-failure")) return exitCode !== 0;
  return true; // always, unless-stopped
}

async function probe(engine: Engine, c: ContainerDetails, hc: HealthcheckConfig, signal?: AbortSignal): Promise<ProbeRecord | null> {
  const cmd = healthcheckCommand(hc.test);
  if (!cmd) return null;
  try {
    const r = await engine.exec(c.id, cmd, { timeoutMs: Math.min(hc.timeoutMs ?? 30_000, 30_000), signal, maxBytes: 4096 });
    return { at: Date.now(), exitCode: r.exitCode, output: r.output };
  } catch (error) {
    if (signal?.aborted) throw error;
    // The container may be stopping or restarting between inspect and exec: treat as a failed probe.
    return { at: Date.now(), exitCode: -1, output: isBerthError(error) ? error.message : String(error) };
  }
}

export async function waitReady(o: WaitReadyOptions, onProbe?: (p: ProbeRecord) => void): Promise<ReadyResult> {
  let period = FIRST_PERIOD_MS;
  let last: ContainerDetails | undefined;
  let lastProbe: ProbeRecord | null = null;
  for (;;) {
    if (o.signal?.aborted) throw new BerthError("ABORTED", `waiting for ${o.service}: cancelled`, { cause: o.signal.reason });
    const c = await o.engine.inspectContainer(o.containerId, { signal: o.signal });
    last = c;
    const s = c.state;
    if (o.mode === "completed") {
      if (!s.running && s.status === "exited" && s.finishedAt && !s.finishedAt.startsWith("0001")) {
        if (s.exitCode === 0) return { readyAt: Date.now(), via: "exit" };
        if (!mayRestart(o.restartPolicy, s.exitCode)) throw failure(o, c, lastProbe, `exited with code ${s.exitCode}`);
      }
    } else if (s.running) {
      const hc = c.healthcheck;
      if (!hc) return { readyAt: Date.now(), via: "running" };
      if (s.health === "healthy") return { readyAt: Date.now(), via: "engine" };
      const p = await probe(o.engine, c, hc, o.signal);
      if (p) {
        lastProbe = p;
        onProbe?.(p);
        if (p.exitCode === 0) return { readyAt: p.at, via: "probe" };
      }
      period = Math.min(period * 2, hc.intervalMs ?? DEFAULT_INTERVAL_MS);
    } else if (s.status === "exited" || s.status === "dead") {
      if (!mayRestart(o.restartPolicy, s.exitCode)) {
        throw failure(o, c, lastProbe, `exited with code ${s.exitCode}${s.oomKilled ? " (killed: out of memory)" : ""} before it was ready`);
      }
    }
    const left = o.deadline - Date.now();
    if (left <= 0) throw failure(o, last, lastProbe, "did not become ready in time");
    await o.hub.next(o.containerId, Math.min(period, left), o.signal);
  }
}

function failure(o: WaitReadyOptions, c: ContainerDetails, lastProbe: ProbeRecord | null, what: string): BerthError {
  const s = c.state;
  const code = what.startsWith("did not") ? "HEALTH_TIMEOUT" : "SERVICE_FAILED";
  return new BerthError(code, `service ${o.service} (container ${c.name}) ${what}`, {
    hint: code === "HEALTH_TIMEOUT"
      ? "Check the healthcheck output and log tail below; raise --timeout if the service is just slow."
      : "Read the log tail below for why it exited.",
    details: {
      service: o.service,
      container: c.name,
      status: s.status,
      exitCode: s.exitCode,
      oomKilled: s.oomKilled,
      restartCount: s.restartCount,
      health: s.health,
      healthLog: s.healthLog.slice(-5).map((l) => ({ exitCode: l.exitCode, output: l.output.trim().slice(-500) })),
      lastProbe: lastProbe ? { exitCode: lastProbe.exitCode, output: lastProbe.output.trim().slice(-500) } : undefined,
    },
  });
}
