#!/usr/bin/env node
// Reset of the example shop (its data in a volume) on its own, without pools running beside it
// (a pool's other members load a small machine by themselves): a fresh acquire, then in the same
// environment a reset by swap and a reset by copy, each with its standby ready (prepareStandby, as
// a pool keeps one), alternating. Run after `npm run build`, on an idle machine:
//   RUNS=5 node scripts/bench-reset.mjs
import { loadavg } from "node:os";
const root = new URL("..", import.meta.url).pathname;
const { acquire, connectEngine, removeSnapshot } = await import(`${root}dist/index.js`);
const { prepareStandby } = await import(`${root}dist/snapshot/restore.js`);
const files = [`${root}examples/shop/compose.yml`, `${root}examples/shop/compose.snapshot.yml`];
const base = { ...process.env, BERTH_LABELS: "dev.berth.bench-reset=1", BERTH_MAX_CONTAINERS: "1000" };
const engine = await connectEngine({ env: base });
const helperImage = "berth-fixtures/busybox:1";
const RUNS = Number(process.env.RUNS ?? 3);
const out = { fresh: [], swap: [], copy: [] };
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
for (let i = 0; i < RUNS; i++) {
  let t0 = performance.now();
  const e = await acquire({ files, cwd: root, projectName: `berth-exp-reset-${Date.now().toString(36)}`, engine, env: base });
  out.fresh.push(performance.now() - t0);
  await e.snapshot("s", { helperImage, env: base });
  for (const mode of i % 2 ? ["copy", "swap"] : ["swap", "copy"]) {
    const env = { ...base, BERTH_RESET_MODE: mode };
    process.env.BERTH_RESET_MODE = mode;
    await prepareStandby(engine, e.project, "s", { helperImage, env });
    await new Promise((r) => setTimeout(r, 1000));
    t0 = performance.now();
    await e.reset("s", { helperImage, env });
    out[mode].push(performance.now() - t0);
  }
  await e.release();
  await removeSnapshot(engine, e.project, "s");
  console.error(`run ${i + 1}: fresh ${out.fresh.at(-1).toFixed(0)}, swap ${out.swap.at(-1).toFixed(0)}, copy ${out.copy.at(-1).toFixed(0)} ms, load ${loadavg()[0].toFixed(2)}`);
}
for (const k of Object.keys(out)) console.log(`${k}: median ${med(out[k]).toFixed(0)} ms (${Math.min(...out[k]).toFixed(0)}–${Math.max(...out[k]).toFixed(0)}), ${(med(out[k]) / med(out.fresh)).toFixed(2)}× fresh`);
