/**
 * `berth start` (startServices) of a stopped environment: the services of one dependency level
 * start together, a dependant only after what it depends on is ready, and a start that meets a
 * port clash is retried (as at acquire) instead of failing the command.
 */
import { describe, expect, it } from "vitest";
import { LABEL } from "../../src/labels.js";
import { startServices } from "../../src/lifecycle/operations.js";
import { liveLabels } from "./support/acquire-harness.js";
import { MemoryRuntime } from "./support/memory-runtime.js";

/** db and cache (independent) and api (depends on db) of project t1, all stopped. */
function stoppedStack(rt: MemoryRuntime) {
  const seed = (service: string, dependsOn = "") =>
    rt.seedContainer({
      name: `t1-${service}-1`,
      status: "exited",
      labels: { ...liveLabels("t1"), [LABEL.service]: service, [LABEL.number]: "1", [LABEL.dependsOn]: dependsOn },
    });
  return { db: seed("db"), cache: seed("cache"), api: seed("api", "db") };
}

describe("startServices", () => {
  it("starts a level's services together and a dependant only once its dependency is up", async () => {
    const rt = new MemoryRuntime();
    const { db, cache, api } = stoppedStack(rt);
    const names = new Map([db, cache, api].map((c) => [c.id, c.name]));
    const inFlight = new Set<string>();
    let overlap = false;
    const order: string[] = [];
    rt.before("startContainer", async (id) => {
      const name = names.get(id as string)!;
      inFlight.add(name);
      if (inFlight.size > 1) overlap = true;
      await new Promise((r) => setTimeout(r, 20));
      inFlight.delete(name);
      order.push(name);
    });
    await startServices(rt, "t1", { timeoutMs: 5_000 });
    expect(overlap).toBe(true);
    expect(order.indexOf("t1-api-1")).toBe(2);
    expect([db, cache, api].map((c) => rt.containers.get(c.id)!.status)).toEqual(["running", "running", "running"]);
  });

  it("retries a start that meets a port clash", async () => {
    const rt = new MemoryRuntime();
    const { db, cache, api } = stoppedStack(rt);
    rt.fail("startContainer", "port-taken", { nth: 1 });
    await startServices(rt, "t1", { timeoutMs: 5_000 });
    expect([db, cache, api].map((c) => rt.containers.get(c.id)!.status)).toEqual(["running", "running", "running"]);
  });
});
