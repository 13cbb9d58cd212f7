#!/usr/bin/env node
// Stress for concurrent starts that publish ports (a script, not a test; run after `npm run build`):
// N `berth up` processes at once (default 40) of a stack whose services publish ephemeral host
// ports (default test/fixtures/stacks/chain-fast.yml: three of its four services do, two of them
// start at the same moment), then N `berth down`. Reports how many environments came up, how
// often a start met "port is already allocated" and was retried (the `retry` events of
// `berth up --json`), and whether any host port was handed to two containers.
//   node scripts/stress-ports.mjs [N] [compose file]
// Admission control applies as in any run: with the default container cap (BERTH_MAX_CONTAINERS,
// 20) at most five 4-service environments run at once and the rest wait their turn; don't raise
// the cap on a small machine (an overloaded dockerd 20.10 can crash: moby/moby#45804). Point
// DOCKER_HOST at a private engine to keep the load off a shared one, e.g. (root):
//   unshare --net sh -c 'ip link set lo up && exec dockerd --host=unix:///run/berth-stress.sock \
//     --data-root=/var/lib/berth-stress --exec-root=/run/berth-stress --pidfile=/run/berth-stress.pid' &
//   docker save berth-fixtures/busybox:1 | docker -H unix:///run/berth-stress.sock load
//   DOCKER_HOST=unix:///run/berth-stress.sock node scripts/stress-ports.mjs 40
import { spawn } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;
const N = Number(process.argv[2] ?? 40);
const file = process.argv[3] ?? `${root}test/fixtures/stacks/chain-fast.yml`;
const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;

function berth(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${root}dist/bin/berth.js`, ...args], { env: { ...process.env, BERTH_LABELS: `dev.berth.stress=${runId}` }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const names = Array.from({ length: N }, (_, i) => `stress-${runId}-${i}`);
const t0 = Date.now();
const ups = await Promise.all(names.map((p) => berth(["up", "-f", file, "-p", p, "--json"])));
const upMs = Date.now() - t0;
let retries = 0;
const failed = [];
const ports = new Map(); // "ip:port" -> container
for (const [i, r] of ups.entries()) {
  const lines = r.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
  for (const e of lines.filter((x) => x.type === "retry")) {
    retries++;
    process.stderr.write(`retry in ${names[i]}: ${e.message ?? JSON.stringify(e)}\n`);
  }
  const result = lines.find((x) => x.type === "result");
  if (r.code !== 0 || !result?.ok) {
    failed.push(`${names[i]}: exit ${r.code} ${r.stderr.trim().split("\n")[0] ?? ""}`);
    continue;
  }
  for (const service of Object.values(result.environment.services))
    for (const c of service.containers)
      for (const b of c.ports) {
        const key = `${b.hostIp}:${b.hostPort}/${b.protocol}`;
        if (ports.has(key)) failed.push(`host port ${key} handed to both ${ports.get(key)} and ${c.name}`);
        ports.set(key, c.name);
      }
}
const t1 = Date.now();
const downs = await Promise.all(names.map((p) => berth(["down", p])));
const downMs = Date.now() - t1;
for (const [i, r] of downs.entries()) if (r.code !== 0) failed.push(`down ${names[i]}: exit ${r.code} ${r.stderr.trim().split("\n")[0] ?? ""}`);
console.log(`${N} environments of ${file} at once: up ${(upMs / 1000).toFixed(1)} s, down ${(downMs / 1000).toFixed(1)} s`);
console.log(`environments up: ${ups.filter((r) => r.code === 0).length}/${N}; host ports seen: ${ports.size}; start retries on a port clash: ${retries}`);
for (const f of failed) console.log(`FAILED ${f}`);
process.exitCode = failed.length ? 1 : 0;
