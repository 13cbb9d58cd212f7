/**
 * The walking skeleton on the real engine: the example stack up, reachable, listed and removed,
 * and two environments of the same file side by side.
 */
import { describe, expect, it } from "vitest";
import { berth, engine, lastJson, resourcesOf, shopFile } from "./helpers.js";

interface UpResult {
  ok: boolean;
  environment: {
    project: string;
    networks: string[];
    services: Record<string, { containers: { name: string; state: string; ports: { containerPort: number; hostIp: string; hostPort: number }[] }[] }>;
  };
}

function frontendPort(r: UpResult): number {
  const p = r.environment.services.frontend?.containers[0]?.ports.find((x) => x.containerPort === 8080);
  if (!p) throw new Error("frontend publishes no 8080");
  expect(p.hostIp).toBe("127.0.0.1");
  return p.hostPort;
}

async function items(port: number): Promise<{ items: { name: string }[]; counter: number }> {
  const res = await fetch(`http://127.0.0.1:${port}/api/items`);
  expect(res.status).toBe(200);
  return (await res.json()) as { items: { name: string }[]; counter: number };
}

describe("example shop stack", () => {
  it("comes up healthy, serves PostgreSQL rows and a Redis counter, is listed, and goes completely", async () => {
    const up = await berth(["up", "-f", shopFile, "--json"]);
    expect(up.code, up.stderr).toBe(0);
    const r = lastJson<UpResult>(up.stdout);
    const project = r.environment.project;
    try {
      expect(project).toMatch(/^berth-test-\d{14}-[0-9a-f]{6}$/);
      expect(Object.keys(r.environment.services).sort()).toEqual(["backend", "frontend", "postgres", "redis"]);
      for (const s of Object.values(r.environment.services)) expect(s.containers.map((c) => c.state)).toEqual(["HEALTHY"]);

      const port = frontendPort(r);
      const first = await items(port);
      expect(first.items.length).toBeGreaterThan(0);
      const second = await items(port);
      expect(second.counter).toBe(first.counter + 1);

      // `status` reports the engine's health, which follows berth's readiness by up to one interval (1 s).
      const states = async () => {
        const status = await berth(["status", project, "--json", "--no-stats"]);
        expect(status.code, status.stderr).toBe(0);
        const envs = (JSON.parse(status.stdout) as { environments: { project: string; services: Record<string, { containers: { state: string }[] }> }[] })
          .environments;
        expect(envs.map((e) => e.project)).toEqual([project]);
        return Object.values(envs[0]!.services).map((s) => s.containers[0]?.state);
      };
      await expect.poll(states, { timeout: 60_000, interval: 250 }).toEqual(["HEALTHY", "HEALTHY", "HEALTHY", "HEALTHY"]);

      const plain = await berth(["status", project]);
      // SERVICE STATE SINCE CPU MEMORY PORTS
      expect(plain.stdout).toMatch(/frontend\s+HEALTHY\s+\d+[smh]\s+\d+\.\d%\s+\S+ \/ \S+\s+127\.0\.0\.1:\d+->8080\/tcp/);
    } finally {
      const down = await berth(["down", project]);
      expect(down.code, down.stderr).toBe(0);
      expect(down.stdout).toContain(`Removed ${project}: 4 containers, 1 network`);
    }
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("runs two environments of the same file at once without any conflict", async () => {
    const [a, b] = await Promise.all([berth(["up", "-f", shopFile, "--json"]), berth(["up", "-f", shopFile, "--json"])]);
    const projects = [a, b].filter((x) => x.code === 0).map((x) => lastJson<UpResult>(x.stdout).environment.project);
    try {
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      const ra = lastJson<UpResult>(a.stdout);
      const rb = lastJson<UpResult>(b.stdout);
      expect(ra.environment.project).not.toBe(rb.environment.project);
      expect(ra.environment.networks).not.toEqual(rb.environment.networks);
      const ports = [ra, rb].flatMap((r) => Object.values(r.environment.services).flatMap((s) => s.containers.flatMap((c) => c.ports.map((p) => p.hostPort))));
      expect(new Set(ports).size).toBe(ports.length);
      const [ia, ib] = await Promise.all([items(frontendPort(ra)), items(frontendPort(rb))]);
      // Each environment has its own Redis: both counters start from scratch.
      expect(ia.counter).toBe(1);
      expect(ib.counter).toBe(1);
    } finally {
      await Promise.all(projects.map((p) => berth(["down", p])));
    }
    const e = await engine();
    for (const p of projects) expect(await resourcesOf(e, p)).toEqual([]);
  });
});
