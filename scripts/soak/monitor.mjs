// What the soak watches while it runs, without touching anything:
// - the engine's /events stream: exec_create/exec_start per second (all, the soak's own containers,
//   and berth's readiness watch execs, recognisable by their "berth-probe" argument);
// - the engine's health: GET /_ping every 2 s and dockerd's pid (a new pid is a restart, no dockerd
//   at all a crash); only when dockerd is gone does it call scripts/ensure-engine.sh, once per death;
// - berth's processes (CLI, API test processes, reapers) of this run, found by SOAK_RUN_ID in their
//   environment: VmRSS and VmHWM from /proc/<pid>/status every second.
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync, readSync, readlinkSync, statSync } from "node:fs";

const BUCKET_MS = 30_000;

/** The engine's dockerd: its pid file (other dockerds may run here, e.g. inside swarm-node containers), else the first found. */
function dockerdPid() {
  const fromFile = Number(read("/var/run/docker.pid")?.trim());
  if (fromFile && read(`/proc/${fromFile}/comm`)?.trim() === "dockerd") return fromFile;
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, "utf8").trim() === "dockerd") return Number(d);
    } catch { /* gone */ }
  }
  return undefined;
}

function read(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** berth processes of this run: kind and memory, from /proc. */
function berthProcesses(runId, dist) {
  const out = [];
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const cmd = read(`/proc/${d}/cmdline`);
    if (!cmd || !cmd.includes("node")) continue;
    const kind = cmd.includes("reaper-main") ? "reaper" : cmd.includes("soak/api-child.mjs") ? "api" : cmd.includes(`${dist}/bin/berth.js`) ? "cli" : undefined;
    if (!kind) continue;
    if (!(read(`/proc/${d}/environ`) ?? "").includes(`SOAK_RUN_ID=${runId}`)) continue;
    const status = read(`/proc/${d}/status`) ?? "";
    const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    out.push({ pid: Number(d), kind, rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") });
  }
  return out;
}

export function startMonitor({ docker, runId, dist, root, log }) {
  const t0 = Date.now();
  const bucket = () => Math.floor((Date.now() - t0) / BUCKET_MS);
  const series = new Map(); // bucket -> row
  const row = () => {
    const b = bucket();
    if (!series.has(b)) series.set(b, { t: b * BUCKET_MS / 1000, execAll: 0, execSoak: 0, execProbe: 0, peakExecPerSec: 0, berthProcs: 0, rssTotalKb: 0, rssMaxKb: 0 });
    return series.get(b);
  };
  const exec = { all: 0, soak: 0, probe: 0, soakHealthcheck: 0 };
  const perSecond = new Map();
  const events = { die: 0, oom: 0, healthUnhealthy: 0, streamBreaks: 0 };
  const engine = { startPid: dockerdPid(), pid: dockerdPid(), restarts: [], crashes: [], pingFailures: 0, longestOutageMs: 0, ensureRuns: [] };
  const hwmByKind = { cli: 0, api: 0, reaper: 0 };
  const logPath = (() => { try { return readlinkSync(`/proc/${engine.pid}/fd/2`); } catch { return undefined; } })();
  const logStart = (() => { try { return statSync(logPath).size; } catch { return 0; } })();
  let stopped = false;
  let stream;
  let since = Math.floor(t0 / 1000);

  function onEvent(e) {
    since = Math.max(since, e.time ?? since);
    const a = e.Action ?? e.status ?? "";
    const mine = e.Actor?.Attributes?.["dev.berth.soak"] === runId;
    if (a.startsWith("exec_create") || a.startsWith("exec_start")) {
      exec.all++;
      const r = row();
      r.execAll++;
      const s = Math.floor(Date.now() / 1000);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
      r.peakExecPerSec = Math.max(r.peakExecPerSec, perSecond.get(s));
      if (perSecond.size > 5) for (const k of perSecond.keys()) if (k < s - 3) perSecond.delete(k);
      if (mine) {
        exec.soak++;
        r.execSoak++;
        if (a.includes("berth-probe")) {
          exec.probe++;
          r.execProbe++;
        } else exec.soakHealthcheck++;
      }
    } else if (mine && a === "die") events.die++;
    else if (mine && a === "oom") events.oom++;
    else if (mine && a === "health_status: unhealthy") events.healthUnhealthy++;
  }

  async function follow() {
    while (!stopped) {
      try {
        stream = await docker.getEvents({ since, filters: { type: ["container"] } });
        let buf = "";
        await new Promise((resolve) => {
          stream.on("data", (d) => {
            buf += d.toString("utf8");
            let i;
            while ((i = buf.indexOf("\n")) >= 0) {
              const line = buf.slice(0, i);
              buf = buf.slice(i + 1);
              if (line.trim()) try { onEvent(JSON.parse(line)); } catch { /* partial */ }
            }
          });
          stream.on("end", resolve);
          stream.on("close", resolve);
          stream.on("error", resolve);
        });
      } catch { /* engine away */ }
      if (!stopped) {
        events.streamBreaks++;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  let outageStart;
  let deadSince;
  async function health() {
    const ok = await Promise.race([docker.ping().then(() => true, () => false), new Promise((r) => setTimeout(() => r(false), 5000))]);
    const pid = dockerdPid();
    if (pid && engine.pid && pid !== engine.pid) engine.restarts.push({ at: new Date().toISOString(), from: engine.pid, to: pid });
    if (pid) engine.pid = pid;
    if (!ok) {
      engine.pingFailures++;
      outageStart ??= Date.now();
      log(`engine: /_ping failed (dockerd pid ${pid ?? "none"})`);
    } else if (outageStart) {
      engine.longestOutageMs = Math.max(engine.longestOutageMs, Date.now() - outageStart);
      outageStart = undefined;
    }
    if (!pid) {
      deadSince ??= Date.now();
      // Gone for 6 s: it died (not restarting by itself here: no systemd). Only then start it, via the project's script.
      if (Date.now() - deadSince > 6000 && !engine.crashes.some((c) => c.handled === deadSince)) {
        engine.crashes.push({ at: new Date(deadSince).toISOString(), handled: deadSince, lastPid: engine.pid });
        log("engine: dockerd is gone; starting it with scripts/ensure-engine.sh");
        const r = spawnSync("bash", [`${root}scripts/ensure-engine.sh`], { encoding: "utf8", timeout: 180_000 });
        engine.ensureRuns.push({ at: new Date().toISOString(), status: r.status, tail: `${r.stderr ?? ""}`.slice(-500) });
      }
    } else deadSince = undefined;
  }

  function sampleProcs() {
    const procs = berthProcesses(runId, dist);
    const r = row();
    const total = procs.reduce((s, p) => s + p.rssKb, 0);
    r.berthProcs = Math.max(r.berthProcs, procs.length);
    r.rssTotalKb = Math.max(r.rssTotalKb, total);
    for (const p of procs) {
      r.rssMaxKb = Math.max(r.rssMaxKb, p.rssKb);
      hwmByKind[p.kind] = Math.max(hwmByKind[p.kind], p.hwmKb);
    }
  }

  const timers = [setInterval(() => health().catch(() => undefined), 2000), setInterval(sampleProcs, 1000)];
  const following = follow();

  /** dockerd's log since the start: the fault signatures of ENGINE.md. */
  function engineLog() {
    if (!logPath) return { path: undefined };
    let text = "";
    try {
      const size = statSync(logPath).size;
      const fd = openSync(logPath, "r");
      const buf = Buffer.alloc(Math.max(0, Math.min(size - logStart, 50 * 2 ** 20)));
      readSync(fd, buf, 0, buf.length, logStart);
      closeSync(fd);
      text = buf.toString("utf8");
    } catch { /* rotated or unreadable */ }
    const count = (re) => (text.match(re) ?? []).length;
    return {
      path: logPath,
      panics: count(/panic:/g),
      healthcheckDeadlineExceeded: count(/Health check for container .*context deadline exceeded/g),
      activeEndpoints: count(/has active endpoints/g),
    };
  }

  return {
    exec,
    engine,
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      stream?.destroy?.();
      await Promise.race([following, new Promise((r) => setTimeout(r, 2000))]);
      const secs = (Date.now() - t0) / 1000;
      const rows = [...series.values()].sort((a, b) => a.t - b.t);
      return {
        seconds: secs,
        exec: { ...exec, perSecondAll: exec.all / secs, perSecondSoak: exec.soak / secs, perSecondProbe: exec.probe / secs, peakPerSecond: Math.max(0, ...rows.map((r) => r.peakExecPerSec)) },
        events,
        engine: { ...engine, endPid: dockerdPid(), log: engineLog() },
        rss: { peakHwmMiBByKind: Object.fromEntries(Object.entries(hwmByKind).map(([k, v]) => [k, +(v / 1024).toFixed(1)])), series: rows },
      };
    },
  };
}
