/**
 * Acquire decisions when the engine goes away or the caller cancels, through the in-memory
 * runtime: a clear error and no hang when the engine is lost, a rollback that rides out an engine
 * restart, cancellation at every step kind, and readiness that waits out a restart policy.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { isBerthError } from "../../src/errors.js";
import type { BerthEvent } from "../../src/events.js";
import { settleWithin } from "./support/fake-time.js";
import { MemoryRuntime, type Operation } from "./support/memory-runtime.js";
import { leftOf, startAcquire } from "./support/acquire-harness.js";
import { dep, project, service } from "./spec-builder.js";

const spec = project(
  [service("db", { volumes: [{ type: "volume", source: "data", target: "/data" }] as never }), service("api", { depends_on: { db: dep("service_started") } })],
  { volumes: { data: {} } },
);

describe("engine lost mid-acquire", () => {
  afterEach(() => vi.useRealTimers());

  it("gone for good at a start: ENGINE_UNREACHABLE naming the step, the rollback gives up within its patience, no hang", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const rt = new MemoryRuntime().before("startContainer", () => rt.goAway());
    const run = await startAcquire(rt, spec);
    const { error, elapsedMs } = await settleWithin(run.result, 90_000);
    expect(isBerthError(error, "ENGINE_UNREACHABLE")).toBe(true);
    expect((error as Error).message).toMatch(/start-container t1-db-1 .*failed: .*does not answer/);
    expect((error as { details: Record<string, unknown> }).details.rollbackError).toBeTruthy();
    expect((error as Error).message).toMatch(/berth down t1/);
    expect(elapsedMs).toBeLessThan(75_000);
  });

  it("back after a restart: the rollback retries until everything is removed, and checks it stays gone", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const rt = new MemoryRuntime().before("startContainer", () => {
      rt.goAway();
      setTimeout(() => rt.comeBack(), 3_000);
    });
    const run = await startAcquire(rt, spec);
    const { error } = await settleWithin(run.result, 90_000);
    expect(isBerthError(error, "ENGINE_UNREACHABLE")).toBe(true);
    expect((error as { details: Record<string, unknown> }).details.rollbackError).toBeUndefined();
    expect(leftOf(rt)).toEqual([]);
    // The checks that removals stay removed after engine trouble: listed again after the removal.
    const lastRemoval = rt.calls.findLastIndex((c) => c.op === "removeContainer");
    expect(rt.calls.slice(lastRemoval).filter((c) => c.op === "listContainers").length).toBeGreaterThanOrEqual(2);
  });

  it("gone while waiting for readiness: the wait ends with ENGINE_UNREACHABLE, no hang", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const rt = new MemoryRuntime();
    // db has a healthcheck that keeps failing: the wait goes on until the engine goes away.
    rt.onStart.set("t1-db-1", (c) => Object.assign(c, { healthcheck: { test: ["CMD", "false"], intervalMs: 1000 }, health: "starting", execExit: 1 }));
    rt.before("inspectContainer", (_id, n) => {
      if (n === 3) rt.goAway();
    });
    const run = await startAcquire(rt, project([service("db"), service("api", { depends_on: { db: dep() } })]), { timeoutMs: 600_000 });
    const { error, elapsedMs } = await settleWithin(run.result, 90_000);
    expect(isBerthError(error, "ENGINE_UNREACHABLE")).toBe(true);
    expect(elapsedMs).toBeLessThan(75_000);
  });
});

describe("cancellation", () => {
  const at: [step: string, op: Operation][] = [
    ["create-network", "createNetwork"],
    ["create-volume", "createVolume"],
    ["create-container", "createContainer"],
    ["start-container", "startContainer"],
  ];
  for (const [step, op] of at) {
    it(`during ${step}: steps in flight finish, none handed out after it completes, and everything created is removed`, async () => {
      const rt = new MemoryRuntime();
      const controller = new AbortController();
      const events: BerthEvent[] = [];
      let abortedAt = -1;
      rt.before(op, () => {
        if (abortedAt >= 0) return;
        abortedAt = events.length;
        controller.abort(new Error("stop"));
      });
      const run = await startAcquire(rt, spec, { signal: controller.signal, events });
      const error = await run.result.catch((e: unknown) => e);
      expect(isBerthError(error, "ABORTED")).toBe(true);
      expect(leftOf(rt)).toEqual([]);
      // Steps already begun run to completion; one the executor hands out after the cancel does nothing.
      expect(abortedAt).toBeGreaterThan(0);
      const steps = (list: BerthEvent[], phase: string) => list.flatMap((e) => (e.type === "step" && e.phase === phase ? [e.step] : []));
      const begunBefore = new Set(steps(events.slice(0, abortedAt), "begin"));
      expect(steps(events.slice(abortedAt), "done").filter((id) => !begunBefore.has(id))).toEqual([]);
    });
  }

  it("while waiting for readiness: the wait is interrupted and everything created is removed", async () => {
    const rt = new MemoryRuntime();
    const controller = new AbortController();
    rt.onStart.set("t1-db-1", (c) => Object.assign(c, { healthcheck: { test: ["CMD", "false"], intervalMs: 1000 }, health: "starting", execExit: 1 }));
    rt.before("inspectContainer", (_id, n) => {
      if (n === 2) setTimeout(() => controller.abort(new Error("stop")), 20);
    });
    const run = await startAcquire(rt, project([service("db"), service("api", { depends_on: { db: dep() } })]), {
      signal: controller.signal,
      timeoutMs: 600_000,
    });
    const t0 = Date.now();
    const error = await run.result.catch((e: unknown) => e);
    expect(isBerthError(error, "ABORTED")).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(leftOf(rt)).toEqual([]);
  });

  it("before it begins: nothing is created", async () => {
    const rt = new MemoryRuntime();
    const run = await startAcquire(rt, spec, { signal: AbortSignal.abort(new Error("stop")) });
    await expect(run.result).rejects.toMatchObject({ code: "ABORTED" });
    expect(rt.count("createNetwork") + rt.count("createVolume") + rt.count("createContainer")).toBe(0);
  });
});

describe("an engine read that never gets an answer", () => {
  afterEach(() => vi.useRealTimers());

  it("an inspect lost during the readiness wait is asked again, not waited on until the deadline", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const rt = new MemoryRuntime();
    let lost = 0;
    rt.before("inspectContainer", () => {
      if (lost++ === 0) return new Promise<void>(() => undefined); // the first one is never answered
    });
    const run = await startAcquire(rt, project([service("db"), service("api", { depends_on: { db: dep() } })]), { timeoutMs: 600_000 });
    const { error, elapsedMs } = await settleWithin(run.result, 120_000);
    expect(error).toBeUndefined();
    expect(elapsedMs).toBeLessThan(60_000);
  });
});

describe("readiness under a restart policy", () => {
  const crashOnce = (rt: MemoryRuntime) =>
    rt.onStart.set("t1-db-1", (c, r) => {
      if (c.restartCount > 0) return;
      r.setState(c.id, { status: "exited", exitCode: 1 }, "die");
      setTimeout(() => r.setState(c.id, { status: "running", restartCount: 1 }, "start"), 30);
    });

  it("a container that crashes once and is restarted by its policy is waited for, not failed", async () => {
    const rt = new MemoryRuntime();
    crashOnce(rt);
    const run = await startAcquire(rt, project([service("db", { restart: "always" }), service("api", { depends_on: { db: dep() } })]));
    await run.result;
    expect(run.events.find((e) => e.type === "ready" && e.service === "db")).toMatchObject({ restarts: 1 });
  });

  it("without a restart policy the same crash fails the acquire", async () => {
    const rt = new MemoryRuntime();
    crashOnce(rt);
    const run = await startAcquire(rt, project([service("db"), service("api", { depends_on: { db: dep() } })]));
    await expect(run.result).rejects.toMatchObject({ code: "SERVICE_FAILED" });
    expect(leftOf(rt)).toEqual([]);
  });
});
