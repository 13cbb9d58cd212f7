/**
 * The log probe (src/health/probes.ts) counts the lines of the container's current run, read the
 * way dockerd answers `logs?since=`: every line timestamped at or after `since`.
 */
import { describe, expect, it } from "vitest";
import type { Runtime } from "../../src/engine/runtime.js";
import type { ContainerDetails, ContainerState } from "../../src/engine/types.js";
import { currentRunSince, runProbe } from "../../src/health/probes.js";

/** A container's log as dockerd keeps it: each line with the time it was copied (seconds). */
function engineWithLog(lines: { at: number; text: string }[]): Runtime {
  return {
    logs: (_id: string, o: { since?: number } = {}) =>
      Promise.resolve(
        lines
          .filter((l) => l.at >= (o.since ?? 0))
          .map((l) => `${l.text}\n`)
          .join(""),
      ),
  } as unknown as Runtime;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

function container(state: Partial<ContainerState>): ContainerDetails {
  return {
    id: "c0ffee",
    name: "shop-db-1",
    state: { status: "running", running: true, exitCode: 0, oomKilled: false, health: "none", healthLog: [], restartCount: 0, ...state },
  } as ContainerDetails;
}

const ready = { kind: "log" as const, pattern: "^ready$", count: 1 };

describe("log probe: the current run's lines", () => {
  it("a line printed before dockerd recorded the start (a loaded engine) counts", async () => {
    // The process printed at 99.9; dockerd wrote StartedAt at 100.2, in the next second.
    const engine = engineWithLog([{ at: 99.9, text: "ready" }]);
    const r = await runProbe(ready, { engine, container: container({ startedAt: iso(100.2), finishedAt: "0001-01-01T00:00:00Z" }) });
    expect(r.ok).toBe(true);
  });

  it("a restarted container: the previous run's ready line does not count, the new run's does", async () => {
    const before = [
      { at: 50, text: "ready" },
      { at: 59.5, text: "crashed" },
    ];
    // The previous run ended at 60 (FinishedAt stays while the new run, started at 61, runs).
    const state = { startedAt: iso(61), finishedAt: iso(60) };
    expect((await runProbe(ready, { engine: engineWithLog(before), container: container(state) })).ok).toBe(false);
    const after = [...before, { at: 61.4, text: "ready" }];
    expect((await runProbe(ready, { engine: engineWithLog(after), container: container(state) })).ok).toBe(true);
  });

  it("since: just after the previous run's end, or the whole log for a first run", () => {
    expect(currentRunSince({ finishedAt: "0001-01-01T00:00:00Z" })).toBe(0);
    expect(currentRunSince({})).toBe(0);
    expect(currentRunSince({ finishedAt: "2026-12-03T08:46:27.279939153Z" })).toBeCloseTo(Date.parse("2026-12-03T08:46:27.280Z") / 1000, 3);
  });
});
