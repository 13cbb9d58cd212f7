#!/usr/bin/env node
// berth's soak benchmark (`npm run soak`; not part of `npm test`). For SOAK_MINUTES (default 60)
// SOAK_WORKERS (default 10) worker processes churn one engine: environments of the busybox chain
// and of the example shop acquired and released at random through the built CLI (up/down/run) and
// the API (acquire/release), with random SIGKILLs and SIGINTs mid-acquire, scale changes and
// restarts (scripts/soak/worker.mjs). Meanwhile it watches the engine and berth's processes
// (scripts/soak/monitor.mjs). At the end it reports cycles, failures by cause, leaks (what is
// labelled with its run id after berth's own clean-up, and berth's files in its temp folders),
// engine restarts and crashes, exec calls per second, berth's RSS over time and stale networks
// (moby#43286), as a summary on stdout and JSON in artifacts/soak-<run id>.json.
//
// Everything berth creates here carries dev.berth.soak=<run id> (BERTH_LABELS), and berth's reaper
// and lock files go to a temp folder of this run (BERTH_REAPER_DIR, BERTH_LOCK_DIR): it only ever
// touches, counts and removes its own. It never restarts the engine unless dockerd died.
//
// Environment: SOAK_MINUTES, SOAK_WORKERS, SOAK_DIST (a built dist/ to test; default ./dist),
// SOAK_MAX_CONTAINERS (BERTH_MAX_CONTAINERS for the run; default 60).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import Docker from "dockerode";
import { startMonitor } from "./soak/monitor.mjs";
import { summarize } from "./soak/report.mjs";

const root = new URL("..", import.meta.url).pathname;
const MINUTES = Number(process.env.SOAK_MINUTES ?? 60);
const WORKERS = Number(process.env.SOAK_WORKERS ?? 10);
const dist = resolve(process.env.SOAK_DIST ?? join(root, "dist"));
const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const SOAK_LABEL = "dev.berth.soak";
const tmp = join(tmpdir(), `berth-soak-${runId}`);
const docker = new Docker();
const log = (m) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

const childEnv = {
  ...process.env,
  SOAK_RUN_ID: runId,
  SOAK_DIST: dist,
  BERTH_LABELS: `${SOAK_LABEL}=${runId}`,
  BERTH_REAPER_DIR: join(tmp, "reapers"),
  BERTH_LOCK_DIR: join(tmp, "locks"),
  BERTH_MAX_CONTAINERS: process.env.SOAK_MAX_CONTAINERS ?? "60",
  NO_COLOR: "1",
};

const mine = { label: [`${SOAK_LABEL}=${runId}`] };
async function labelled() {
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters: mine }),
    docker.listNetworks({ filters: mine }),
    docker.listVolumes({ filters: mine }).then((v) => v.Volumes ?? []),
  ]);
  return { containers, networks, volumes };
}

/** berth's files left in this run's temp folders (reaper pid/pending/clean/log files, locks). */
function berthFiles() {
  const out = {};
  for (const sub of ["reapers", "locks"]) {
    let files = [];
    try { files = readdirSync(join(tmp, sub)); } catch { /* never created */ }
    for (const f of files) {
      // `admission-<engine>.last-key` is the admission queue's key counter of this host (kept on purpose, one per engine).
      let kind = f.endsWith(".last-key") ? "admission key counter" : sub === "locks" ? "lock" : /\.pending-/.test(f) ? "pending" : f.split(".").at(-1);
      // A lock whose holder was SIGKILLed stays until the next acquisition takes it over.
      if (kind === "lock") {
        try {
          const pid = JSON.parse(readFileSync(join(tmp, sub, f), "utf8")).pid;
          if (!existsSync(`/proc/${pid}`)) kind = "lock (holder dead)";
        } catch { /* unreadable */ }
      }
      (out[kind] ??= []).push(f);
    }
  }
  return out;
}

/** Removes what berth left (the soak's own label only); networks that refuse with "active endpoints" are stale (moby#43286). */
async function forceClean() {
  const { containers, networks, volumes } = await labelled();
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  const stale = [];
  for (const n of networks) {
    try {
      await docker.getNetwork(n.Id).remove();
    } catch (e) {
      const info = await docker.getNetwork(n.Id).inspect().catch(() => ({}));
      stale.push({ name: n.Name, activeEndpoints: /active endpoints/i.test(e.message), containers: Object.keys(info.Containers ?? {}).length, error: String(e.message).slice(0, 200) });
    }
  }
  await Promise.all(volumes.map((v) => docker.getVolume(v.Name).remove().catch(() => undefined)));
  return stale;
}

function startWorker(i, deadline, sink) {
  const child = spawn(process.execPath, [join(root, "scripts/soak/worker.mjs"), String(i), String(deadline)], { cwd: root, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
  createInterface({ input: child.stdout }).on("line", (l) => { try { sink(JSON.parse(l)); } catch { /* stray output */ } });
  let err = "";
  child.stderr.on("data", (d) => (err = (err + d).slice(-4000)));
  return new Promise((r) => child.on("close", (code) => r({ worker: i, code, stderr: err })));
}

let interrupted = false;
async function main() {
  mkdirSync(join(tmp, "reapers"), { recursive: true });
  mkdirSync(join(tmp, "locks"), { recursive: true });
  await docker.ping();
  const startedAt = new Date();
  log(`run ${runId}: ${WORKERS} workers for ${MINUTES} min, dist ${dist}, temp ${tmp}`);
  const monitor = startMonitor({ docker, runId, dist, root, log });
  const records = [];
  let lastNote = Date.now();
  const sink = (r) => {
    records.push(r);
    if (r.type === "op" && !r.ok) log(`w${r.worker} ${r.op} ${r.stack}: ${r.error?.code} ${String(r.error?.message ?? "").split("\n")[0].slice(0, 160)}`);
    if (r.type === "kill-check" && r.leftover.length) log(`w${r.worker} after ${r.signal} of ${r.via}: left ${r.leftover.join(", ")}`);
    if (Date.now() - lastNote > 60_000) {
      lastNote = Date.now();
      const ops = records.filter((x) => x.type === "op");
      log(`${ops.length} operations, ${ops.filter((x) => !x.ok).length} failed; exec ${monitor.exec.all} (soak ${monitor.exec.soak}, berth probes ${monitor.exec.probe})`);
    }
  };
  const deadline = Date.now() + MINUTES * 60_000;
  const workers = await Promise.all(Array.from({ length: WORKERS }, (_, i) => startWorker(i, deadline, sink)));
  log("workers done; waiting 15 s for reapers, then counting leftovers");
  await new Promise((r) => setTimeout(r, 15_000));
  const left = await labelled();
  const files = berthFiles();
  const stale = await forceClean();
  const afterForce = await labelled();
  const mon = await monitor.stop();
  const result = summarize({ runId, startedAt, minutes: MINUTES, workers: WORKERS, records, workerExits: workers, left, files, stale, afterForce, mon, interrupted,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, load: spawnSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).stdout.trim() } });
  mkdirSync(join(root, "artifacts"), { recursive: true });
  const out = join(root, "artifacts", `soak-${runId}.json`);
  writeFileSync(out, `${JSON.stringify(result.json, null, 2)}\n`);
  process.stdout.write(`${result.text}\nJSON: ${out}\n`);
  rmSync(tmp, { recursive: true, force: true });
}

// Ctrl-C: the workers get it too (same process group) and stop; the final count and clean-up still run.
process.on("SIGINT", () => { interrupted = true; log("interrupted: finishing early"); });
process.on("SIGTERM", () => { interrupted = true; forceClean().finally(() => process.exit(143)); });
await main();
