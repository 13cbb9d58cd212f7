/**
 * The snapshot helper (the short-lived container that copies volume data) carries its
 * environment's labels but is no service container: status and the status server do not show it
 * (as a service "?"), and reconcile (`up`) does not plan to remove it while it copies.
 */
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { COMPOSE_LABEL, LABEL } from "../../src/labels.js";
import { listEnvironments, readEnvironment } from "../../src/lifecycle/status.js";
import { observeProject } from "../../src/plan/observe.js";
import { LiveModel } from "../../src/server/live-model.js";
import { startHelper } from "../../src/snapshot/copy-volumes.js";
import { SNAPSHOT_LABEL } from "../../src/snapshot/labels.js";
import { MemoryRuntime } from "./support/memory-runtime.js";

const base = { [LABEL.managed]: "true", [LABEL.project]: "p", [COMPOSE_LABEL.project]: "p" };

function engineWithHelper(): MemoryRuntime {
  const rt = new MemoryRuntime();
  rt.seedContainer({ name: "p-db-1", labels: { ...base, [LABEL.service]: "db", [LABEL.number]: "1" } });
  rt.seedContainer({ name: "p_snapshot-helper_1_abc", labels: { ...base, [LABEL.oneoff]: "true", [SNAPSHOT_LABEL.helper]: "true" } });
  return rt;
}

describe("the snapshot helper", () => {
  it("is not observed by reconcile (so `up` never removes it as a container of no service)", async () => {
    const observed = await observeProject(engineWithHelper(), "p");
    expect(observed.containers.map((c) => c.name)).toEqual(["p-db-1"]);
  });

  it("is not listed by status as a service, nor in an environment read by name", async () => {
    const [env] = await listEnvironments(engineWithHelper(), { project: "p" });
    expect(Object.keys(env!.services)).toEqual(["db"]);
    const one = await readEnvironment(engineWithHelper(), "p", "test");
    expect(Object.keys(one.services)).toEqual(["db"]);
  });

  it("alone (its environment's containers gone) makes no environment in status", async () => {
    const rt = new MemoryRuntime();
    rt.seedContainer({ name: "q_snapshot-helper_1_abc", labels: { ...base, [LABEL.project]: "q", [SNAPSHOT_LABEL.helper]: "true" } });
    expect(await listEnvironments(rt as unknown as Engine)).toEqual([]);
  });

  it("is not in the status server's model", async () => {
    const model = new LiveModel(() => undefined);
    await model.resync(engineWithHelper() as unknown as Engine, new AbortController().signal);
    expect(model.containerList.map((c) => c.service)).toEqual(["db"]);
  });
});

describe("a copying helper's container", () => {
  it("runs no healthcheck, whatever its image declares (a standby lives as long as its pool member)", async () => {
    const rt = new MemoryRuntime();
    const id = await startHelper(rt, [{ from: "snap", to: "live" }], { project: "p", image: "berth-fixtures/busybox:1", env: {}, standby: "pool" });
    expect(rt.containers.get(id)?.request?.healthcheck).toEqual({ disable: true });
    expect(rt.containers.get(id)?.request?.networkDisabled).toBe(true);
  });
});
