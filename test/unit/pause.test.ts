/**
 * Pausing services: a paused container is PAUSED (not the HEALTHY or UNHEALTHY of its last check),
 * in the engine's inspect and in a listing alike; pause touches only running containers and
 * unpause only paused ones, of the selected services; compose's `ps` says "paused"; troubleshoot
 * names a paused service with the command that thaws it. Through the in-memory runtime.
 */
import { describe, expect, it } from "vitest";
import { composePsEntry } from "../../src/cli/ps-output.js";
import { PATTERNS } from "../../src/diagnostics/troubleshoot/patterns.js";
import type { ContainerState } from "../../src/engine/types.js";
import { stateOf } from "../../src/health/state.js";
import { LABEL } from "../../src/labels.js";
import { Environment } from "../../src/lifecycle/environment.js";
import { pauseServices, unpauseServices } from "../../src/lifecycle/operations.js";
import { readEnvironment } from "../../src/lifecycle/status.js";
import { listedState } from "../../src/pool/listed-environment.js";
import { liveLabels } from "./support/acquire-harness.js";
import { MemoryRuntime } from "./support/memory-runtime.js";

const state = (o: Partial<ContainerState>): ContainerState => ({
  status: "running",
  running: true,
  exitCode: 0,
  oomKilled: false,
  health: "healthy",
  healthLog: [],
  restartCount: 0,
  ...o,
});

function seeded() {
  const rt = new MemoryRuntime();
  for (const service of ["db", "web"]) {
    rt.seedContainer({ name: `t1-${service}-1`, labels: { ...liveLabels("t1"), [LABEL.service]: service, [LABEL.number]: "1" } });
  }
  return rt;
}

const states = async (rt: MemoryRuntime) =>
  Object.fromEntries(Object.entries((await readEnvironment(rt, "t1", "test")).services).map(([n, s]) => [n, s.containers.map((c) => c.state)]));

describe("paused services", () => {
  it("are PAUSED whatever their last health, also as a listing shows them", () => {
    expect(stateOf(state({ status: "paused", health: "healthy" }))).toBe("PAUSED");
    expect(stateOf(state({ status: "paused", health: "unhealthy" }))).toBe("PAUSED");
    expect(listedState({ state: "paused", status: "Up 2 minutes (Paused)", labels: {} }).state).toBe("PAUSED");
  });

  it("pause takes the running containers of the selected services, unpause the paused ones; both say which", async () => {
    const rt = seeded();
    expect(await pauseServices(rt, "t1", { services: ["db"] })).toEqual(["t1-db-1"]);
    expect(await states(rt)).toEqual({ db: ["PAUSED"], web: ["HEALTHY"] });
    expect(await pauseServices(rt, "t1")).toEqual(["t1-web-1"]); // db is paused already
    expect(await unpauseServices(rt, "t1", { services: ["web"] })).toEqual(["t1-web-1"]);
    expect(await unpauseServices(rt, "t1")).toEqual(["t1-db-1"]);
    expect(await unpauseServices(rt, "t1")).toEqual([]);
    expect(await states(rt)).toEqual({ db: ["HEALTHY"], web: ["HEALTHY"] });
    await expect(pauseServices(rt, "t1", { services: ["nope"] })).rejects.toThrow(/no service "nope"/);
  });

  it("an Environment handle pauses and unpauses, and its services show it", async () => {
    const rt = seeded();
    const env = new Environment(await readEnvironment(rt, "t1", "test"), rt);
    await env.pause({ services: ["db"] });
    expect(env.services.db?.containers[0]?.state).toBe("PAUSED");
    await env.unpause();
    expect(env.services.db?.containers[0]?.state).toBe("HEALTHY");
  });

  it("compose's ps says paused; troubleshoot names the service and the command that thaws it", () => {
    const entry = composePsEntry("t1", "db", { id: "c", name: "t1-db-1", number: 1, state: "PAUSED", ports: [] } as never);
    expect([entry.State, entry.Health]).toEqual(["paused", ""]);
    const paused = PATTERNS.find((p) => p.id === "paused")!;
    const finding = paused.match({ service: "db", state: "PAUSED" } as never, { services: ["db"], addresses: {} }, []);
    expect(finding).toMatchObject({ pattern: "paused", fix: "Unpause it: berth unpause db.", source: "engine" });
    expect(paused.match({ service: "db", state: "HEALTHY" } as never, { services: ["db"], addresses: {} }, [])).toBeNull();
  });
});
