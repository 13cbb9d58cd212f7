#!/usr/bin/env node
// Benchmark of berth's compose loader: generates a 200-service compose file (x- anchors, merge
// keys, ${VAR} interpolation, depends_on chains, healthchecks, ports, volumes) plus an override
// file in a temp dir, then times loadProject over several runs and prints the median.
// Run after building: npx tsc -p tsconfig.build.json && node scripts/bench-load.mjs [services] [runs]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadProject } from "../dist/compose/index.js";

const count = Number(process.argv[2] ?? 200);
const runs = Number(process.argv[3] ?? 15);

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
    "    options: { max-size: 10m, max-file: \"3\" }",
    "  deploy:",
    "    resources:",
    "      limits: { cpus: \"0.5\", memory: 256M }",
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
      "    command: ./serve --port 8080 --name \"svc " + i + '"',
      "    healthcheck:",
      "      <<: *hc",
      '      test: ["CMD", "wget", "-q", "-O-", "http://127.0.0.1:8080/health"]',
    );
    // Chains of 10: each service depends on the previous one in its chain.
    if (i % 10 !== 0) lines.push("    depends_on:", `      svc${i - 1}:`, "        condition: service_healthy");
  }
  lines.push("volumes:");
  for (let v = 0; v < 10; v++) lines.push(`  data${v}:`);
  return lines.join("\n") + "\n";
}

function overrideText(n) {
  const lines = ["services:"];
  for (let i = 0; i < n; i += 4) lines.push(`  svc${i}:`, "    environment:", "      OVERRIDDEN: \"yes\"", "    ports:", '      - "7070"');
  return lines.join("\n") + "\n";
}

const dir = mkdtempSync(join(tmpdir(), "berth-bench-"));
try {
  writeFileSync(join(dir, "compose.yaml"), composeText(count));
  writeFileSync(join(dir, "compose.override.yaml"), overrideText(count));
  writeFileSync(join(dir, ".env"), "TAG=1.0.0\nSECRET_TOKEN=abc\n");
  const env = { HOME: "/tmp", REGISTRY: "registry.example.com" };
  const times = [];
  let services = 0;
  for (let r = 0; r < runs + 2; r++) {
    const t0 = performance.now();
    const project = await loadProject({ cwd: dir, env });
    const ms = performance.now() - t0;
    services = Object.keys(project.services).length;
    if (r >= 2) times.push(ms); // the first runs warm up the JIT
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`loadProject: ${services} services, 2 files, ${runs} runs: median ${median.toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
