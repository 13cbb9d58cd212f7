import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { Engine } from "../../src/engine/engine.js";
import { startWithPortRetry } from "../../src/lifecycle/start.js";

/** A dockerode stand-in whose container starts stay pending until released, recording which are in flight. */
function pendingStarts() {
  const inFlight = new Set<string>();
  const release = new Map<string, () => void>();
  const docker = {
    getContainer: (id: string) => ({
      start: () =>
        new Promise<void>((resolve) => {
          inFlight.add(id);
          release.set(id, () => {
            inFlight.delete(id);
            resolve();
          });
        }),
    }),
  } as unknown as Docker;
  const engine = new Engine(docker, { version: "20.10", apiVersion: "1.41", negotiatedApiVersion: "1.41", os: "linux" }, "fake");
  return { engine, inFlight, release };
}

describe("Engine.startContainer", () => {
  it("starts two containers that publish ports at the same time (no per-process serialization)", async () => {
    const { engine, inFlight, release } = pendingStarts();
    const ports = [{ target: 80, protocol: "tcp" as const }];
    const a = startWithPortRetry(engine, "a", "a-1", ports);
    const b = startWithPortRetry(engine, "b", "b-1", ports);
    await new Promise((r) => setTimeout(r, 10));
    expect([...inFlight].sort()).toEqual(["a", "b"]);
    for (const done of release.values()) done();
    await Promise.all([a, b]);
    expect(inFlight.size).toBe(0);
  });
});
