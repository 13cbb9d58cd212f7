/**
 * Reported states are the engine's; berth's own readiness only counts for the container's current run.
 * Pure: no engine (the exec-free behaviour on the engine is test/integration/status-no-exec.test.ts).
 */
import { describe, expect, it } from "vitest";
import type { ContainerDetails } from "../../src/engine/types.js";
import { provenRuns, recordLabels } from "../../src/cleanup/settled-record.js";
import { LABEL } from "../../src/labels.js";
import { currentState, readySince } from "../../src/lifecycle/status.js";

function container(state: Partial<ContainerDetails["state"]>): ContainerDetails {
  return {
    id: "c1",
    name: "p-db-1",
    image: "img",
    labels: {},
    created: "2026-12-02T10:00:00Z",
    state: {
      status: "running",
      running: true,
      exitCode: 0,
      oomKilled: false,
      health: "starting",
      healthLog: [],
      restartCount: 0,
      startedAt: "2026-12-02T10:00:01.123456789Z",
      ...state,
    },
    ports: {},
    healthcheck: { test: ["CMD", "true"] },
    networks: {},
    mounts: [],
  };
}

describe("container state without probing", () => {
  it("a running container the engine still calls starting is STARTING, HEALTHY only when proven", () => {
    expect(currentState(container({}))).toBe("STARTING");
    expect(currentState(container({}), true)).toBe("HEALTHY");
    // Proof never overrides what the engine has decided.
    expect(currentState(container({ health: "unhealthy" }), true)).toBe("UNHEALTHY");
    expect(currentState(container({ running: false, status: "exited" }), true)).toBe("STOPPED");
  });

  it("readiness seen before the container's current start (a restart since) proves nothing", () => {
    const startedAt = "2026-12-02T10:00:01.123456789Z";
    expect(readySince("2026-12-02T10:00:01.500Z", startedAt)).toBe(true);
    expect(readySince("2026-12-02T10:00:00.900Z", startedAt)).toBe(false);
    expect(readySince(undefined, startedAt)).toBe(false);
    expect(readySince("2026-12-02T10:00:01.500Z", undefined)).toBe(false);
  });

  it("a settled record proves exactly the runs it names, from its newest version only", () => {
    const record = (createdAt: string, proven: string | undefined) => ({
      labels: { [LABEL.project]: "p", [LABEL.createdAt]: createdAt, ...(proven === undefined ? {} : { [LABEL.proven]: proven }) },
    });
    const runs = provenRuns([
      record("2026-12-02T10:00:00Z", JSON.stringify({ "p-db-1": "2026-12-02T09:00:00Z" })),
      record("2026-12-02T11:00:00Z", JSON.stringify({ "p-db-1": "2026-12-02T10:00:01.123456789Z", "p-api-1": 7 })),
    ]).get("p")!;
    expect([...runs.keys()]).toEqual(["p-db-1"]); // a value that is not a start time proves nothing
    expect(runs.get("p-db-1")!.startedAt).toBe("2026-12-02T10:00:01.123456789Z");
    // A record another berth wrote without proofs, or garbled, proves nothing.
    expect(provenRuns([record("2026-12-02T10:00:00Z", "{not json")]).get("p")).toBeUndefined();
    expect(provenRuns([record("2026-12-02T10:00:00Z", undefined)]).get("p")!.size).toBe(0);
  });

  it("a record of some services (`up api`) keeps what the previous one said of the others; a whole one starts afresh", () => {
    const previous = { [LABEL.scales]: "api=1,db=2", [LABEL.proven]: JSON.stringify({ "p-db-1": "T1", "p-api-1": "T0" }) };
    expect(recordLabels(previous, { api: 3 }, { "p-api-1": "T2" })).toEqual({
      [LABEL.scales]: "api=3,db=2",
      [LABEL.proven]: JSON.stringify({ "p-db-1": "T1", "p-api-1": "T2" }),
    });
    expect(recordLabels(undefined, { api: 1 }, {})).toEqual({ [LABEL.scales]: "api=1" });
    expect(recordLabels({ [LABEL.proven]: "{garbled" }, { api: 1 }, { "p-api-1": "T2" })[LABEL.proven]).toBe(JSON.stringify({ "p-api-1": "T2" }));
  });
});
