/**
 * A release that meets an engine restarting (dockerd crashed and came back; the soak saw three
 * `down`s fail that way and leave their environments): it waits for the engine within its
 * patience and finishes; an engine gone for good, another error or a cancel ends it at once.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { isBerthError } from "../../src/errors.js";
import type { BerthEvent } from "../../src/events.js";
import { managedFilter } from "../../src/labels.js";
import { detachesBeforeRemoval, releaseRidingOut, RELEASE_PATIENCE_MS } from "../../src/lifecycle/release.js";
import { settleWithin } from "./support/fake-time.js";
import { MemoryRuntime } from "./support/memory-runtime.js";

function withEnvironment(project = "p1"): MemoryRuntime {
  const rt = new MemoryRuntime();
  const labels = managedFilter(project);
  rt.seedContainer({ name: `${project}-db-1`, labels, status: "running" });
  rt.seedContainer({ name: `${project}-api-1`, labels, status: "running" });
  rt.seedNetwork({ name: `${project}_default`, labels });
  return rt;
}

describe("release rides out an engine restart", () => {
  afterEach(() => vi.useRealTimers());

  it("the engine goes away after the first removal and is back 5 s later: everything goes, the result names all of it, one warning", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const rt = withEnvironment();
    rt.before("removeContainer", (_id, n) => {
      if (n !== 2) return;
      rt.goAway();
      setTimeout(() => rt.comeBack(), 5_000);
    });
    const events: BerthEvent[] = [];
    const { value, error } = await settleWithin(releaseRidingOut(rt, "p1", { onEvent: (e) => events.push(e) }), RELEASE_PATIENCE_MS);
    expect(error).toBeUndefined();
    expect(rt.containers.size + rt.networks.size).toBe(0);
    expect(value).toMatchObject({ containers: ["p1-api-1", "p1-db-1"], networks: ["p1_default"] });
    expect(events.filter((e) => e.type === "warning")).toHaveLength(1);
  });

  it("an engine gone for good: ENGINE_UNREACHABLE once the patience is spent, not before, and no hang", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const rt = withEnvironment();
    rt.goAway();
    const { error, elapsedMs } = await settleWithin(releaseRidingOut(rt, "p1", { patienceMs: 10_000 }), 30_000);
    expect(isBerthError(error, "ENGINE_UNREACHABLE")).toBe(true);
    expect(elapsedMs).toBeGreaterThanOrEqual(8_000);
    expect(elapsedMs).toBeLessThanOrEqual(11_000);
  });

  it("any other failure, or a cancel, ends it at once", async () => {
    const rt = withEnvironment().fail("removeNetwork", "engine-error");
    await expect(releaseRidingOut(rt, "p1")).rejects.toSatisfy((e) => !isBerthError(e, "ENGINE_UNREACHABLE"));
    const gone = withEnvironment();
    gone.goAway();
    const c = new AbortController();
    c.abort(new Error("stop"));
    const t0 = Date.now();
    await expect(releaseRidingOut(gone, "p1", { signal: c.signal })).rejects.toSatisfy((e) => isBerthError(e, "ENGINE_UNREACHABLE"));
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});

describe("down -t", () => {
  it("gives a container that holds data the stop timeout asked for (default: its own), and stops no other", async () => {
    const stops = async (o: { stopTimeoutSec?: number }) => {
      const rt = new MemoryRuntime();
      const labels = managedFilter("p1");
      rt.seedContainer({ name: "p1-db-1", labels, mounts: [{ type: "volume", name: "p1_data", destination: "/data" }] });
      rt.seedContainer({ name: "p1-api-1", labels });
      const seen: (number | undefined)[] = [];
      const stop = rt.stopContainer.bind(rt);
      rt.stopContainer = (id, t, opts) => (seen.push(t), stop(id, t, opts));
      await releaseRidingOut(rt, "p1", o);
      expect(rt.containers.size).toBe(0);
      return seen;
    };
    expect(await stops({ stopTimeoutSec: 3 })).toEqual([3]);
    expect(await stops({})).toEqual([undefined]);
  });
});

describe("removal order: detach running containers first only when asked (BERTH_RELEASE_DETACH=1)", () => {
  it("removes without detaching first unless BERTH_RELEASE_DETACH=1 asks for it (the soak found no order safer)", () => {
    expect(detachesBeforeRemoval({})).toBe(false);
    expect(detachesBeforeRemoval({ BERTH_RELEASE_DETACH: "0" })).toBe(false);
    expect(detachesBeforeRemoval({ BERTH_RELEASE_DETACH: "1" })).toBe(true);
  });

  it("a release only removes by default; with BERTH_RELEASE_DETACH=1 it disconnects each running container first", async () => {
    const ops = async (detach: string | undefined) => {
      const saved = process.env.BERTH_RELEASE_DETACH;
      if (detach === undefined) delete process.env.BERTH_RELEASE_DETACH;
      else process.env.BERTH_RELEASE_DETACH = detach;
      try {
        const rt = withEnvironment();
        for (const c of rt.containers.values()) c.networks.push("p1_default");
        rt.info = { version: "20.10.24" };
        await releaseRidingOut(rt, "p1");
        expect(rt.containers.size + rt.networks.size).toBe(0);
        return rt.calls.map((c) => c.op).filter((op) => op === "disconnectNetwork" || op === "removeContainer");
      } finally {
        if (saved === undefined) delete process.env.BERTH_RELEASE_DETACH;
        else process.env.BERTH_RELEASE_DETACH = saved;
      }
    };
    expect(await ops(undefined)).toEqual(["removeContainer", "removeContainer"]);
    const detached = await ops("1");
    expect(detached.filter((op) => op === "disconnectNetwork")).toHaveLength(2);
    expect(detached.indexOf("disconnectNetwork")).toBeLessThan(detached.indexOf("removeContainer"));
  });
});
