#!/usr/bin/env node
// The CLI claim figure of `npm run bench`'s poolsuite section alone (a script, not a test): a warm
// pool of the shop (as bench.mjs runPoolSuite makes it), then, RUNS times, `berth run --pool NAME
// --quiet -- date +%s%N` from spawning berth until the command reports its start, and until berth
// exits, each next to a bare `node -e 0` in the same moment. Run after `npm run build`.
//   node scripts/bench-claim.mjs [runs=15] [berth.js ...]
// Several berth.js paths (e.g. a copy of an older build's dist/bin) are measured in turn in every
// round, so that builds compare under the same load. Everything it creates carries the label
// dev.berth.bench=<run id> and goes with the pool at the end.
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { createPool } from "../dist/index.js";

const root = new URL("..", import.meta.url).pathname;
const runs = Number(process.argv[2] ?? 15);
const bins = process.argv.length > 3 ? process.argv.slice(3) : [`${root}dist/bin/berth.js`];
const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const env = { ...process.env, BERTH_LABELS: `dev.berth.bench=${runId}`, BERTH_MAX_CONTAINERS: "1000" };
const startLoad = loadavg();

function run(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${args.join(" ")} exited ${code}:\n${stderr.slice(-2000)}`))));
  });
}

const now = () => performance.timeOrigin + performance.now();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const files = [`${root}examples/shop/compose.yml`, `${root}examples/shop/compose.snapshot.yml`];
const pool = await createPool({ files, size: 2, name: `bench-${runId}-claim`, env, helperImage: process.env.BERTH_HELPER_IMAGE ?? "berth-fixtures/busybox:1" });
const results = bins.map(() => ({ started: [], done: [] }));
const node = [];
try {
  await pool.ready();
  for (let i = 0; i < runs; i++) {
    for (const [b, bin] of bins.entries()) {
      for (let s = await pool.status(); s.warm < 2; s = await pool.status()) await new Promise((r) => setTimeout(r, 50));
      const t0 = now();
      const out = await run([bin, "run", "--pool", pool.name, "--quiet", "--", "date", "+%s%N"]);
      results[b].done.push(now() - t0);
      results[b].started.push(Number(out.trim()) / 1e6 - t0);
    }
    const t0 = now();
    await run(["-e", "0"]);
    node.push(now() - t0);
    const line = results.map((r, b) => `${bins.length > 1 ? `[${b}] ` : ""}started ${r.started.at(-1).toFixed(0)} ms, done ${r.done.at(-1).toFixed(0)} ms`).join("; ");
    process.stderr.write(`${i + 1}/${runs}: ${line}; node -e 0 ${node.at(-1).toFixed(0)} ms (load ${loadavg()[0].toFixed(2)})\n`);
  }
} finally {
  await pool.close();
}
const nodeMedian = median(node);
for (const [b, r] of results.entries()) {
  const m = median(r.started);
  console.log(
    `${bins[b]}: command started after median ${m.toFixed(0)} ms (${Math.min(...r.started).toFixed(0)}–${Math.max(...r.started).toFixed(0)}, n=${r.started.length}), ` +
      `berth done after ${median(r.done).toFixed(0)} ms; ${(m / nodeMedian).toFixed(2)}× node -e 0`,
  );
}
console.log(`node -e 0: median ${nodeMedian.toFixed(0)} ms. Load average at the start ${startLoad.map((x) => x.toFixed(2)).join(", ")}, at the end ${loadavg().map((x) => x.toFixed(2)).join(", ")}.`);
