/**
 * Decisions of readEnvironment and of the Environment handle, through the in-memory runtime:
 * when a container the engine still calls "starting" is reported HEALTHY (readiness berth saw
 * pass for its current run), when a handle forgets that proof (stop, a restart without a wait),
 * and that a handle releases once, through its own releaser when it has one.
 */
import { describe, expect, it } from "vitest";
import { LABEL } from "../../src/labels.js";
import { Environment } from "../../src/lifecycle/environment.js";
import type { ReadinessRecord } from "../../src/lifecycle/health-report.js";
import { readEnvironment } from "../../src/lifecycle/status.js";
import { liveLabels } from "./support/acquire-harness.js";
import { MemoryRuntime } from "./support/memory-runtime.js";

/** db of project t1: running, its healthcheck not yet passed as far as the engine says. */
function startingDb(rt: MemoryRuntime) {
  return rt.seedContainer({
    name: "t1-db-1",
    labels: { ...liveLabels("t1"), [LABEL.service]: "db", [LABEL.number]: "1" },
    health: "starting",
    healthcheck: { test: ["CMD", "true"], intervalMs: 30_000 },
    startedAt: new Date(Date.now() - 10_000).toISOString(),
  });
}

const record = (readyAt: number): ReadinessRecord => ({ via: "probe", rule: "healthcheck", readyAt: new Date(readyAt).toISOString(), restarts: 0, probes: [] });
const dbState = async (rt: MemoryRuntime, o: Parameters<typeof readEnvironment>[4]) =>
  (await readEnvironment(rt, "t1", "test", undefined, o)).services.db?.containers[0]?.state;

describe("readEnvironment", () => {
  it("reports a starting container HEALTHY only when the caller saw it ready", async () => {
    const rt = new MemoryRuntime();
    startingDb(rt);
    expect(await dbState(rt, { proven: new Set(["t1-db-1"]) })).toBe("HEALTHY");
    expect(await dbState(rt, { proven: new Set() })).toBe("STARTING");
  });

  it("takes readiness seen before the container's current start for what it is: history, not proof", async () => {
    const rt = new MemoryRuntime();
    const db = startingDb(rt);
    const started = Date.parse(db.startedAt!);
    expect(await dbState(rt, { proven: new Map([["t1-db-1", record(started - 1000)]]) })).toBe("STARTING");
    expect(await dbState(rt, { proven: new Map([["t1-db-1", record(started + 1000)]]) })).toBe("HEALTHY");
  });
});

describe("readEnvironment of a container killed with 137", () => {
  const killed = (rt: MemoryRuntime) =>
    rt.seedContainer({
      name: "t1-db-1",
      labels: { ...liveLabels("t1"), [LABEL.service]: "db", [LABEL.number]: "1" },
      status: "exited",
      exitCode: 137,
      startedAt: new Date(Date.now() - 10_000).toISOString(),
    });
  const db = async (rt: MemoryRuntime) => (await readEnvironment(rt, "t1", "test")).services.db?.containers[0];

  it("reports it OOM-killed when the engine's event log says so, though its flag was lost", async () => {
    const rt = new MemoryRuntime();
    rt.oomEvents.add(killed(rt).id);
    expect(await db(rt)).toMatchObject({ exitCode: 137, oomKilled: true });
  });

  it("and not when it was a plain SIGKILL", async () => {
    const rt = new MemoryRuntime();
    killed(rt);
    expect(await db(rt)).toMatchObject({ exitCode: 137, oomKilled: false });
  });
});

describe("Environment handle", () => {
  /** A handle whose acquire saw db ready (its record dated after any start this test makes). */
  async function handle(rt: MemoryRuntime, releaser?: ConstructorParameters<typeof Environment>[2]) {
    startingDb(rt);
    const data = await readEnvironment(rt, "t1", "test", undefined, { proven: new Set(["t1-db-1"]) });
    return new Environment(data, rt, releaser, new Map([["t1-db-1", record(Date.now() + 3_600_000)]]));
  }

  it("keeps its proof across a refresh; a restart without a wait drops it (the run it described is gone)", async () => {
    const rt = new MemoryRuntime();
    const env = await handle(rt);
    await env.refresh();
    expect(env.services.db!.containers[0]!.state).toBe("HEALTHY");
    await env.restart({ wait: false });
    expect(rt.count("restartContainer")).toBe(1);
    expect(env.services.db!.containers[0]!.state).toBe("STARTING");
  });

  it("drops its proof for the services it stops: the health report no longer shows it", async () => {
    const rt = new MemoryRuntime();
    const env = await handle(rt);
    expect((await env.healthReport()).containers[0]!.readiness).toBeDefined();
    await env.stop();
    expect(env.services.db!.containers[0]!.state).toBe("STOPPED");
    expect((await env.healthReport()).containers[0]!.readiness).toBeUndefined();
  });

  it("releases once, through its releaser when it has one (a shared environment's lease)", async () => {
    const rt = new MemoryRuntime();
    let calls = 0;
    const env = await handle(rt, () => (calls++, Promise.resolve(null)));
    expect(await env.release()).toBeNull();
    await env[Symbol.asyncDispose]();
    expect(calls).toBe(1);
    expect(rt.containers.size).toBe(1); // the releaser decided: nothing removed here
  });

  it("without a releaser, disposal removes the environment", async () => {
    const rt = new MemoryRuntime();
    const env = await handle(rt);
    await env[Symbol.asyncDispose]();
    expect(rt.containers.size).toBe(0);
  });
});
