/**
 * The pure parts of pool-backed runs: whether a pool is there to wait for (`berth run --pool`), how
 * to start the one it looked for, a suite pool's default size, and a test file's view of its
 * environment through process.env.
 */
import { describe, expect, it } from "vitest";
import { poolPresence, startPoolHint } from "../../src/cli/commands/run-pool.js";
import { isBerthError } from "../../src/errors.js";
import type { Liveness } from "../../src/cleanup/process-liveness.js";
import { LABEL } from "../../src/labels.js";
import { claimForTestFile, setProcessEnv } from "../../src/testing/pool-file.js";
import { suitePoolSize } from "../../src/testing/suite-pool.js";
import { berthEnvironment } from "../../src/testing/view.js";

const member = (pid: number) => ({
  [LABEL.managed]: "true",
  [LABEL.project]: `shop-${pid}`,
  [LABEL.ownerHost]: "here",
  [LABEL.ownerPid]: String(pid),
  [LABEL.ownerStarted]: "1",
  "dev.berth.pool": "shop",
});

describe("poolPresence", () => {
  const alive = new Set([7]);
  const liveness = (o: { pid: number }): Liveness => (alive.has(o.pid) ? "alive" : "dead");
  it("nothing labelled with the pool: none", () => {
    expect(poolPresence([], liveness)).toBe("none");
  });
  it("only what dead keepers left: keeper-gone; one live keeper (or an owner this host cannot judge): running", () => {
    expect(poolPresence([member(3), member(4)], liveness)).toBe("keeper-gone");
    expect(poolPresence([member(3), member(7)], liveness)).toBe("running");
    expect(poolPresence([member(3)], () => "unknown")).toBe("running");
  });
});

describe("startPoolHint", () => {
  it("repeats the files and folder (they make the default name), or names the pool", () => {
    expect(startPoolHint({ file: ["a.yml", "b.yml"], projectDirectory: "app" }, undefined)).toContain(
      "berth pool -f a.yml -f b.yml --project-directory app --size 2.",
    );
    expect(startPoolHint({}, "shop")).toContain("berth pool --size 2 --name shop.");
  });
});

describe("suitePoolSize", () => {
  it("as asked, else one per worker, at least one", () => {
    expect(suitePoolSize({ size: 3 }, 8)).toBe(3);
    expect(suitePoolSize({}, 4)).toBe(4);
    expect(suitePoolSize({}, 0)).toBe(1);
    expect(suitePoolSize({}, undefined)).toBeGreaterThanOrEqual(1);
  });
});

describe("a test file's environment through process.env", () => {
  it("setProcessEnv puts values in and, undone, puts back exactly what was there", () => {
    const env: Record<string, string | undefined> = { KEEP: "1", POSTGRES_PORT: "old" };
    const restore = setProcessEnv({ POSTGRES_PORT: "5555", BERTH_PROJECT: "p" }, env);
    expect(env).toEqual({ KEEP: "1", POSTGRES_PORT: "5555", BERTH_PROJECT: "p" });
    restore();
    expect(env).toEqual({ KEEP: "1", POSTGRES_PORT: "old" });
  });

  it("berthEnvironment reads BERTH_ENVIRONMENT, and says what to set up when there is none", () => {
    const port = { containerPort: 80, hostIp: "127.0.0.1", hostPort: 4321, protocol: "tcp" };
    const web = { name: "web", containers: [{ number: 1, state: "HEALTHY", ports: [port] }] };
    const data = { project: "p1", kind: "test", networks: [], services: { web }, variables: { BERTH_PROJECT: "p1" } };
    const view = berthEnvironment({ BERTH_ENVIRONMENT: JSON.stringify(data) });
    expect(view.project).toBe("p1");
    expect(view.hostPort("web", 80)).toBe(4321);
    expect(() => berthEnvironment({})).toThrow(/no berth environment/);
  });

  it("claiming for a test file without a pool fails at once with how to start one", async () => {
    const before = process.env.BERTH_POOL;
    delete process.env.BERTH_POOL;
    try {
      const e = await claimForTestFile().catch((x: unknown) => x);
      expect(isBerthError(e, "USAGE")).toBe(true);
      expect((e as Error & { hint: string }).hint).toContain("pool: { size");
    } finally {
      if (before !== undefined) process.env.BERTH_POOL = before;
    }
  });
});
