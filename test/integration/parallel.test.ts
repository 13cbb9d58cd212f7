/**
 * The pain berth exists for: parallel CI jobs on one host. Ten separate `berth up` processes of
 * the example stack at once, each fully isolated.
 */
import { describe, expect, it } from "vitest";
import { acquire, type Environment } from "../../src/index.js";
import { overlaps, parseCidr } from "../../src/networks/subnets.js";
import { berth, engine, lastJson, resourcesOf, shopFile, stack } from "./helpers.js";

interface UpResult {
  environment: { project: string; services: Record<string, { containers: { state: string; ports: { containerPort: number; hostPort: number }[] }[] }> };
}

describe("parallel environments", () => {
  it("keeps 60 environments up at once, each on its own subnet, then returns every subnet", async () => {
    const e = await engine();
    const count = 60;
    const envs: Environment[] = [];
    try {
      const results = await Promise.allSettled(Array.from({ length: count }, () => acquire({ files: [stack("small.yml")], engine: e, timeoutMs: 240_000 })));
      for (const r of results) if (r.status === "fulfilled") envs.push(r.value);
      // With the probes' last output: a failure here must say why (refused, no answer, no route).
      const failures = results
        .filter((r): r is PromiseRejectedResult => r.status === "rejected")
        .map((r) => `${String(r.reason)} ${JSON.stringify((r.reason as { details?: { probes?: unknown; status?: unknown } }).details?.probes ?? "")}`);
      expect(failures).toEqual([]);
      expect(new Set(envs.map((x) => x.project)).size).toBe(count);

      const nets = (await e.listNetworks({ "dev.berth.managed": "true" })).filter((n) => envs.some((x) => n.labels["dev.berth.project"] === x.project));
      expect(nets).toHaveLength(count);
      const subnets = nets.map((n) => parseCidr(n.subnets[0]!));
      for (let i = 0; i < subnets.length; i++) {
        for (let j = i + 1; j < subnets.length; j++) expect(overlaps(subnets[i]!, subnets[j]!)).toBe(false);
      }
      const ports = envs.map((x) => x.hostPort("api", 8080));
      expect(new Set(ports).size).toBe(count);
      for (const x of envs) expect(Object.values(x.services).map((s) => s.containers[0]!.state)).toEqual(["HEALTHY", "HEALTHY", "HEALTHY"]);
    } finally {
      await Promise.all(envs.map((x) => x.release()));
    }
    for (const x of envs) expect(await resourcesOf(e, x.project)).toEqual([]);
  });

  it("10 processes bring up the example stack at once: all healthy, ports distinct, each wired to its own dependencies", { timeout: 600_000 }, async () => {
    const runs = await Promise.all(Array.from({ length: 10 }, () => berth(["up", "-f", shopFile, "--json", "--timeout", "8m"])));
    const ok = runs.filter((r) => r.code === 0).map((r) => lastJson<UpResult>(r.stdout));
    try {
      expect(runs.map((r) => (r.code === 0 ? "ok" : r.stderr.slice(-400)))).toEqual(Array(10).fill("ok"));
      const ports = ok.flatMap((r) => Object.values(r.environment.services).flatMap((s) => s.containers.flatMap((c) => c.ports.map((p) => p.hostPort))));
      expect(new Set(ports).size).toBe(ports.length);
      for (const r of ok) {
        expect(Object.values(r.environment.services).map((s) => s.containers[0]!.state)).toEqual(["HEALTHY", "HEALTHY", "HEALTHY", "HEALTHY"]);
      }
      // frontend → backend → postgres/redis, all by service name: every environment has its own
      // Redis, so every counter starts at 1 even though ten stacks answer at the same time.
      const counters = await Promise.all(
        ok.map(async (r) => {
          const port = r.environment.services.frontend!.containers[0]!.ports.find((p) => p.containerPort === 8080)!.hostPort;
          const body = (await (await fetch(`http://127.0.0.1:${port}/api/items`)).json()) as { counter: number; items: unknown[] };
          expect(body.items.length).toBeGreaterThan(0);
          return body.counter;
        }),
      );
      expect(counters).toEqual(Array(10).fill(1));
    } finally {
      // One after the other: ten concurrent teardowns on dockerd 20.10 can leave a stale endpoint
      // that no client can remove (moby/moby#43286); this test is about acquiring in parallel.
      const downs = [];
      for (const r of ok) downs.push(await berth(["down", r.environment.project]));
      expect(downs.map((d) => d.stderr)).toEqual(downs.map(() => ""));
    }
    const e = await engine();
    for (const r of ok) expect(await resourcesOf(e, r.environment.project)).toEqual([]);
  });

  it("a dev environment on the file's own port and a test environment of the same file run side by side", async () => {
    const dev = await berth(["up", "-f", stack("fixed-port.yml"), "--env", "dev", "--json"]);
    const test = await berth(["up", "-f", stack("fixed-port.yml"), "--json"]);
    const projects = [dev, test].filter((r) => r.code === 0).map((r) => lastJson<UpResult>(r.stdout).environment.project);
    try {
      expect(dev.code, dev.stderr).toBe(0);
      expect(test.code, test.stderr).toBe(0);
      const port = (r: typeof dev) => lastJson<UpResult>(r.stdout).environment.services.web!.containers[0]!.ports[0]!.hostPort;
      expect(port(dev)).toBe(38417);
      expect(port(test)).not.toBe(38417);
      expect(projects[0]).toMatch(/^berth-dev-/);
      expect(projects[1]).toMatch(/^berth-test-/);
    } finally {
      await Promise.all(projects.map((p) => berth(["down", p])));
    }
  });
});
