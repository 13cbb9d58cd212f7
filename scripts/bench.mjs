#!/usr/bin/env node
// berth's benchmark (`npm run bench`; a script, not a test).
// For the example stack and two tiny
// 4-service 3-level busybox chains (chain: its first service starts slowly; fast: ready at start,
// the two independent bottom services publishing ports) it measures, interleaved, over RUNS runs
// (default 5):
//   floor    the readiness floor (scripts/bench-floor.mjs: Engine API directly, each healthcheck
//            run back to back from container start, dependants started the instant it passes),
//            and removing the same containers and network directly;
//   berth    `berth up` and `berth down` (the built CLI, as users run it), peak RSS of both, and
//            the readiness detection delay (ready event − mtime of the chain's /ready file);
//   CLI floor  the floor's removal plus a bare `node -e 0` start-up measured in the same run: what
//            any command-line `down` pays at least. The start-up is measured while the floor's
//            environments are still up, the conditions a `berth down` starts in (their healthchecks
//            run); and a `berth down` is timed only once the reapers its `berth up` spawned have
//            exited (~250 ms after the up), whose CPU is the up's, not the down's;
//   API      berth's programmatic acquire()/release() in this process, as a test runner calls
//            them: the same work without starting Node and loading berth for each command;
//   compose  Debian's docker-compose v1 `up -d` plus a 100 ms health poll, and `down -v`;
//   x10      10 chain environments at once: floor vs `berth up` (10 processes) and vs 10 acquire()
//            calls in this process;
//   pool     the shop with its database in a volume (compose.snapshot.yml laid over it): a fresh
//            acquire() vs claiming from a warm pool of 2 (createPool, pool.acquire()) vs env.reset()
//            to the snapshot each member took once ready.
//   downN    N = 5 and 10 chain environments removed at once: N floor removals in parallel vs N
//            `berth down` processes in parallel.
//   poolsuite  examples/pool-suite: its 20 Vitest files (each needs the shop with its seed data
//            untouched; 2 workers) with a dedicated environment per file vs a warm pool of 2 that the
//            global setup starts (its start counted); and `berth run --pool` claiming from a warm
//            pool of 2 shops, from spawning berth until its command runs (BENCH_POOLSUITE_RUNS
//            suite runs, default 1).
// Prints medians, spread (min–max) and ratios, then a Markdown table for the README.
// Everything it creates carries the label dev.berth.bench=<run id> (compose v1: its project
// names, which carry the run id) and is removed at the end, also on failure or Ctrl-C.
// BERTH_MAX_CONTAINERS is raised: the benchmark itself runs 10 environments at once, and other
// work on the engine must not make a run fail halfway.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { loadProject } from "../dist/compose/index.js";
import { readLogs } from "../dist/lifecycle/logs.js";
import { acquire, connectEngine, createPool, removeSnapshot } from "../dist/index.js";
import { engineClient, floorUp } from "./bench-floor.mjs";

const root = new URL("..", import.meta.url).pathname;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PARALLEL = 10;
const startLoad = loadavg().map((x) => x.toFixed(2)).join(", ");
const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const BENCH_LABEL = "dev.berth.bench";
const labels = { [BENCH_LABEL]: runId };
const docker = engineClient();
// berth's own engine client for the API rows (connected once, as a test process would).
let berthEngine;
const allStacks = [
  { name: "chain", file: `${root}test/fixtures/stacks/chain.yml`, marker: "/ready", passed: "/passed" },
  { name: "fast", file: `${root}test/fixtures/stacks/chain-fast.yml`, marker: "/ready", passed: "/passed" },
  { name: "shop", file: `${root}examples/shop/compose.yml` },
];
// BENCH_ONLY=chain,fast (any of chain, fast, shop, x10, downN, pool, poolsuite) for a quicker partial run while developing; the README table needs all.
const only = process.env.BENCH_ONLY?.split(",");
const wanted = (name) => !only || only.includes(name);
const stacks = allStacks.filter((s) => wanted(s.name));
const withX10 = wanted("x10");
const withDownN = wanted("downN");
const withPool = wanted("pool");
const withPoolSuite = wanted("poolsuite");
let seq = 0;
const projectName = (tag) => `bench-${runId}-${tag}-${++seq}`;

function run(cmd, args, o = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd ?? root, env: { ...process.env, BERTH_LABELS: `${BENCH_LABEL}=${runId}`, BERTH_MAX_CONTAINERS: "1000", ...o.env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let peakKb = 0;
    const poll = o.rss ? setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch { /* exited */ }
    }, 10) : undefined;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(poll);
      if (code !== 0) reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${stderr.slice(-2000)}`));
      else resolve({ stdout, stderr, peakKb, pid: child.pid });
    });
  });
}

const berthCli = (args, o) => run(process.execPath, [`${root}dist/bin/berth.js`, ...args], o);

/**
 * Waits (up to 3 s) until the reapers that the `berth up` processes `pids` spawned have exited:
 * each notices within 250 ms that its owner left cleanly. A `down` timed while they still run
 * would be charged with their CPU, which belongs to the `up` (the floor's up spawns none).
 */
async function reapersGone(pids) {
  const { readdirSync } = await import("node:fs");
  const owners = pids.map((p) => `"pid":${p},`);
  const alive = () =>
    readdirSync("/proc").some((d) => {
      if (!/^\d+$/.test(d)) return false;
      try {
        const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8");
        return cmd.includes("reaper-main") && owners.some((o) => cmd.includes(o));
      } catch {
        return false;
      }
    });
  for (const until = Date.now() + 3000; alive() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 50));
}

/** ms since epoch when `path` was last written in the container (the engine's archive stat). */
async function mtimeOf(containerId, path) {
  const res = await docker.getContainer(containerId).infoArchive({ path });
  res.resume();
  const stat = JSON.parse(Buffer.from(res.headers["x-docker-container-path-stat"], "base64").toString("utf8"));
  return Date.parse(stat.mtime);
}

async function berthUp(stack, project) {
  const t0 = Date.now();
  const r = await berthCli(["up", "-f", stack.file, "-p", project, "--json"], { rss: true });
  const upMs = Date.now() - t0;
  await reapersGone([r.pid]);
  const events = r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  const delays = [];
  const notice = [];
  if (stack.marker) {
    const list = await docker.listContainers({ all: true, filters: { label: [`dev.berth.project=${project}`] } });
    for (const e of events.filter((x) => x.type === "ready")) {
      const c = list.find((x) => x.Labels["dev.berth.service"] === e.service);
      if (!c) continue;
      delays.push(e.at - (await mtimeOf(c.Id, stack.marker)));
      notice.push(e.at - (await mtimeOf(c.Id, stack.passed)));
    }
  }
  return { upMs, peakKb: r.peakKb, delays, notice };
}

async function berthDown(project) {
  const t0 = Date.now();
  const r = await berthCli(["down", project], { rss: true });
  return { downMs: Date.now() - t0, peakKb: r.peakKb };
}

/** A bare Node start-up (`node -e 0`), the least any `berth` command costs. */
async function nodeStart() {
  const t0 = Date.now();
  await run(process.execPath, ["-e", "0"]);
  return Date.now() - t0;
}

/** acquire() in this process (loading the file included), then release(): berth as a library. */
async function apiUp(stack, project) {
  const t0 = Date.now();
  const env = await acquire({ files: [stack.file], cwd: root, projectName: project, engine: berthEngine, env: { ...process.env, BERTH_LABELS: `${BENCH_LABEL}=${runId}`, BERTH_MAX_CONTAINERS: "1000" } });
  return { upMs: Date.now() - t0, env };
}

async function apiDown(env) {
  const t0 = Date.now();
  await env.release();
  return Date.now() - t0;
}

/** docker-compose v1 `up -d`, then an inspect poll every 100 ms until every container is healthy. */
async function composeUp(stack, project) {
  const t0 = Date.now();
  await run("docker-compose", ["-f", stack.file, "-p", project, "up", "-d", "--quiet-pull"]);
  for (;;) {
    const list = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
    const states = await Promise.all(list.map((c) => docker.getContainer(c.Id).inspect()));
    if (states.length && states.every((s) => s.State.Running && (!s.State.Health || s.State.Health.Status === "healthy"))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - t0;
}

async function composeDown(stack, project) {
  const t0 = Date.now();
  await run("docker-compose", ["-f", stack.file, "-p", project, "down", "-v"]);
  return Date.now() - t0;
}

/** Per service: [ready − /ready written, ready − first check passed (/passed written)]. */
async function floorDelays(stack, f) {
  if (!stack.marker) return [];
  return Promise.all(Object.entries(f.readyAt).map(async ([s, at]) => [at - (await mtimeOf(f.containers[s].id, stack.marker)), at - (await mtimeOf(f.containers[s].id, stack.passed))]));
}

/** Removes everything this run created: by our label, and compose v1 projects by their run-id names. */
async function cleanup() {
  const mine = { label: [`${BENCH_LABEL}=${runId}`] };
  const containers = await docker.listContainers({ all: true, filters: mine });
  const composeOnes = (await docker.listContainers({ all: true })).filter((c) => (c.Labels["com.docker.compose.project"] ?? "").startsWith(`bench-${runId}-`));
  await Promise.all([...containers, ...composeOnes].map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  const nets = [...(await docker.listNetworks({ filters: mine })), ...(await docker.listNetworks()).filter((n) => n.Name.startsWith(`bench-${runId}-`))];
  await Promise.all(nets.map((n) => docker.getNetwork(n.Id).remove().catch(() => undefined)));
  const vols = (await docker.listVolumes({ filters: mine })).Volumes ?? [];
  await Promise.all(vols.map((v) => docker.getVolume(v.Name).remove().catch(() => undefined)));
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (xs) => (xs.length ? `${(median(xs) / 1000).toFixed(2)} s (${(Math.min(...xs) / 1000).toFixed(2)}–${(Math.max(...xs) / 1000).toFixed(2)})` : "–");
const ratio = (a, b) => (a.length && b.length ? (median(a) / median(b)).toFixed(2) : "–");
// Debian's docker-compose (v1), the comparison column: `apt-get install docker-compose`; without it the column stays empty.
const hasCompose = spawnSync("docker-compose", ["version"], { stdio: "ignore" }).status === 0;
if (!hasCompose) process.stderr.write("docker-compose (v1) is not installed: its column stays empty (apt-get install docker-compose)\n");

async function main() {
  berthEngine = await connectEngine({ env: process.env });
  const results = {};
  for (const stack of stacks) {
    const spec = await loadProject({ files: [stack.file], cwd: root, env: { ...process.env } });
    const r = (results[stack.name] = { floorUp: [], floorDown: [], cliFloorDown: [], berthUp: [], berthDown: [], apiUp: [], apiDown: [], composeUp: [], composeDown: [], rssKb: [], downRssKb: [], delays: [], floorDelays: [], notice: [], floorNotice: [] });
    for (let i = 0; i < RUNS; i++) {
      const f = await floorUp(docker, spec, projectName(`${stack.name}-floor`), labels);
      r.floorUp.push(f.upMs);
      for (const [d, n] of await floorDelays(stack, f)) {
        r.floorDelays.push(d);
        r.floorNotice.push(n);
      }
      // Node's start-up while the environment is still up, as `berth down` starts (its healthchecks run).
      const start = await nodeStart();
      r.floorDown.push(await f.down());
      r.cliFloorDown.push(r.floorDown.at(-1) + start);

      const p = projectName(`${stack.name}-berth`);
      const b = await berthUp(stack, p);
      r.berthUp.push(b.upMs);
      r.rssKb.push(b.peakKb);
      r.delays.push(...b.delays);
      r.notice.push(...b.notice);
      const d = await berthDown(p);
      r.berthDown.push(d.downMs);
      r.downRssKb.push(d.peakKb);

      const a = await apiUp(stack, projectName(`${stack.name}-api`));
      r.apiUp.push(a.upMs);
      r.apiDown.push(await apiDown(a.env));

      if (hasCompose) {
        const c = projectName(`${stack.name}-compose`);
        r.composeUp.push(await composeUp(stack, c));
        r.composeDown.push(await composeDown(stack, c));
      }
      process.stderr.write(`${stack.name} run ${i + 1}/${RUNS}: floor ${f.upMs} ms, berth ${b.upMs} ms, API ${a.upMs} ms, compose ${r.composeUp.at(-1) ?? "–"} ms\n`);
    }
  }

  const x10 = { floor: [], berth: [], api: [] };
  if (withX10) await runX10(x10);
  const pool = { fresh: [], claim: [], reset: { swap: [], copy: [] }, mechanism: { swap: {}, copy: {} }, poolFailed: {}, oneShot: [], load: [] };
  if (withPool) await runPool(pool);
  const downN = {};
  if (withDownN) for (const n of [5, 10]) downN[n] = await runDownN(n);
  const poolSuite = { cliClaim: [], cliTotal: [], nodeStart: [], dedicated: [], pool: [] };
  if (withPoolSuite) await runPoolSuite(poolSuite);
  report(results, x10, downN, pool);
  if (withPoolSuite) reportPoolSuite(poolSuite);
}

/**
 * examples/pool-suite's 20 files both ways (wall time of the whole `vitest run`), and claims from a
 * warm pool through the CLI: `berth run --pool NAME -- date +%s%N`, from spawning berth until the
 * command reports its start, and until berth exits (hand-back included).
 */
async function runPoolSuite(r) {
  const dir = `${root}examples/pool-suite`;
  const { existsSync, mkdirSync, symlinkSync } = await import("node:fs");
  // What `npm install` does for its "berth": "file:../.." dependency.
  if (!existsSync(`${dir}/node_modules/berth`)) {
    mkdirSync(`${dir}/node_modules`, { recursive: true });
    symlinkSync("../../..", `${dir}/node_modules/berth`);
  }
  const helperImage = process.env.BERTH_HELPER_IMAGE ?? "berth-fixtures/busybox:1";
  const env = { ...process.env, BERTH_LABELS: `${BENCH_LABEL}=${runId}`, BERTH_MAX_CONTAINERS: "1000" };
  const files = [`${root}examples/shop/compose.yml`, `${root}examples/shop/compose.snapshot.yml`];
  const pool = await createPool({ files, size: 2, name: `bench-${runId}-cli`, engine: berthEngine, env, helperImage });
  try {
    await pool.ready();
    for (let i = 0; i < Math.max(RUNS, 5); i++) {
      const t0 = performance.timeOrigin + performance.now();
      const out = await berthCli(["run", "--pool", pool.name, "--quiet", "--", "date", "+%s%N"]);
      r.cliTotal.push(performance.timeOrigin + performance.now() - t0);
      r.cliClaim.push(Number(out.stdout.trim()) / 1e6 - t0);
      // A bare Node start-up in the same moment: what any command-line claim pays at least, under the load of the day.
      r.nodeStart.push(await nodeStart());
      for (let s = await pool.status(); s.warm < 2; s = await pool.status()) await new Promise((res) => setTimeout(res, 100));
      process.stderr.write(
        `berth run --pool ${i + 1}: command started after ${r.cliClaim.at(-1).toFixed(0)} ms, berth done after ${r.cliTotal.at(-1).toFixed(0)} ms; node -e 0 ${r.nodeStart.at(-1)} ms\n`,
      );
    }
  } finally {
    await pool.close();
  }
  // BENCH_POOLSUITE_RUNS=0: only the CLI claims.
  const suiteRuns = Number(process.env.BENCH_POOLSUITE_RUNS ?? 1);
  for (let i = 0; i < suiteRuns; i++) {
    for (const mode of ["dedicated", "pool"]) {
      const t0 = Date.now();
      await run(process.execPath, [`${root}node_modules/vitest/vitest.mjs`, "run"], {
        cwd: dir,
        env: { POOL_SUITE_MODE: mode, POOL_SUITE_FILES: "20", POOL_SUITE_WORKERS: "2", POOL_SUITE_SIZE: "2", BERTH_HELPER_IMAGE: helperImage, NO_COLOR: "1" },
      });
      r[mode].push(Date.now() - t0);
      process.stderr.write(`pool-suite run ${i + 1}/${suiteRuns}, ${mode}: 20 files in ${r[mode].at(-1)} ms (load average ${loadavg()[0].toFixed(2)})\n`);
    }
  }
}

function reportPoolSuite(r) {
  const suite = [
    `examples/pool-suite, 20 files, 2 workers (${r.dedicated.length} run${r.dedicated.length === 1 ? "" : "s"}):`,
    `  a dedicated environment per file: ${fmt(r.dedicated)}`,
    `  a warm pool of 2 (its start included): ${fmt(r.pool)}`,
    `  dedicated / pool: ${ratio(r.dedicated, r.pool)}× (target: at least 3×)`,
  ];
  const lines = [
    "",
    ...(r.dedicated.length ? suite : []),
    `berth run --pool (the shop, pool of 2 warm): command started after median ${median(r.cliClaim).toFixed(0)} ms (${Math.min(...r.cliClaim).toFixed(0)}–${Math.max(...r.cliClaim).toFixed(0)} ms, n=${r.cliClaim.length}; target under 250 ms), berth done after ${median(r.cliTotal).toFixed(0)} ms; a bare \`node -e 0\` in the same moments: median ${median(r.nodeStart)} ms.`,
    `Load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(", ")}.`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

/**
 * Fresh acquire() of the shop with its data in a volume, vs a claim from a warm pool, vs a reset to
 * its snapshot: of a pool member (a standby helper ready, as a pool keeps one per member), and of a
 * fresh environment (one-shot helper, no standby).
 */
async function runPool(r) {
  const files = [`${root}examples/shop/compose.yml`, `${root}examples/shop/compose.snapshot.yml`];
  const env = { ...process.env, BERTH_LABELS: `${BENCH_LABEL}=${runId}`, BERTH_MAX_CONTAINERS: "1000" };
  const helperImage = process.env.BERTH_HELPER_IMAGE ?? "berth-fixtures/busybox:1";
  for (let i = 0; i < RUNS; i++) {
    const t0 = Date.now();
    const e = await acquire({ files, cwd: root, projectName: projectName("pool-fresh"), engine: berthEngine, env });
    r.fresh.push(Date.now() - t0);
    await e.snapshot("bench", { helperImage, env });
    const t1 = performance.now();
    try {
      await e.reset("bench", { helperImage, env });
      r.oneShot.push(performance.now() - t1);
    } catch (error) {
      // Counted and shown (with the service's last log lines), not fatal to the whole benchmark.
      r.failed = (r.failed ?? 0) + 1;
      const lines = await readLogs(berthEngine, e.project, { services: ["postgres"], tail: 15 }).catch(() => []);
      process.stderr.write(`one-shot reset failed: ${error.message}\n${lines.map((l) => `  ${l.text}`).join("\n")}\n`);
    }
    await e.release();
    await removeSnapshot(berthEngine, e.project, "bench");
    r.load.push(loadavg()[0]);
  }
  // A pool per reset mechanism (BERTH_RESET_MODE), both up at once and reset in turns, so that both
  // meet the same load: swap (a spare volume swapped in, the data container recreated) and copy
  // (the copy in place in the standby helper). Which one a reset used is told from the engine: a
  // swap recreates postgres (a new container id), a copy keeps it.
  const modes = ["swap", "copy"];
  const pools = await Promise.all(
    modes.map((mode) => createPool({ files, size: 2, name: `bench-${runId}-${mode}`, engine: berthEngine, env: { ...env, BERTH_RESET_MODE: mode }, helperImage })),
  );
  const postgresId = async (project) => (await berthEngine.listContainers({ "dev.berth.project": project, "dev.berth.service": "postgres" }))[0]?.id;
  try {
    await Promise.all(pools.map((p) => p.ready()));
    // Steady state: each member has its standby helper (started once its snapshot is taken), and in
    // swap mode that standby holds a full spare that is not in use (the one swapped in last is live
    // now); started, not just created (a restore uses only a running standby).
    const settled = async (pool, mode) => {
      const of = { "dev.berth.pool": pool.name };
      const [helpers, spares, postgres] = await Promise.all([
        berthEngine.listContainers({ ...of, "dev.berth.snapshot.standby": true }),
        berthEngine.listVolumes({ ...of, "dev.berth.snapshot.spare": true }),
        berthEngine.listContainers({ ...of, "dev.berth.service": "postgres" }),
      ]);
      const live = new Set(postgres.flatMap((c) => c.mounts.map((m) => m.name)));
      const free = new Set(spares.map((v) => v.name).filter((n) => !live.has(n)));
      // A standby still filling its spare is named so (src/snapshot/standby.ts): not settled yet.
      return helpers.length === 2 && helpers.every((h) => h.state === "running" && !h.name.includes("_snapshot-filling_") && (mode === "copy" || h.mounts.some((m) => free.has(m.name))));
    };
    const waitSettled = async (pool, mode) => {
      while (!(await settled(pool, mode))) await new Promise((res) => setTimeout(res, 100));
    };
    await Promise.all(pools.map((p, k) => waitSettled(p, modes[k])));
    for (let i = 0; i < RUNS; i++) {
      for (const [k, pool] of pools.entries()) {
        const mode = modes[k];
        let t0 = performance.now();
        const e = await pool.acquire();
        if (mode === "swap") r.claim.push(performance.now() - t0);
        const before = await postgresId(e.project);
        t0 = performance.now();
        try {
          await e.reset("pool", { helperImage, env: { ...env, BERTH_RESET_MODE: mode } });
          r.reset[mode].push(performance.now() - t0);
          const used = (await postgresId(e.project)) === before ? "copy" : "swap";
          r.mechanism[mode][used] = (r.mechanism[mode][used] ?? 0) + 1;
        } catch (error) {
          // Counted and shown, not fatal: the keeper discards the member when it cannot reset it either.
          r.poolFailed[mode] = (r.poolFailed[mode] ?? 0) + 1;
          process.stderr.write(`pool member reset (${mode}) failed: ${error.message}\n`);
        }
        await e.release();
        // The next claim is from a warm pool again: wait until the keeper has reset the member handed back (and filled its next spare).
        for (let s = await pool.status(); s.warm < 2; s = await pool.status()) await new Promise((res) => setTimeout(res, 100));
        await waitSettled(pool, mode);
      }
      r.load.push(loadavg()[0]);
      process.stderr.write(
        `pool run ${i + 1}/${RUNS}: fresh ${r.fresh[i]} ms, claim ${r.claim.at(-1).toFixed(0)} ms, reset swap ${r.reset.swap.at(-1)?.toFixed(0)} ms, copy ${r.reset.copy.at(-1)?.toFixed(0)} ms (one-shot ${r.oneShot[i]?.toFixed(0)} ms), load ${loadavg()[0].toFixed(1)}\n`,
      );
    }
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
}

async function runX10(x10) {
  const chain = allStacks[0];
  const chainSpec = await loadProject({ files: [chain.file], cwd: root, env: { ...process.env } });
  for (let i = 0; i < RUNS; i++) {
    let t0 = Date.now();
    const floors = await Promise.all(Array.from({ length: PARALLEL }, () => floorUp(docker, chainSpec, projectName("x10-floor"), labels)));
    x10.floor.push(Date.now() - t0);
    // Teardowns here are not timed; one that meets dockerd's stale-endpoint fault (moby/moby#43286) is counted, not fatal.
    x10.failedDowns = (x10.failedDowns ?? 0) + (await Promise.allSettled(floors.map((f) => f.down()))).filter((d) => d.status === "rejected").length;
    const names = Array.from({ length: PARALLEL }, () => projectName("x10-berth"));
    t0 = Date.now();
    await Promise.all(names.map((n) => berthCli(["up", "-f", chain.file, "-p", n, "--quiet"])));
    x10.berth.push(Date.now() - t0);
    x10.failedDowns += (await Promise.allSettled(names.map((n) => berthDown(n)))).filter((d) => d.status === "rejected").length;
    t0 = Date.now();
    const envs = await Promise.all(Array.from({ length: PARALLEL }, () => apiUp(chain, projectName("x10-api"))));
    x10.api.push(Date.now() - t0);
    await Promise.all(envs.map((a) => apiDown(a.env)));
    process.stderr.write(`x${PARALLEL} run ${i + 1}/${RUNS}: floor ${x10.floor.at(-1)} ms, berth ${x10.berth.at(-1)} ms, API ${x10.api.at(-1)} ms\n`);
  }
}

/** N chain environments removed at once: N floor removals in parallel, N `berth down` processes in parallel. */
async function runDownN(n) {
  const chain = allStacks[0];
  const chainSpec = await loadProject({ files: [chain.file], cwd: root, env: { ...process.env } });
  const out = { floor: [], cliFloor: [], berth: [], failed: 0 };
  for (let i = 0; i < RUNS; i++) {
    const floors = await Promise.all(Array.from({ length: n }, () => floorUp(docker, chainSpec, projectName(`down${n}-floor`), labels)));
    // N Node start-ups at once while the N environments are up, as the N `berth down`s start: their
    // 4N containers' 1 s healthchecks load 2 cores enough to make this ~5× slower than on an idle machine.
    let t0 = Date.now();
    await Promise.all(Array.from({ length: n }, nodeStart));
    const starts = Date.now() - t0;
    t0 = Date.now();
    await Promise.all(floors.map((f) => f.down()));
    out.floor.push(Date.now() - t0);
    out.cliFloor.push(out.floor.at(-1) + starts);
    const names = Array.from({ length: n }, () => projectName(`down${n}-berth`));
    const ups = await Promise.all(names.map((p) => berthCli(["up", "-f", chain.file, "-p", p, "--quiet"])));
    await reapersGone(ups.map((u) => u.pid));
    t0 = Date.now();
    // An engine fault (moby/moby#43286: a network kept with a stale endpoint) fails a `down`: counted, not fatal.
    const downs = await Promise.allSettled(names.map((p) => berthCli(["down", p])));
    out.berth.push(Date.now() - t0);
    out.failed += downs.filter((d) => d.status === "rejected").length;
    process.stderr.write(`down x${n} run ${i + 1}/${RUNS}: floor ${out.floor.at(-1)} ms, berth ${out.berth.at(-1)} ms\n`);
  }
  return out;
}

function report(results, x10, downN, pool) {
  const rows = [];
  for (const [name, r] of Object.entries(results)) {
    rows.push([`${name}: up until ready`, fmt(r.floorUp), fmt(r.berthUp), fmt(r.composeUp), ratio(r.berthUp, r.floorUp), ratio(r.composeUp, r.floorUp)]);
    rows.push([`${name}: down`, fmt(r.floorDown), fmt(r.berthDown), fmt(r.composeDown), ratio(r.berthDown, r.floorDown), ratio(r.composeDown, r.floorDown)]);
    rows.push([`${name}: down vs CLI floor (removal + \`node -e 0\`)`, fmt(r.cliFloorDown), fmt(r.berthDown), fmt(r.composeDown), ratio(r.berthDown, r.cliFloorDown), ratio(r.composeDown, r.cliFloorDown)]);
    rows.push([`${name}: up, API (acquire)`, fmt(r.floorUp), fmt(r.apiUp), "–", ratio(r.apiUp, r.floorUp), "–"]);
    rows.push([`${name}: down, API (release)`, fmt(r.floorDown), fmt(r.apiDown), "–", ratio(r.apiDown, r.floorDown), "–"]);
  }
  if (x10.floor.length) {
    rows.push([`chain ×${PARALLEL} at once: up`, fmt(x10.floor), fmt(x10.berth), "–", ratio(x10.berth, x10.floor), "–"]);
    rows.push([`chain ×${PARALLEL} at once: up, API (one process)`, fmt(x10.floor), fmt(x10.api), "–", ratio(x10.api, x10.floor), "–"]);
    if (x10.failedDowns) process.stderr.write(`chain ×${PARALLEL}: ${x10.failedDowns} teardown(s) failed (a stale network, moby/moby#43286, stays until dockerd restarts)\n`);
  }
  if (pool.claim.length) {
    rows.push([
      "shop, data in a volume: claim from a warm pool (API)",
      "–",
      fmt(pool.claim),
      "–",
      `${ratio(pool.claim, pool.fresh)} of a fresh acquire (${fmt(pool.fresh)})`,
      "–",
    ]);
    const used = (m) => Object.entries(pool.mechanism[m]).map(([k, n]) => `${k} ×${n}`).join(", ") || "none";
    for (const m of ["swap", "copy"]) {
      rows.push([
        `shop, data in a volume: env.reset() of a pool member, BERTH_RESET_MODE=${m} (used: ${used(m)})`,
        "–",
        fmt(pool.reset[m]),
        "–",
        `${ratio(pool.reset[m], pool.fresh)} of a fresh acquire${pool.poolFailed[m] ? ` (${pool.poolFailed[m]} failed)` : ""}`,
        "–",
      ]);
    }
    rows.push(["shop, data in a volume: env.reset() without a standby (one-shot helper)", "–", fmt(pool.oneShot), "–", `${ratio(pool.oneShot, pool.fresh)} of a fresh acquire${pool.failed ? ` (${pool.failed} failed)` : ""}`, "–"]);
    rows.push(["shop, pool section: load average (1 min) during the runs", "–", `${Math.min(...pool.load).toFixed(1)}–${Math.max(...pool.load).toFixed(1)}`, "–", "–", "–"]);
  }
  for (const [n, d] of Object.entries(downN)) {
    rows.push([`chain ×${n} at once: down (${n} processes${d.failed ? `, ${d.failed} failed` : ""})`, fmt(d.floor), fmt(d.berth), "–", ratio(d.berth, d.floor), "–"]);
    rows.push([`chain ×${n} at once: down vs CLI floor (+ ${n} × \`node -e 0\` at once)`, fmt(d.cliFloor), fmt(d.berth), "–", ratio(d.berth, d.cliFloor), "–"]);
  }
  const delays = results.chain?.delays ?? [];
  const floorDelays = results.chain?.floorDelays ?? [];
  const notice = results.chain?.notice ?? [];
  const floorNotice = results.chain?.floorNotice ?? [];
  const rss = Object.values(results).flatMap((r) => r.rssKb);
  const downRss = Object.values(results).flatMap((r) => r.downRssKb);
  const cpu = cpus()[0]?.model ?? "?";
  const lines = [
    `berth benchmark, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${RUNS} runs each (median, min–max)`,
    "",
    "| measurement | floor (Engine API) | berth | docker-compose v1 | berth / floor | compose / floor |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
    "",
    // The delays come from the chain section only: without it (BENCH_ONLY) there is nothing to say.
    ...(notice.length === 0 ? [] : [
    `Readiness detection delay (chain), from the check first passing (its /passed written) to the ready event: berth median ${median(notice)} ms (${Math.min(...notice)}–${Math.max(...notice)} ms, n=${notice.length}); floor median ${median(floorNotice)} ms.`,
    `From the service becoming ready (/ready written) to the ready event, which adds the wait for the next check: berth median ${median(delays)} ms (${Math.min(...delays)}–${Math.max(...delays)} ms); floor median ${median(floorDelays)} ms.`,
    ]),
    // Measured by the stack sections only (BENCH_ONLY=downN or poolsuite alone has none).
    ...(rss.length === 0 ? [] : [
    `Peak RSS of \`berth up\`: median ${(median(rss) / 1024).toFixed(1)} MiB (max ${(Math.max(...rss) / 1024).toFixed(1)} MiB); of \`berth down\`: median ${(median(downRss) / 1024).toFixed(1)} MiB (max ${(Math.max(...downRss) / 1024).toFixed(1)} MiB).`,
    ]),
    `Load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(", ")} (at the start: ${startLoad}).`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

const onSignal = () => { cleanup().finally(() => process.exit(130)); };
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
try {
  await main();
} finally {
  await cleanup();
}
