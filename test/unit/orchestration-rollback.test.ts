/**
 * Rollback decisions of acquire (src/lifecycle/acquire-run.ts) through the in-memory runtime: a
 * failure at any plan step leaves nothing the acquire created, and nothing foreign is touched.
 */
import { describe, expect, it } from "vitest";
import { isBerthError } from "../../src/errors.js";
import { MemoryRuntime, type Operation, type FailureKind } from "./support/memory-runtime.js";
import { leftOf, liveLabels, startAcquire } from "./support/acquire-harness.js";
import { dep, project, service } from "./spec-builder.js";

/** db ← api, a named volume: every step kind of a fresh acquire. */
const spec = project(
  [service("db", { volumes: [{ type: "volume", source: "data", target: "/data" }] as never }), service("api", { depends_on: { db: dep("service_started") } })],
  { volumes: { data: {} } },
);

/** A foreign container and network, and another living berth environment, on the same engine. */
function withNeighbours(rt: MemoryRuntime) {
  const foreign = rt.seedContainer({ name: "t1-db-1-notmine", labels: { app: "theirs" } });
  const foreignNet = rt.seedNetwork({ name: "theirs", labels: {} });
  const other = rt.seedContainer({ name: "t2-db-1", labels: liveLabels("t2") });
  return [foreign.id, foreignNet.id, other.id];
}

const failures: [step: string, op: Operation, kind: FailureKind, nth?: number][] = [
  ["create-network", "createNetwork", "engine-error"],
  ["create-volume", "createVolume", "engine-error"],
  ["create-container (the second)", "createContainer", "engine-error", 2],
  ["create-container (joining a network)", "connectNetwork", "engine-error"],
  ["start-container", "startContainer", "engine-error", 2],
];

describe("rollback after a failed step", () => {
  it("first checks the plan covers every step kind this table fails", async () => {
    const rt = new MemoryRuntime();
    const run = await startAcquire(rt, spec);
    await run.result;
    const kinds = new Set(run.events.flatMap((e) => (e.type === "step" ? [e.kind] : [])));
    expect([...kinds].sort()).toEqual(["create-container", "create-network", "create-volume", "start-container", "wait-ready"]);
  });

  for (const [step, op, kind, nth] of failures) {
    it(`${step}: fails with the step named, and leaves nothing of the environment; neighbours untouched`, async () => {
      const rt = new MemoryRuntime().fail(op, kind, { nth });
      const neighbours = withNeighbours(rt);
      // connectNetwork runs only for a service on two networks: api joins a second one.
      const s =
        op === "connectNetwork"
          ? project([...Object.values(spec.services).map((x) => (x.name === "api" ? { ...x, networks: { default: {}, back: {} } } : x))], {
              volumes: spec.volumes,
              networks: { default: {}, back: {} },
            })
          : spec;
      const run = await startAcquire(rt, s);
      const error = await run.result.catch((e: unknown) => e);
      expect(isBerthError(error, "ENGINE_ERROR")).toBe(true);
      expect(run.events.some((e) => e.type === "rollback")).toBe(true);
      expect(leftOf(rt)).toEqual([]);
      for (const id of neighbours) expect(rt.containers.has(id) || rt.networks.has(id)).toBe(true);
      const removed = rt.calls.filter((c) => c.op === "removeContainer" || c.op === "removeNetwork").map((c) => c.arg);
      for (const id of neighbours) expect(removed).not.toContain(id);
    });
  }

  it("wait-ready: a container that exits for good fails the acquire as SERVICE_FAILED and is removed", async () => {
    const rt = new MemoryRuntime();
    withNeighbours(rt);
    rt.onStart.set("t1-db-1", (c, r) => r.setState(c.id, { status: "exited", exitCode: 3 }, "die"));
    const run = await startAcquire(rt, project([service("db"), service("api", { depends_on: { db: dep() } })]));
    const error = await run.result.catch((e: unknown) => e);
    expect(isBerthError(error, "SERVICE_FAILED")).toBe(true);
    expect((error as Error).message).toMatch(/db .*exited with code 3/);
    expect(leftOf(rt)).toEqual([]);
    expect(rt.count("startContainer")).toBe(1); // api was never started: it waits on db
  });

  it("remove-container: when recreating a changed container fails, only what this acquire created goes; the kept project stays", async () => {
    const rt = new MemoryRuntime();
    // A running environment t1 (db, api), then an acquire that recreates api with a new image.
    const first = await startAcquire(rt, project([service("db"), service("api")]));
    await first.result;
    const before = leftOf(rt);
    rt.fail("removeContainer", "engine-error");
    const run = await startAcquire(rt, project([service("db"), service("api", { image: "img/api:2" })]));
    const error = await run.result.catch((e: unknown) => e);
    expect(isBerthError(error, "ENGINE_ERROR")).toBe(true);
    expect((error as Error).message).toMatch(/remove-container t1-api-1/);
    // Not fresh: the rollback removes only what it created (nothing here), never the project.
    expect(leftOf(rt)).toEqual(before);
  });

  it("a failure after some containers exist removes exactly those, not observed ones, in a non-fresh project", async () => {
    const rt = new MemoryRuntime();
    const first = await startAcquire(rt, project([service("db")]));
    await first.result;
    const kept = leftOf(rt);
    rt.fail("startContainer", "engine-error");
    const run = await startAcquire(rt, project([service("db"), service("api")]));
    await expect(run.result).rejects.toThrow(/start-container t1-api-1/);
    expect(run.state.created.containers).toHaveLength(1);
    expect(leftOf(rt)).toEqual(kept);
  });
});
