/**
 * followEvents (src/engine/follow-events.ts): a subscription that comes back after the engine
 * ended it, through the in-memory runtime's engine-gone and come-back.
 */
import { describe, expect, it } from "vitest";
import { followEvents } from "../../src/engine/follow-events.js";
import type { EngineEvent } from "../../src/engine/types.js";
import { MemoryRuntime } from "./support/memory-runtime.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(5);
  }
}

describe("followEvents", () => {
  it("subscribes again after the engine went away and came back, says each gap, and stops for good on abort", async () => {
    const rt = new MemoryRuntime();
    const seen: string[] = [];
    let gaps = 0;
    const stop = new AbortController();
    followEvents(rt, { labels: {}, types: ["volume"] }, (e: EngineEvent) => seen.push(e.id), { signal: stop.signal, retryMs: 20, onGap: () => gaps++ });
    await until("subscribed", () => rt.count("subscribe") === 1);
    await rt.createVolume("v1", {});
    expect(seen).toEqual(["v1"]);

    rt.goAway(); // the stream ends; attempts while the engine is gone are refused and retried
    await until("two refused attempts", () => rt.count("subscribe") >= 3);
    expect(gaps).toBeGreaterThanOrEqual(2);
    rt.comeBack();
    for (let n = 1; seen.length === 1; n++) {
      if (n > 200) throw new Error("no event within 200 tries after the engine came back");
      await rt.createVolume(`back-${n}`, {});
      await sleep(10);
    }
    // One subscription only: each event arrives once.
    seen.length = 0;
    await rt.createVolume("v2", {});
    expect(seen).toEqual(["v2"]);

    stop.abort();
    const after = rt.count("subscribe");
    await rt.createVolume("v3", {});
    await sleep(100);
    expect(seen).toEqual(["v2"]);
    expect(rt.count("subscribe")).toBe(after);
  });

  it("makes no attempt once aborted", () => {
    const rt = new MemoryRuntime();
    const stop = new AbortController();
    stop.abort();
    followEvents(rt, { labels: {} }, () => undefined, { signal: stop.signal, retryMs: 10 });
    expect(rt.count("subscribe")).toBe(0);
  });
});
