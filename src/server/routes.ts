/**
 * The endpoints. Engine-backed ones answer 503 `{ ok: false, reason }` while the engine is
 * unreachable; liveness stays 200 because the server itself still lives and answers (restarting
 * it would not bring the engine back); /metrics stays 200 with `berth_engine_up 0`, because a
 * failed scrape would hide exactly that signal from Prometheus.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { isBerthError } from "../errors.js";
import { healthReport } from "../lifecycle/health-report.js";
import { readLogs } from "../lifecycle/logs.js";
import { VERSION } from "../version.js";
import { EngineDown } from "./engine-link.js";
import { pageHtml } from "./page/html.js";
import type { SseHub } from "./sse.js";
import type { StatusService } from "./status-service.js";

export interface RouteContext {
  service: StatusService;
  sse: SseHub;
  nonce: () => string;
  /** Told when a request turned into a long-lived event stream (the connection guard stops timing it). */
  onStream?: (req: IncomingMessage) => void;
}

export const ENDPOINTS = [
  "/",
  "/health",
  "/health/detailed",
  "/health/readiness[?project=NAME]",
  "/health/liveness",
  "/metrics",
  "/api/state",
  "/api/events",
  "/api/timings[?project=NAME]",
  "/api/health/PROJECT",
  "/api/logs/PROJECT/SERVICE[?tail=N]",
];

const MAX_TAIL = 1000;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" });
  res.end(JSON.stringify(body));
}

function berthInfo(s: StatusService) {
  return { version: VERSION, pid: process.pid, uptimeSeconds: Math.round(s.uptimeSeconds * 10) / 10 };
}

/** 503 with the engine's reason when it is down; otherwise null (go on). */
function engineDown(res: ServerResponse, s: StatusService): boolean {
  const e = s.link.status;
  if (e.up) return false;
  json(res, 503, { ok: false, reason: `the Docker engine is unreachable: ${e.reason}`, engine: e });
  return true;
}

async function withEngine(res: ServerResponse, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof EngineDown) return json(res, 503, { ok: false, reason: `the Docker engine is unreachable: ${error.reason}` });
    if (isBerthError(error, "NOT_FOUND")) return json(res, 404, { ok: false, reason: error.message, ...(error.hint ? { hint: error.hint } : {}) });
    if (isBerthError(error)) return json(res, 502, { ok: false, reason: error.message });
    throw error;
  }
}

function segment(text: string): string | null {
  try {
    const s = decodeURIComponent(text);
    return s && !s.includes("/") ? s : null;
  } catch {
    return null;
  }
}

export async function route(req: IncomingMessage, res: ServerResponse, url: URL, ctx: RouteContext): Promise<void> {
  const s = ctx.service;
  const path = url.pathname.replace(/\/+$/, "") || "/";
  switch (path) {
    case "/": {
      const nonce = ctx.nonce();
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "content-security-policy": `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
      });
      return void res.end(pageHtml(nonce));
    }
    case "/favicon.ico":
      res.writeHead(204, { "cache-control": "max-age=86400" });
      return void res.end();
    case "/health/liveness":
      return json(res, 200, { ok: true, status: "alive", berth: berthInfo(s) });
    case "/health": {
      const e = s.link.status;
      return json(
        res,
        e.up ? 200 : 503,
        e.up
          ? { ok: true, status: "ok", berth: berthInfo(s), engine: e }
          : { ok: false, reason: `the Docker engine is unreachable: ${e.reason}`, berth: berthInfo(s), engine: e },
      );
    }
    case "/health/readiness": {
      if (engineDown(res, s)) return;
      if (!s.ready) return json(res, 503, { ok: false, reason: "reading the engine's state (the event stream is not established yet)" });
      const project = url.searchParams.get("project");
      if (!project) return json(res, 200, { ok: true, status: "ready" });
      const env = s.snapshot().environments.find((e) => e.project === project);
      if (!env) return json(res, 503, { ok: false, reason: `no berth environment named ${project} on this engine` });
      if (env.state !== "healthy") {
        const notReady = env.services.filter((x) => x.state !== "HEALTHY" && x.state !== "COMPLETED").map((x) => `${x.name} ${x.state}`);
        return json(res, 503, { ok: false, reason: `environment ${project} is ${env.state}: ${notReady.join(", ") || "no services"}`, state: env.state });
      }
      return json(res, 200, { ok: true, status: "ready", project, state: env.state });
    }
    case "/health/detailed":
    case "/api/state": {
      if (engineDown(res, s)) return;
      const snap = s.snapshot();
      if (path === "/api/state") return json(res, 200, { ok: true, ...snap });
      return json(res, 200, {
        ok: true,
        at: snap.at,
        berth: berthInfo(s),
        engine: snap.engine,
        current: snap.current,
        environments: snap.environments.map(({ graph: _g, ...e }) => e),
      });
    }
    case "/api/events": {
      if (req.method === "HEAD") {
        res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store" });
        return void res.end();
      }
      const added = ctx.sse.add(req, res, { event: "state", data: s.snapshot() });
      if (!added.ok) return json(res, 503, { ok: false, reason: added.reason });
      ctx.onStream?.(req);
      return;
    }
    case "/api/timings":
      return json(res, 200, { ok: true, timings: s.recent.list(url.searchParams.get("project") ?? undefined) });
    case "/metrics": {
      const text = await s.metrics.registry.metrics();
      res.writeHead(200, { "content-type": s.metrics.registry.contentType, "cache-control": "no-store" });
      return void res.end(text);
    }
  }
  const logs = /^\/api\/logs\/([^/]+)\/([^/]+)$/.exec(path);
  if (logs) {
    const project = segment(logs[1]!);
    const service = segment(logs[2]!);
    const tailText = url.searchParams.get("tail") ?? "100";
    const tail = Number(tailText);
    if (!project || !service || !Number.isInteger(tail) || tail < 1 || tail > MAX_TAIL) {
      return json(res, 400, { ok: false, reason: `use /api/logs/PROJECT/SERVICE?tail=N with 1 ≤ N ≤ ${MAX_TAIL}` });
    }
    return withEngine(res, async () => {
      const lines = await s.link.use("read logs", (engine, signal) => readLogs(engine, project, { services: [service], tail, timestamps: true, signal }));
      json(res, 200, { ok: true, project, service, lines: lines.slice(-tail) });
    });
  }
  const health = /^\/api\/health\/([^/]+)$/.exec(path);
  if (health) {
    const project = segment(health[1]!);
    if (!project) return json(res, 400, { ok: false, reason: "use /api/health/PROJECT" });
    return withEngine(res, async () => {
      const report = await s.link.use("health report", (engine, signal) => healthReport(engine, project, { signal }));
      json(res, 200, { ok: true, ...report });
    });
  }
  return json(res, 404, { ok: false, reason: `no such endpoint: ${path}`, endpoints: ENDPOINTS });
}
