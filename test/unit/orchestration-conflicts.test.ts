/**
 * Retry decisions of acquire through the in-memory runtime: a name held by berth's own stale
 * orphan is freed and creation retried; a foreign holder (or a living environment) is never
 * touched; a port the engine handed out twice is retried, a fixed one is not.
 */
import { describe, expect, it } from "vitest";
import { isBerthError } from "../../src/errors.js";
import { MemoryRuntime } from "./support/memory-runtime.js";
import { leftOf, liveLabels, orphanLabels, startAcquire } from "./support/acquire-harness.js";
import { project, service } from "./spec-builder.js";

const one = project([service("db")]);
const retries = (events: { type: string }[]) => events.filter((e) => e.type === "retry");

describe("container name conflicts", () => {
  it("a stale orphan of berth holding the name is removed and the create retried", async () => {
    const rt = new MemoryRuntime();
    const stale = rt.seedContainer({ name: "t1-db-1", labels: orphanLabels("old") });
    const run = await startAcquire(rt, one);
    await run.result;
    expect(rt.containers.has(stale.id)).toBe(false);
    expect(leftOf(rt)).toContain("container t1-db-1");
    expect(retries(run.events)).toHaveLength(1);
    expect(rt.count("createContainer")).toBe(2);
  });

  it("a foreign container holding the name is named in a CONFLICT and never touched", async () => {
    const rt = new MemoryRuntime();
    const foreign = rt.seedContainer({ name: "t1-db-1", labels: { app: "theirs" } });
    const run = await startAcquire(rt, one);
    const error = await run.result.catch((e: unknown) => e);
    expect(isBerthError(error, "CONFLICT")).toBe(true);
    expect((error as { details: Record<string, unknown> }).details.foreign).toBe(true);
    expect(rt.containers.get(foreign.id)).toMatchObject({ name: "t1-db-1", status: "running" });
    expect(rt.calls.filter((c) => (c.op === "removeContainer" || c.op === "stopContainer") && c.arg === foreign.id)).toEqual([]);
    expect(rt.count("createContainer")).toBe(1);
    expect(leftOf(rt)).toEqual([]); // the network it created is rolled back
  });

  it("a living berth environment holding the name is left alone", async () => {
    const rt = new MemoryRuntime();
    const live = rt.seedContainer({ name: "t1-db-1", labels: liveLabels("t9") });
    const run = await startAcquire(rt, one);
    await expect(run.result).rejects.toThrow(/berth environment t9 .* still alive/);
    expect(rt.containers.has(live.id)).toBe(true);
  });

  it("a name conflict injected on the 2nd create (the holder gone by then) is retried", async () => {
    const rt = new MemoryRuntime().fail("createContainer", "name-conflict", { nth: 2 });
    const run = await startAcquire(rt, project([service("db"), service("api")]));
    await run.result;
    expect(rt.count("createContainer")).toBe(3);
    expect(leftOf(rt).filter((x) => x.startsWith("container"))).toHaveLength(2);
  });
});

describe("network name conflicts", () => {
  it("a stale orphan network of berth holding the name is removed and the create retried", async () => {
    const rt = new MemoryRuntime();
    const stale = rt.seedNetwork({ name: "t1_default", labels: orphanLabels("old") });
    const run = await startAcquire(rt, one);
    await run.result;
    expect(rt.networks.has(stale.id)).toBe(false);
    expect(leftOf(rt)).toContain("network t1_default");
  });

  it("a foreign network holding the name is never removed", async () => {
    const rt = new MemoryRuntime();
    const foreign = rt.seedNetwork({ name: "t1_default", labels: {} });
    const run = await startAcquire(rt, one);
    await expect(run.result).rejects.toThrow(/berth did not create/);
    expect(rt.networks.has(foreign.id)).toBe(true);
    expect(rt.calls.filter((c) => c.op === "removeNetwork" && c.arg === foreign.id)).toEqual([]);
  });
});

describe("port conflicts at start", () => {
  const dynamic = project([service("web", { ports: [{ target: 80, protocol: "tcp" }] })]);
  const fixed = project([service("web", { ports: [{ target: 80, published: "8080", protocol: "tcp" }] })]);

  it("a dynamic port the engine handed out twice is retried, and the start succeeds", async () => {
    const rt = new MemoryRuntime().fail("startContainer", "port-taken");
    const run = await startAcquire(rt, dynamic);
    await run.result;
    expect(rt.count("startContainer")).toBe(2);
    expect(retries(run.events)).toHaveLength(1);
  });

  it("a dynamic port taken on every attempt gives up after 3 and rolls back", async () => {
    const rt = new MemoryRuntime().fail("startContainer", "port-taken", { times: 10 });
    const run = await startAcquire(rt, dynamic);
    await expect(run.result).rejects.toThrow(/port is already allocated/);
    expect(rt.count("startContainer")).toBe(3);
    expect(leftOf(rt)).toEqual([]);
  });

  it("a fixed host port in use is PORT_IN_USE at once, not retried", async () => {
    const rt = new MemoryRuntime().fail("startContainer", "port-taken");
    const run = await startAcquire(rt, fixed);
    const error = await run.result.catch((e: unknown) => e);
    expect(isBerthError(error, "PORT_IN_USE")).toBe(true);
    expect((error as Error).message).toMatch(/host port 127\.0\.0\.1:8080 is already in use/);
    expect(rt.count("startContainer")).toBe(1);
    expect(leftOf(rt)).toEqual([]);
  });
});
