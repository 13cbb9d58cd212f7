import { describe, expect, it } from "vitest";
import { isBerthError } from "../../src/errors.js";
import { LABEL } from "../../src/labels.js";
import { startAndRegate, whileStopped } from "../../src/snapshot/quiesce.js";
import { MemoryRuntime } from "./support/memory-runtime.js";

const labels = (service: string) => ({ [LABEL.managed]: "true", [LABEL.project]: "shop", [LABEL.service]: service });

describe("whileStopped with restartOnFailure", () => {
  it("says the services are still stopped when starting them again fails too", async () => {
    const rt = new MemoryRuntime();
    rt.seedContainer({ name: "shop-db-1", labels: labels("db") });
    const containers = await rt.listContainers({ [LABEL.project]: "shop" });
    rt.fail("startContainer", "engine-error");
    const error = await whileStopped(rt, "shop", containers, { restartOnFailure: true, timeoutMs: 1000 }, () =>
      Promise.reject(new Error("copying the data failed")),
    ).catch((e: unknown) => e);
    expect(isBerthError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^copying the data failed; starting db of shop again failed too \(/);
    expect(isBerthError(error) && error.hint).toContain("berth start -p shop");
    expect((await rt.listContainers({ [LABEL.project]: "shop" }))[0]!.state).not.toBe("running");
  });

  it("throws the first failure alone when the services start again", async () => {
    const rt = new MemoryRuntime();
    rt.seedContainer({ name: "shop-db-1", labels: labels("db") });
    const containers = await rt.listContainers({ [LABEL.project]: "shop" });
    const first = new Error("copying the data failed");
    const error = await whileStopped(rt, "shop", containers, { restartOnFailure: true, timeoutMs: 1000 }, () => Promise.reject(first)).catch((e: unknown) => e);
    expect(error).toBe(first);
    expect((await rt.listContainers({ [LABEL.project]: "shop" }))[0]!.state).toBe("running");
  });
});

describe("startAndRegate", () => {
  it("checks a dependant itself instead of taking the engine's healthy verdict from before the data came back", async () => {
    const rt = new MemoryRuntime();
    const db = rt.seedContainer({ name: "shop-db-1", labels: labels("db") });
    const app = rt.seedContainer({
      name: "shop-app-1",
      labels: { ...labels("app"), [LABEL.dependsOn]: "db" },
      health: "healthy",
      healthcheck: { test: ["CMD", "check-app"], intervalMs: 1000, timeoutMs: 1000, retries: 3 },
    });
    const stopped = (await rt.listContainers({ [LABEL.project]: "shop" })).filter((c) => c.id === db.id);
    await startAndRegate(rt, "shop", stopped, { timeoutMs: 1000 });
    expect(
      rt.execs
        .filter((e) => e.id === app.id)
        .map((e) => e.cmd.join(" "))
        .join("\n"),
    ).toContain("check-app");
  });
});
