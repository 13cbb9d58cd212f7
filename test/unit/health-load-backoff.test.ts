/** Readiness backs off under engine latency (fewer inspects and execs), and not on a quiet engine. */
import { describe, expect, it } from "vitest";
import { LATENCY_UNIT_MS, loadFactor, MAX_LOAD_FACTOR, smoothLatency } from "../../src/health/readiness.js";

describe("readiness load factor", () => {
  it("a quiet engine (inspect in a few ms, up to one latency unit) is polled as before", () => {
    for (const ms of [0, 2, 10, 49, LATENCY_UNIT_MS]) expect(loadFactor(ms)).toBe(1);
    expect(loadFactor(Number.NaN)).toBe(1);
  });

  it("a slow engine stretches period and watch window in proportion to its latency, up to a cap", () => {
    expect(loadFactor(100)).toBe(2);
    expect(loadFactor(200)).toBe(4);
    expect(loadFactor(1500)).toBe(MAX_LOAD_FACTOR);
  });

  it("one slow answer counts half; the history keeps the other half", () => {
    expect(smoothLatency(undefined, 400)).toBe(400);
    expect(smoothLatency(4, 400)).toBe(202);
    expect(smoothLatency(202, 4)).toBe(103);
  });
});
