#!/usr/bin/env node
// How fast `berth --version` starts, next to the floor (`node -e 0`) on the same machine, so
// the number means something on a loaded or slow host. Run after `npm run build`.
//   node scripts/bench-startup.mjs [runs=20]
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const runs = Number(process.argv[2] ?? 20);
const main = fileURLToPath(new URL("../dist/bin/berth.js", import.meta.url));

function time(args) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    execFileSync(process.execPath, args, { stdio: ["ignore", "pipe", "ignore"] });
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(runs / 2)], min: samples[0], p90: samples[Math.floor(runs * 0.9)] };
}

const fmt = (r) => `median ${r.median.toFixed(1)} ms, min ${r.min.toFixed(1)} ms, p90 ${r.p90.toFixed(1)} ms`;
const floor = time(["-e", "0"]);
const version = time([main, "--version"]);
const help = time([main, "--help"]);
console.log(`node -e 0          ${fmt(floor)}`);
console.log(`berth --version    ${fmt(version)}   (+${(version.median - floor.median).toFixed(1)} ms over node)`);
console.log(`berth --help       ${fmt(help)}   (+${(help.median - floor.median).toFixed(1)} ms over node)`);
console.log(version.median < 150 ? "OK: --version under 150 ms" : "SLOW: --version took 150 ms or more (median)");
