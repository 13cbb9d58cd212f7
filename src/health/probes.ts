/**
 * Running one probe against a running container, once. Each returns a record with what a user
 * needs to see when readiness never comes: pass/fail and the probe's own words.
 */
import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";
import { connect } from "node:net";
import type { Runtime } from "../engine/runtime.js";
import type { ContainerDetails } from "../engine/types.js";
import { isBerthError } from "../errors.js";
import { describeProbe, type Probe, type StatusMatch } from "./probe-model.js";
import { healthcheckCommand } from "./state.js";
import { watchExec } from "./watch-exec.js";

export interface ProbeRecord {
  probe: string;
  at: number;
  ok: boolean;
  /** Exit code for exec-style probes, HTTP status for http; absent otherwise. */
  exitCode?: number;
  output: string;
}

const CONNECT_TIMEOUT_MS = 2000;
/**
 * The engine's userland proxy accepts a connection on the published port before it dials the
 * container, then hangs up if the container refuses. A host-side connect counts only when the
 * connection survives this long without being closed.
 */
const PROXY_GRACE_MS = 50;

/** How long one read a probe or the readiness wait makes of the engine may take before it is asked again. */
export const ENGINE_READ_TIMEOUT_MS = 20_000;

export interface ProbeContext {
  engine: Runtime;
  container: ContainerDetails;
  signal?: AbortSignal;
  /**
   * Keep checking inside the container for up to `windowMs` (watch-exec.ts) instead of running
   * exec-style probes once. `noShell` remembers containers whose image has no /bin/sh.
   */
  watch?: { windowMs: number; startedForMs: number; capMs: number; noShell: Set<string> };
  /**
   * ms since epoch: the engine's "healthy" counts only if its newest check ended at or after this;
   * otherwise berth runs the healthcheck itself. For a container that kept running while something
   * it depends on came back (a restore): a verdict from before says nothing about it now.
   */
  freshSince?: number;
}

/** Whether the engine's healthy verdict is recent enough to take (see ProbeContext.freshSince). */
export function engineSaysHealthy(c: ContainerDetails, freshSince?: number): boolean {
  if (c.state.health !== "healthy") return false;
  if (freshSince === undefined) return true;
  const end = Date.parse(c.state.healthLog.at(-1)?.end ?? "");
  return Number.isFinite(end) && end >= freshSince;
}

export async function runProbe(p: Probe, ctx: ProbeContext): Promise<ProbeRecord> {
  const base = { probe: describeProbe(p), at: 0 };
  const done = (ok: boolean, output: string, exitCode?: number): ProbeRecord => ({
    ...base,
    at: Date.now(),
    ok,
    output,
    ...(exitCode === undefined ? {} : { exitCode }),
  });
  const c = ctx.container;
  switch (p.kind) {
    case "running":
      return done(c.state.running, c.state.status);
    case "completed":
      return done(c.state.status === "exited" && c.state.exitCode === 0, `${c.state.status}, exit code ${c.state.exitCode}`, c.state.exitCode);
    case "healthcheck": {
      if (engineSaysHealthy(c, ctx.freshSince)) return done(true, "the engine reports healthy");
      const cmd = healthcheckCommand(c.healthcheck?.test);
      if (!cmd) return done(false, "the container has no healthcheck");
      return execProbe(ctx, cmd, Math.min(c.healthcheck?.timeoutMs || 30_000, 30_000), done);
    }
    case "exec":
      return execProbe(ctx, p.command, p.timeoutMs, done);
    case "tcp": {
      const target = address(c, p.port, p.from);
      if (typeof target === "string") return done(false, target);
      const r = await tcpCheck(target.host, target.port, p.from === "host", ctx.signal);
      return done(r === null, r ?? `connected to ${target.host}:${target.port}`);
    }
    case "http": {
      const target = address(c, p.port, p.from);
      if (typeof target === "string") return done(false, target);
      return httpCheck(`${p.scheme}://${target.host}:${target.port}${p.path}`, p.status, p.body, ctx.signal, done);
    }
    case "log": {
      const since = currentRunSince(c.state);
      // A read that gets no answer (seen once under 40 acquires at once on dockerd 20.10: the
      // environment waited for its deadline) fails this round; the wait asks again next round.
      const signal = AbortSignal.any([AbortSignal.timeout(ENGINE_READ_TIMEOUT_MS), ...(ctx.signal ? [ctx.signal] : [])]);
      const text = await ctx.engine.logs(c.id, { since, tail: 100_000, signal }).catch((e: unknown) => `(could not read logs: ${(e as Error).message})`);
      const re = new RegExp(p.pattern, "gm");
      const found = text.match(re)?.length ?? 0;
      return done(found >= p.count, `${found} of ${p.count} line${p.count > 1 ? "s" : ""} matching /${p.pattern}/ since start`);
    }
  }
}

type Done = (ok: boolean, output: string, exitCode?: number) => ProbeRecord;

/**
 * Where the container's current run begins in its log (seconds, fractional, for the logs API's
 * `since`): just after its previous run ended, or its whole log when it never ended. Not its
 * StartedAt: dockerd records that after the process is running, and under load a line printed at
 * once is timestamped before it (measured: 40 acquires at once on 2 cores, a service's "ready"
 * line came 0.x s before its StartedAt, in the previous second, and the log probe missed it until
 * the acquire's deadline). A previous run's lines are all in before its FinishedAt: dockerd waits
 * for the output copy to end before it records the exit.
 */
export function currentRunSince(state: { finishedAt?: string }): number {
  const finished = state.finishedAt && !state.finishedAt.startsWith("0001") ? Date.parse(state.finishedAt) : NaN;
  // FinishedAt has nanoseconds, Date.parse keeps milliseconds: one more keeps the last old line out.
  return Number.isFinite(finished) ? (finished + 1) / 1000 : 0;
}

async function execProbe(ctx: ProbeContext, cmd: string[], timeoutMs: number, done: Done): Promise<ProbeRecord> {
  const w = ctx.watch;
  if (w && !w.noShell.has(ctx.container.id)) {
    const r = await watchExec(ctx.engine, ctx.container.id, cmd, {
      windowMs: w.windowMs,
      startedForMs: w.startedForMs,
      capMs: w.capMs,
      checkTimeoutMs: timeoutMs,
      signal: ctx.signal,
    });
    if (!r.noShell) return { ...done(r.ok, r.output, r.exitCode), at: r.at };
    w.noShell.add(ctx.container.id); // no /bin/sh in the image: one exec per check from now on
  }
  try {
    const r = await ctx.engine.exec(ctx.container.id, cmd, { timeoutMs, signal: ctx.signal, maxBytes: 4096 });
    return done(r.exitCode === 0, r.output, r.exitCode);
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    // The container may stop or restart between inspect and exec: a failed probe, not a failure.
    return done(false, isBerthError(error) ? error.message : String(error), -1);
  }
}

/** Where to reach a container port: its address on a project network, or the published host port. */
function address(c: ContainerDetails, port: number, from: "host" | "network"): { host: string; port: number } | string {
  if (from === "host") {
    const b = c.ports[`${port}/tcp`]?.find((x) => x.hostPort > 0);
    if (!b) return `port ${port} is not published (add "${port}" to ports:, or probe from: network)`;
    return { host: b.hostIp === "0.0.0.0" || b.hostIp === "" ? "127.0.0.1" : b.hostIp === "::" ? "::1" : b.hostIp, port: b.hostPort };
  }
  const ip = Object.values(c.networks).find((a) => a);
  if (!ip) return "the container has no network address yet";
  return { host: ip, port };
}

/** null when connected (and, through the proxy, still connected after the grace period); else why not. */
function tcpCheck(host: string, port: number, viaProxy: boolean, signal?: AbortSignal): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let timer: NodeJS.Timeout | undefined;
    const finish = (r: string | null) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(r);
    };
    const onAbort = () => finish("cancelled");
    signal?.addEventListener("abort", onAbort, { once: true });
    timer = setTimeout(() => finish(`no answer from ${host}:${port} within ${CONNECT_TIMEOUT_MS} ms`), CONNECT_TIMEOUT_MS);
    socket.once("error", (e) => finish(`${host}:${port}: ${e.message}`));
    socket.once("connect", () => {
      if (!viaProxy) return finish(null);
      clearTimeout(timer);
      socket.once("close", () => finish(`${host}:${port} accepted, then closed (the proxy could not reach the container)`));
      socket.once("data", () => finish(null));
      timer = setTimeout(() => finish(null), PROXY_GRACE_MS);
    });
  });
}

export function statusMatches(code: number, accepted: StatusMatch): boolean {
  return accepted.some((a) => (typeof a === "number" ? a === code : String(code)[0] === a[0]));
}

/**
 * One GET. Through node:http(s) rather than fetch so that an https probe accepts the self-signed
 * certificates test stacks use: readiness asks "does it answer", not "is it trusted".
 */
function httpCheck(url: string, accepted: StatusMatch, body: string | undefined, signal: AbortSignal | undefined, done: Done): Promise<ProbeRecord> {
  return new Promise((resolve, reject) => {
    const get = url.startsWith("https:") ? httpsGet : httpGet;
    const req = get(url, { timeout: CONNECT_TIMEOUT_MS, rejectUnauthorized: false, signal }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        if (text.length < 4096) text += d;
      });
      res.on("end", () => {
        const code = res.statusCode ?? 0;
        const statusOk = statusMatches(code, accepted);
        const bodyOk = body === undefined || new RegExp(body, "m").test(text);
        const why = !statusOk ? ` (expected ${accepted.join(" or ")})` : !bodyOk ? ` (body does not match /${body}/)` : "";
        resolve(done(statusOk && bodyOk, `GET ${url} → ${code}${why}: ${text.slice(0, 300)}`, code));
      });
      res.on("error", (e) => resolve(done(false, `GET ${url}: ${e.message}`)));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${CONNECT_TIMEOUT_MS} ms`)));
    req.on("error", (e) => (signal?.aborted ? reject(e) : resolve(done(false, `GET ${url}: ${e.message}`))));
  });
}
