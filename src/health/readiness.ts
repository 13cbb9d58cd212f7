/**
 * The one wait loop: is this container ready yet?
 *
 * The engine evaluates a healthcheck at most once per `interval` (20.10 has no start_interval), so
 * while a container starts berth runs the same healthcheck command itself through exec, and its
 * x-berth probes, on a short period that backs off (25 ms growing to the interval), and takes the
 * first success as ready — what the engine will conclude one interval later. Engine events (start,
 * die, oom, health_status) wake the loop at once. A container that dies or turns unhealthy but is
 * being restarted by its restart policy is waited for, not failed, until the deadline.
 */
import { killedForMemory } from "./oom.js";
import type { Runtime } from "../engine/runtime.js";
import type { ContainerDetails } from "../engine/types.js";
import { BerthError } from "../errors.js";
import type { ReadyMode } from "../plan/plan.js";
import type { EventHub } from "./event-hub.js";
import { describeReadiness, probesOf, type Probe, type Readiness, type ReadinessSpec } from "./probe-model.js";
import { ENGINE_READ_TIMEOUT_MS, engineSaysHealthy, runProbe, type ProbeContext, type ProbeRecord } from "./probes.js";

export type { ProbeRecord } from "./probes.js";

const FIRST_PERIOD_MS = 25;
/** Cap for probes that have no healthcheck interval to grow to. */
const DEFAULT_CAP_MS = 1000;
/**
 * The period grows with the time the container has been starting (1/8 of it): a service that takes
 * 2 s is noticed within ~250 ms at worst, while the exec load on the engine stays bounded.
 */
const BACKOFF_FRACTION = 1 / 8;
const WATCH_MIN_MS = 500;
const WATCH_MAX_MS = 5000;

/**
 * Under load the engine answers slowly, and every readiness round costs it an inspect plus, for
 * exec-style probes, an exec, which the engine runs through the same path as its own healthchecks
 * (dockerd 20.10 has crashed there under load: moby#45804). When the engine's inspect round trip
 * grows past LATENCY_UNIT_MS, rounds are spaced out and in-container watches last longer (fewer
 * execs; the watch loop inside still notices readiness at once) in proportion, up to
 * MAX_LOAD_FACTOR. A quiet engine answers an inspect in ~2–10 ms and is polled exactly as before.
 */
export const LATENCY_UNIT_MS = 50;
export const MAX_LOAD_FACTOR = 8;

/** How much to stretch the period and the watch window, given the engine's smoothed inspect latency. Pure. */
export function loadFactor(latencyMs: number): number {
  if (!Number.isFinite(latencyMs)) return 1;
  return Math.max(1, Math.min(MAX_LOAD_FACTOR, latencyMs / LATENCY_UNIT_MS));
}

/** A period or window stretched by the load factor, in whole ms (timers refuse fractions). Pure. */
export function stretched(ms: number, load: number): number {
  return Math.round(ms * load);
}

/** Smoothed latency: half the newest sample, half the history (a lone slow answer counts half). Pure. */
export function smoothLatency(previous: number | undefined, sampleMs: number): number {
  return previous === undefined ? sampleMs : (previous + sampleMs) / 2;
}

export interface WaitReadyOptions {
  engine: Runtime;
  hub: EventHub;
  containerId: string;
  service: string;
  /** "completed" when a dependant needs the job to exit 0. */
  mode: ReadyMode;
  /** The service's readiness rule (probe-spec's readinessOf); undefined: the container's healthcheck, else running. */
  readiness?: ReadinessSpec;
  /** Absolute deadline (ms since epoch). */
  deadline: number;
  signal?: AbortSignal;
  /** Restart policy ("no", "always", "on-failure[:N]", "unless-stopped"), to know whether an exit is final. */
  restartPolicy?: string;
  /** The engine's healthy verdict counts only if its newest check ended at or after this (ms since epoch; ProbeContext.freshSince). */
  freshSince?: number;
}

export interface ReadyResult {
  /** ms since epoch when readiness was first observed. */
  readyAt: number;
  via: "engine" | "probe" | "running" | "exit";
  /** The rule that passed, as a user reads it. */
  probe: string;
  /** Probe runs that saw it through (the passing ones last). */
  probes: ProbeRecord[];
  restarts: number;
}

/** Whether the engine will start the container again after it exited with `exitCode`. */
export function mayRestart(policy: string | undefined, exitCode: number, restartCount: number): boolean {
  if (!policy || policy === "no" || policy === "none") return false;
  if (policy.startsWith("on-failure")) {
    const max = Number(policy.split(":")[1] ?? 0);
    return exitCode !== 0 && (max === 0 || restartCount < max);
  }
  return true; // always, unless-stopped, any (deploy.restart_policy)
}

/** Period before the next round of probes, given how long the container has been starting. */
export function nextPeriod(startingForMs: number, capMs: number): number {
  return Math.max(FIRST_PERIOD_MS, Math.min(capMs, Math.round(startingForMs * BACKOFF_FRACTION)));
}

/** A declared rule as given; otherwise the container's healthcheck (its image's counts too), else the default. */
function ruleFor(o: WaitReadyOptions, c: ContainerDetails): Readiness {
  if (o.readiness?.declared) return o.readiness.ready;
  if (c.healthcheck) return { kind: "probe", probe: { kind: "healthcheck" } };
  return o.readiness?.ready ?? { kind: "probe", probe: { kind: "running" } };
}

function isJob(o: WaitReadyOptions, rule: Readiness): boolean {
  return o.mode === "completed" || probesOf(rule).some((p) => p.kind === "completed");
}

type Watch = NonNullable<ProbeContext["watch"]>;

/**
 * Runs every probe of the rule (in parallel) and combines them; exec-style probes keep checking
 * inside the container for the watch window. `any` settles as soon as one of its probes passes.
 */
async function evaluate(
  rule: Readiness,
  engine: Runtime,
  c: ContainerDetails,
  signal: AbortSignal | undefined,
  out: ProbeRecord[],
  watch?: Watch,
  freshSince?: number,
): Promise<boolean> {
  if (rule.kind === "probe") {
    const r = await runProbe(rule.probe, { engine, container: c, signal, watch, freshSince });
    out.push(r);
    return r.ok;
  }
  const children = rule.of.map((r) => evaluate(r, engine, c, signal, out, watch, freshSince));
  if (rule.kind === "all") return (await Promise.all(children)).every(Boolean);
  return new Promise<boolean>((resolve, reject) => {
    let left = children.length;
    for (const p of children) {
      p.then((ok) => {
        if (ok) resolve(true);
        else if (--left === 0) resolve(false);
      }, reject);
    }
  });
}

/** Exec-style probes run inside the container and can keep checking there for a whole window. */
const IN_CONTAINER = new Set<Probe["kind"]>(["healthcheck", "exec"]);

/**
 * How long one in-container watch may keep checking before the loop looks again from outside.
 * Long windows amortise the exec's own start-up (~50 ms); a rule that also has host-side probes
 * (tcp, http, log) gets windows no longer than its period, so those are re-checked as often as now.
 */
export function watchWindow(startedForMs: number, capMs: number, onlyInContainer: boolean): number {
  if (!onlyInContainer) return nextPeriod(startedForMs, capMs);
  return Math.max(WATCH_MIN_MS, Math.min(WATCH_MAX_MS, Math.round(startedForMs / 2)));
}

function viaOf(rule: Readiness, c: ContainerDetails, freshSince?: number): ReadyResult["via"] {
  if (rule.kind === "probe" && rule.probe.kind === "running") return "running";
  if (rule.kind === "probe" && rule.probe.kind === "healthcheck" && engineSaysHealthy(c, freshSince)) return "engine";
  return "probe";
}

export async function waitReady(o: WaitReadyOptions, onProbe?: (p: ProbeRecord) => void): Promise<ReadyResult> {
  const history: ProbeRecord[] = [];
  const noShell = new Set<string>();
  let last: ContainerDetails | undefined;
  let rule: Readiness | undefined;
  let latency: number | undefined;
  for (;;) {
    if (o.signal?.aborted) throw new BerthError("ABORTED", `waiting for ${o.service}: cancelled`, { cause: o.signal.reason });
    const asked = Date.now();
    const c = await inspectOrNothing(o);
    if (!c) {
      // No answer in time: ask again, as long as the deadline allows.
      if (o.deadline - Date.now() <= 0 && last && rule) throw failure(o, last, rule, history, "timed-out", "did not become ready in time");
      if (o.deadline - Date.now() <= 0)
        throw new BerthError("HEALTH_TIMEOUT", `${o.service}: the engine did not answer an inspect of its container before the deadline`, {
          hint: "The engine is overloaded or stuck: check it with `docker info` (and its log), then try again, with a longer --timeout if the machine is busy.",
        });
      continue;
    }
    latency = smoothLatency(latency, Date.now() - asked);
    const load = loadFactor(latency);
    last = c;
    rule ??= ruleFor(o, c);
    const s = c.state;
    const exited = !s.running && (s.status === "exited" || s.status === "dead");
    const done = (via: ReadyResult["via"], at = Date.now()): ReadyResult => ({
      readyAt: at,
      via,
      probe: describeReadiness(rule!),
      probes: history.slice(-10),
      restarts: s.restartCount,
    });
    const startedAt = s.startedAt && !s.startedAt.startsWith("0001") ? Date.parse(s.startedAt) : Date.now();
    let cap = DEFAULT_CAP_MS;
    let spent = 0;
    if (isJob(o, rule)) {
      if (exited && s.finishedAt && !s.finishedAt.startsWith("0001")) {
        if (s.exitCode === 0) return done("exit");
        if (!mayRestart(o.restartPolicy, s.exitCode, s.restartCount)) throw await exitFailure(o, c, rule, history, "");
      }
    } else if (s.running) {
      cap = c.healthcheck?.intervalMs || (c.healthcheck ? 30_000 : DEFAULT_CAP_MS);
      const startedFor = Math.max(0, Date.now() - startedAt);
      const onlyInContainer = probesOf(rule).every((p) => IN_CONTAINER.has(p.kind));
      const windowMs = Math.min(stretched(watchWindow(startedFor, cap, onlyInContainer), load), Math.max(0, o.deadline - Date.now()));
      const watch = windowMs > 0 ? { windowMs, startedForMs: startedFor, capMs: cap, noShell } : undefined;
      const roundStart = Date.now();
      const round: ProbeRecord[] = [];
      const ok = await evaluate(rule, o.engine, c, o.signal, round, watch, o.freshSince);
      spent = Date.now() - roundStart;
      for (const r of round) onProbe?.(r);
      history.push(...round);
      if (history.length > 50) history.splice(0, history.length - 50);
      if (ok) {
        // A probe passing in a run that has since been replaced (the restart policy restarted the
        // container while it was probed) says nothing about the run now: judge the new one.
        const after = await inspectOrNothing(o);
        if (after?.state.running && after.state.startedAt === s.startedAt)
          return done(viaOf(rule, c, o.freshSince), Math.max(...round.filter((r) => r.ok).map((r) => r.at)));
        continue;
      }
    } else if (exited && !mayRestart(o.restartPolicy, s.exitCode, s.restartCount)) {
      throw await exitFailure(o, c, rule, history, " before it was ready");
    }
    const left = o.deadline - Date.now();
    if (left <= 0) throw failure(o, last, rule, history, "timed-out", "did not become ready in time");
    // A round that watched inside the container already spent its period waiting.
    const wait = Math.min(stretched(nextPeriod(Date.now() - startedAt, cap), load) - spent, left);
    if (wait > 0) await o.hub.next(o.containerId, wait, o.signal);
  }
}

/**
 * Inspects the container, or says nothing when the engine gives no answer within
 * ENGINE_READ_TIMEOUT_MS (a request lost under heavy load would otherwise hold the wait until the
 * acquire's deadline). A cancel of the wait itself still throws.
 */
async function inspectOrNothing(o: WaitReadyOptions): Promise<ContainerDetails | undefined> {
  const late = new AbortController();
  const timer = setTimeout(() => late.abort(new Error("no answer")), ENGINE_READ_TIMEOUT_MS);
  try {
    return await o.engine.inspectContainer(o.containerId, { signal: o.signal ? AbortSignal.any([o.signal, late.signal]) : late.signal });
  } catch (error) {
    if (late.signal.aborted && !o.signal?.aborted) return undefined;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** How a wait for readiness ended without it: the container exited for good, or the deadline passed. */
type Unready = "exited" | "timed-out";

/** The failure of a container that exited for good, saying when the kernel killed it for memory (even where the engine's flag missed it). */
async function exitFailure(o: WaitReadyOptions, c: ContainerDetails, rule: Readiness, history: ProbeRecord[], when: string): Promise<BerthError> {
  const oomKilled = await killedForMemory(o.engine, o.containerId, c.state, { signal: o.signal });
  const s = { ...c.state, oomKilled };
  return failure(o, { ...c, state: s }, rule, history, "exited", `exited with code ${s.exitCode}${oomKilled ? " (killed: out of memory)" : ""}${when}`);
}

function failure(o: WaitReadyOptions, c: ContainerDetails, rule: Readiness, history: ProbeRecord[], outcome: Unready, what: string): BerthError {
  const s = c.state;
  const code = outcome === "timed-out" ? "HEALTH_TIMEOUT" : "SERVICE_FAILED";
  // The last run of each probe: what a user needs to see first.
  const lastByProbe = new Map<string, ProbeRecord>();
  for (const r of history) lastByProbe.set(r.probe, r);
  const probe = describeReadiness(rule);
  return new BerthError(code, `service ${o.service} (container ${c.name}) ${what}${code === "HEALTH_TIMEOUT" ? ` (waiting for: ${probe})` : ""}`, {
    hint:
      s.status === "paused"
        ? `The container is paused (\`berth pause\` or \`docker pause\`): nothing in it runs until \`berth unpause ${o.service}\`.`
        : code === "HEALTH_TIMEOUT"
          ? "Read the probe output and the service's last log lines shown with this error; raise --timeout (or x-berth.timeout) if the service is just slow, or keep the containers to look at with `berth up --keep-on-failure`."
          : "The service's last log lines, shown with this error, say why it exited; `berth up --keep-on-failure` keeps the container to inspect.",
    details: {
      service: o.service,
      container: c.name,
      probe,
      status: s.status,
      exitCode: s.exitCode,
      oomKilled: s.oomKilled,
      restartCount: s.restartCount,
      health: s.health,
      healthLog: s.healthLog.slice(-5).map((l) => ({ exitCode: l.exitCode, output: l.output.trim().slice(-500) })),
      probes: [...lastByProbe.values()].map((r) => ({ probe: r.probe, ok: r.ok, exitCode: r.exitCode, output: r.output.trim().slice(-500) })),
      lastProbe: lastProbeOf(history),
    },
  });
}

/** The newest probe run, in the shape the CLI prints; named when it is not the healthcheck. */
function lastProbeOf(history: ProbeRecord[]): { exitCode: number; output: string } | undefined {
  const r = history.at(-1);
  if (!r) return undefined;
  const output = r.output.trim().slice(-500);
  return { exitCode: r.exitCode ?? (r.ok ? 0 : 1), output: r.probe === "healthcheck" ? output : `[${r.probe}] ${output}` };
}
