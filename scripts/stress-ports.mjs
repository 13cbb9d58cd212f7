#!/usr/bin/env node
// Stress for concurrent starts that publish ports (a script, not a test; run after `npm run build`):
// N `berth up` processes at once (default 40) of a stack whose services publish ephemeral host
// ports (default test/fixtures/stacks/chain-fast.yml: three of its four services do, two of them
// start at the same moment), each removed with `berth down` as soon as it is ready. Reports how
// many environments came up, how often a start met "port is already allocated" and was retried
// (the `retry` events of `berth up --json`), and whether a host port was handed to two containers
// that were up at the same time.
//   node scripts/stress-ports.mjs [N] [compose file]
// Admission control applies: the container cap is BERTH_MAX_CONTAINERS, 20 unless set, so at most
// five 4-service environments run at once and the rest wait their turn; don't raise it on a small
// machine (an overloaded dockerd 20.10 can crash: moby/moby#45804). Point
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
    const env = { BERTH_MAX_CONTAINERS: "20", ...process.env, BERTH_LABELS: `dev.berth.stress=${runId}` };
    const child = spawn(process.execPath, [`${root}dist/bin/berth.js`, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const names = Array.from({ length: N }, (_, i) => `stress-${runId}-${i}`);
const t0 = Date.now();
/** One environment: up, then down at once; the window in which its ports were held. */
async function cycle(p) {
  const up = await berth(["up", "-f", file, "-p", p, "--json"]);
  const readyAt = Date.now();
  const down = await berth(["down", p]);
  return { up, down, readyAt };
}
const cycles = await Promise.all(names.map(cycle));
const totalMs = Date.now() - t0;
const ups = cycles.map((c) => c.up);
let retries = 0;
const failed = [];
const held = []; // { key, container, from, to }
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
  // Held from (at the latest) the ready event until (at the earliest) the start of its down.
  for (const service of Object.values(result.environment.services))
    for (const c of service.containers)
      for (const b of c.ports) held.push({ key: `${b.hostIp}:${b.hostPort}/${b.protocol}`, container: c.name, from: t0 + result.elapsedMs, to: cycles[i].readyAt });
}
for (const [i, a] of held.entries())
  for (const b of held.slice(i + 1))
    if (a.key === b.key && a.from <= b.to && b.from <= a.to) failed.push(`host port ${a.key} held by ${a.container} and ${b.container} at the same time`);
for (const [i, c] of cycles.entries()) if (c.down.code !== 0) failed.push(`down ${names[i]}: exit ${c.down.code} ${c.down.stderr.trim().split("\n")[0] ?? ""}`);
console.log(`${N} environments of ${file} at once (each down when ready): ${(totalMs / 1000).toFixed(1)} s`);
console.log(`environments up: ${ups.filter((r) => r.code === 0).length}/${N}; published ports: ${held.length}; start retries on a port clash: ${retries}`);
for (const f of failed) console.log(`FAILED ${f}`);
process.exitCode = failed.length ? 1 : 0;
