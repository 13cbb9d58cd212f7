#!/usr/bin/env node
// Benchmark of berth's compose loader: generates a 200-service compose file (x- anchors, merge
// keys, ${VAR} interpolation, depends_on chains, healthchecks, ports, volumes) plus an override
// file in a temp dir, then times loadProject over several runs and prints the median (after two warm-up runs) and
// the first, cold run's time (what a single CLI invocation pays).
// Run after building: npx tsc -p tsconfig.build.json && node scripts/bench-load.mjs [services] [runs] [--rich]
// --rich adds labels, networks and a stop_grace_period to every service (~650 bytes of YAML each,
// so 7756 services make a ~5 MB compose file, the size of the large-file case in issue 18):
//   node scripts/bench-load.mjs 7756 5 --rich
// The compose file's size is printed first. On a busy machine the wall-clock figures vary with
// the load; the CPU time (process.cpuUsage, which also counts the GC's helper threads) varies less. For a CPU profile of the same load, run it under
// `node --cpu-prof --cpu-prof-dir=/tmp/prof scripts/bench-load.mjs 7756 1 --rich`.
// --phases profiles the measured runs in process (node:inspector's sampling profiler) and prints
// the time of each loader phase per load: the samples under the phase's function (its first
// frame on the stack; nested calls count once), the garbage collector's on their own line. The
// profiler samples at wall-clock intervals, so on a busy machine a phase's figure includes time
// its thread waited for a core; compare phases within one run, and loads by the CPU time line.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Session } from "node:inspector/promises";
import { performance } from "node:perf_hooks";
import { loadProject } from "../dist/compose/index.js";

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const rich = process.argv.includes("--rich");
const phases = process.argv.includes("--phases");
const count = Number(args[0] ?? 200);
const runs = Number(args[1] ?? 15);

function composeText(n) {
  const lines = [
    "x-healthcheck: &hc",
    "  interval: 5s",
    "  timeout: 2s",
    "  retries: 5",
    "  start_period: 10s",
    "x-common: &common",
    "  restart: unless-stopped",
    "  logging:",
    "    driver: json-file",
    '    options: { max-size: 10m, max-file: "3" }',
    "  deploy:",
    "    resources:",
    '      limits: { cpus: "0.5", memory: 256M }',
    "  environment: &env",
    "    TZ: UTC",
    "    REGISTRY: ${REGISTRY:-docker.io}",
    "services:",
  ];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  svc${i}:`,
      "    <<: *common",
      `    image: \${REGISTRY:-docker.io}/team/svc${i}:\${TAG:-latest}`,
      "    environment:",
      "      <<: *env",
      `      SERVICE_INDEX: "${i}"`,
      `      PEER: svc${(i + 1) % n}:8080`,
      "    ports:",
      '      - "8080"',
      `      - "127.0.0.1:\${BASE_PORT:-20000}${String(i).padStart(3, "0")}:9090"`.replace(/\$\{BASE_PORT:-20000\}(\d+)/, (_, d) => `${20000 + Number(d)}`),
      "    volumes:",
      `      - data${i % 10}:/var/lib/data`,
      "      - ./config:/etc/app:ro",
      '    command: ./serve --port 8080 --name "svc ' + i + '"',
      "    healthcheck:",
      "      <<: *hc",
      '      test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/health"]',
    );
    // Chains of 10: each service depends on the previous one in its chain.
    if (i % 10 !== 0) lines.push("    depends_on:", `      svc${i - 1}:`, "        condition: service_healthy");
    if (rich) {
      lines.push(
        "    labels:",
        `      com.example.team: "team-${i % 20}"`,
        "      com.example.tier: backend",
        "    networks: [front, back]",
        "    stop_grace_period: 20s",
      );
    }
  }
  lines.push("volumes:");
  for (let v = 0; v < 10; v++) lines.push(`  data${v}:`);
  if (rich) lines.push("networks:", "  front:", "  back:");
  return lines.join("\n") + "\n";
}

function overrideText(n) {
  const lines = ["services:"];
  for (let i = 0; i < n; i += 4) lines.push(`  svc${i}:`, "    environment:", '      OVERRIDDEN: "yes"', "    ports:", '      - "7070"');
  return lines.join("\n") + "\n";
}

/** The loader's phases by the function that runs each (see src/compose/index.ts and session.ts). */
const PHASES = [
  ["read", ["readYaml"]],
  ["interpolate", ["interpolateTree"]],
  // The compiled schema check; zod and its messages only for a file with a problem (validate.ts).
  ["validate", ["validateFile"]],
  ["include + extends", ["applyIncludes", "applyExtends"]],
  ["merge", ["merge"]],
  ["unique lists", ["enforceUnique"]],
  ["normalize", ["normalizeProject"]],
  ["semantic checks", ["checkProject"]],
  ["profiles", ["enabledServices", "applyProfiles"]],
  ["sortDeep", ["sortDeep"]],
  ["canonical form", ["canonical"]],
  ["dotenv", ["loadEnvFiles"]],
];

function printPhases(profile, loads) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const phaseOf = new Map(PHASES.flatMap(([name, fns]) => fns.map((f) => [f, name])));
  const totals = new Map();
  const add = (name, us) => totals.set(name, (totals.get(name) ?? 0) + us);
  const walk = (id, phase) => {
    const n = nodes.get(id);
    const fn = n.callFrame.functionName;
    const own = phase ?? (n.callFrame.url.includes("/dist/compose/") ? phaseOf.get(fn) : undefined);
    if (fn === "(garbage collector)") add("GC", selfUs.get(id) ?? 0);
    else if (fn !== "(idle)" && fn !== "(program)") add(own ?? "other", selfUs.get(id) ?? 0);
    for (const c of n.children ?? []) walk(c, own);
  };
  walk(profile.nodes[0].id, undefined);
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  console.log(`phases, ms per load (sampled over ${loads} loads; main thread):`);
  for (const name of [...PHASES.map(([n]) => n), "other", "GC"]) {
    const us = totals.get(name) ?? 0;
    if (us > 0) console.log(`  ${name.padEnd(26)} ${(us / 1000 / loads).toFixed(0).padStart(6)}`);
  }
  console.log(`  ${"total".padEnd(26)} ${(all / 1000 / loads).toFixed(0).padStart(6)}`);
}

const dir = mkdtempSync(join(tmpdir(), "berth-bench-"));
try {
  const compose = composeText(count);
  writeFileSync(join(dir, "compose.yaml"), compose);
  console.log(`compose.yaml: ${count} services, ${(compose.length / 1e6).toFixed(2)} MB${rich ? " (--rich)" : ""}`);
  writeFileSync(join(dir, "compose.override.yaml"), overrideText(count));
  writeFileSync(join(dir, ".env"), "TAG=1.0.0\nSECRET_TOKEN=abc\n");
  const env = { HOME: "/tmp", REGISTRY: "registry.example.com" };
  const times = [];
  const cpuTimes = [];
  let services = 0;
  let first = 0;
  const session = phases ? new Session() : undefined;
  for (let r = 0; r < runs + 2; r++) {
    if (session && r === 2) {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.setSamplingInterval", { interval: 200 });
      await session.post("Profiler.start");
    }
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const project = await loadProject({ cwd: dir, env });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    services = Object.keys(project.services).length;
    if (r === 0) first = ms; // a CLI's single load: cold JIT
    if (r >= 2) times.push(ms); // the first runs warm up the JIT
    if (r >= 2) cpuTimes.push(cpuMs);
  }
  if (session) {
    const { profile } = await session.post("Profiler.stop");
    session.disconnect();
    printPhases(profile, runs);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  cpuTimes.sort((a, b) => a - b);
  const cpuMedian = cpuTimes[Math.floor(cpuTimes.length / 2)];
  console.log(
    `loadProject: ${services} services, 2 files, ${runs} runs: median ${median.toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms; first (cold) run ${first.toFixed(1)} ms; median CPU time (user+system, all threads) ${cpuMedian.toFixed(1)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
