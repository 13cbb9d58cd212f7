/**
 * killedForMemory's settle window (src/health/oom.ts): an OOM event that reaches the engine's log a
 * moment after the exit still counts for a reader that waits for it; an old exit is not waited on.
 */
import { describe, expect, it } from "vitest";
import { killedForMemory } from "../../src/health/oom.js";

/** An engine whose log gets the container's OOM event `lateMs` after now. */
function lateEngine(lateMs: number) {
  const at = Date.now() + lateMs;
  let asked = 0;
  return {
    get asked() {
      return asked;
    },
    oomEventSince: () => {
      asked++;
      return Promise.resolve(Date.now() >= at);
    },
  };
}

const exited = (finishedAgoMs: number) => ({
  oomKilled: false,
  running: false,
  exitCode: 137,
  startedAt: new Date(Date.now() - 10_000).toISOString(),
  finishedAt: new Date(Date.now() - finishedAgoMs).toISOString(),
});

describe("killedForMemory", () => {
  it("asks once more when the exit is recent and the event is late, within the settle window", async () => {
    const engine = lateEngine(150);
    expect(await killedForMemory(engine, "c", exited(0), { settleMs: 1000 })).toBe(true);
    expect(engine.asked).toBe(2);
  });

  it("without a window, or for an exit older than it, answers from the first look", async () => {
    const none = lateEngine(150);
    expect(await killedForMemory(none, "c", exited(0))).toBe(false);
    expect(none.asked).toBe(1);
    const old = lateEngine(150);
    expect(await killedForMemory(old, "c", exited(5000), { settleMs: 1000 })).toBe(false);
    expect(old.asked).toBe(1);
  });

  it("a run still going, or one that ended otherwise than by SIGKILL, is no OOM kill", async () => {
    const engine = lateEngine(0);
    expect(await killedForMemory(engine, "c", { ...exited(0), running: true }, { settleMs: 1000 })).toBe(false);
    expect(await killedForMemory(engine, "c", { ...exited(0), exitCode: 1 }, { settleMs: 1000 })).toBe(false);
    expect(engine.asked).toBe(0);
  });
});
