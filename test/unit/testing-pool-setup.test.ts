/**
 * The runner setups with `pool`: the global setup starts a pool sized to the runner's workers and
 * tells the workers its name, the teardown closes it; Jest's per-file helper claims in beforeAll
 * (with a timeout that outlasts a wait for a free environment) and hands back in afterAll.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const created: { size: number; name?: string; closed: boolean }[] = [];
vi.mock("../../src/pool/pool.js", () => ({
  createPool: (o: { size: number; name?: string }) => {
    const pool = { size: o.size, name: o.name ?? "generated", closed: false };
    created.push(pool);
    return Promise.resolve({ name: pool.name, ready: () => Promise.resolve(), close: () => Promise.resolve(void (pool.closed = true)) });
  },
}));
const claims: { released: boolean }[] = [];
vi.mock("../../src/testing/pool-file.js", () => ({
  claimForTestFile: () => {
    const c = { released: false };
    claims.push(c);
    return Promise.resolve({ view: {}, release: () => Promise.resolve(void (c.released = true)) });
  },
}));

const jest = await import("../../src/testing/jest.js");
const vitest = await import("../../src/testing/vitest.js");

beforeEach(() => {
  created.length = 0;
  claims.length = 0;
  delete process.env.BERTH_POOL;
});
afterEach(() => {
  delete process.env.BERTH_POOL;
});

describe("global setup with a pool", () => {
  it("Vitest: one environment per worker, BERTH_POOL for the workers, nothing provided as the suite's; the teardown closes it", async () => {
    const provided: string[] = [];
    const teardown = await vitest.berthGlobalSetup({ files: ["c.yml"], pool: true })({ provide: (k) => void provided.push(k), config: { maxWorkers: 3 } });
    expect(created).toEqual([{ size: 3, name: expect.stringMatching(/^suite-[0-9a-f]{8}$/), closed: false }]);
    expect(process.env.BERTH_POOL).toBe(created[0]!.name);
    expect(provided).toEqual([]);
    await teardown();
    expect(created[0]!.closed).toBe(true);
  });

  it("Jest: sized by globalConfig.maxWorkers unless a size is given; berthGlobalTeardown closes it", async () => {
    await jest.berthGlobalSetup({ files: ["c.yml"], pool: { name: "mine" } })({ maxWorkers: 7 });
    expect(created).toEqual([{ size: 7, name: "mine", closed: false }]);
    expect(process.env.BERTH_POOL).toBe("mine");
    await jest.berthGlobalTeardown();
    expect(created[0]!.closed).toBe(true);
    await jest.berthGlobalSetup({ files: ["c.yml"], pool: { size: 5 } })({ maxWorkers: 2 });
    expect(created[1]!.size).toBe(5);
    await jest.berthGlobalTeardown();
  });
});

describe("Jest's useBerthPoolEnvironment", () => {
  type Hook = (fn: () => Promise<void>, timeout?: number) => void;
  const g = globalThis as { beforeAll?: Hook; afterAll?: Hook };
  const saved = { beforeAll: g.beforeAll, afterAll: g.afterAll };
  afterEach(() => Object.assign(g, saved));

  it("claims in beforeAll (timeout beyond the claim's wait) and hands back in afterAll", async () => {
    const hooks: { kind: string; fn: () => Promise<void>; timeout?: number }[] = [];
    g.beforeAll = (fn, timeout) => void hooks.push({ kind: "beforeAll", fn, timeout });
    g.afterAll = (fn, timeout) => void hooks.push({ kind: "afterAll", fn, timeout });
    jest.useBerthPoolEnvironment({ timeoutMs: 30_000 });
    expect(hooks.map((h) => h.kind)).toEqual(["beforeAll", "afterAll"]);
    expect(hooks[0]!.timeout).toBeGreaterThan(30_000);
    expect(claims).toEqual([]);
    await hooks[0]!.fn();
    expect(claims).toEqual([{ released: false }]);
    await hooks[1]!.fn();
    expect(claims).toEqual([{ released: true }]);
  });

  it("outside Jest's globals: a usage error that says where to call it", () => {
    g.beforeAll = undefined;
    g.afterAll = undefined;
    expect(() => jest.useBerthPoolEnvironment()).toThrow(/needs Jest's beforeAll and afterAll/);
  });
});

describe("Vitest's useBerthPoolEnvironment", () => {
  it("claims at once and hands back through the afterAll it is given", async () => {
    const after: (() => Promise<void>)[] = [];
    await vitest.useBerthPoolEnvironment({ afterAll: (fn) => void after.push(fn) });
    expect(claims).toEqual([{ released: false }]);
    await after[0]!();
    expect(claims).toEqual([{ released: true }]);
  });
});
