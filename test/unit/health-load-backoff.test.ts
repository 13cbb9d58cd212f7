/** Readiness backs off under engine latency (fewer inspects and execs), and not on a quiet engine. */
import { describe, expect, it } from "vitest";
import { LATENCY_UNIT_MS, loadFactor, MAX_LOAD_FACTOR, nextPeriod, smoothLatency, stretched, watchWindow } from "../../src/health/readiness.js";

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

  it("stretched periods and windows are whole milliseconds (AbortSignal.timeout and timers refuse fractions)", () => {
    // The soak caught this: a window of 3651.6 ms made every acquire under load fail.
    for (const latency of [51.3, 117.7, 333.3]) {
      const load = loadFactor(smoothLatency(7.1, latency));
      expect(Number.isInteger(stretched(watchWindow(7303, 1000, true), load))).toBe(true);
      expect(Number.isInteger(stretched(nextPeriod(1234, 1000), load))).toBe(true);
    }
  });
});
