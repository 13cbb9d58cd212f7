/**
 * The claim path of `berth run --pool`: a member with a claim in progress (claim volume beside its
 * ready marker) is never picked; the member's view comes from the container listing alone.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ContainerSummary } from "../../src/engine/types.js";
import { LABEL } from "../../src/labels.js";
import type { Engine } from "../../src/engine/engine.js";
import { claimMember, releaseClaim } from "../../src/pool/claim.js";
import { claimFromPool } from "../../src/pool/client.js";
import { POOL_LABEL } from "../../src/pool/labels.js";
import { listedEnvironment, listedState } from "../../src/pool/listed-environment.js";
import { SNAPSHOT_LABEL } from "../../src/snapshot/labels.js";
import { MemoryRuntime } from "./support/memory-runtime.js";

const lockEnv = () => ({ BERTH_LOCK_DIR: mkdtempSync(join(tmpdir(), "berth-pool-claim-")) });
const member = (project: string, extra: Record<string, string>) => ({ [LABEL.project]: project, [POOL_LABEL.name]: "shop", ...extra });

describe("claimMember", () => {
  it("skips a member whose ready marker has a claim beside it, and removes the picked member's marker by `settled`", async () => {
    const rt = new MemoryRuntime();
    await rt.createVolume("shop-a_pool-ready", member("shop-a", { [POOL_LABEL.ready]: "true" }));
    await rt.createVolume("shop-a_pool-claim_1_x", member("shop-a", { [POOL_LABEL.claim]: "true" }));
    await rt.createVolume("shop-b_pool-ready", member("shop-b", { [POOL_LABEL.ready]: "true" }));
    const listed: string[] = [];
    const claim = (await claimMember(rt, "shop", { env: lockEnv(), alongside: (p) => listed.push(p) }))!;
    expect(claim.project).toBe("shop-b");
    expect(listed).toEqual(["shop-b"]);
    await claim.settled;
    expect(rt.volumes.has("shop-b_pool-ready")).toBe(false);
    expect(rt.volumes.has(claim.volume)).toBe(true);
    // Only the member with a claim in progress is left: nothing to pick.
    expect(await claimMember(rt, "shop", { env: lockEnv() })).toBeNull();
    await releaseClaim(rt, claim);
    expect(rt.volumes.has(claim.volume)).toBe(false);
  });
});

describe("listedEnvironment", () => {
  const c = (name: string, service: string, o: Partial<ContainerSummary> = {}, labels: Record<string, string> = {}): ContainerSummary => ({
    id: `id-${name}`,
    name,
    image: "x",
    labels: { [LABEL.project]: "p", [LABEL.service]: service, [LABEL.number]: "1", [LABEL.envKind]: "test", ...labels },
    state: "running",
    status: "Up 3 minutes (healthy)",
    created: 0,
    ports: [],
    mounts: [],
    networks: [],
    ...o,
  });

  it("reads services, states and published ports (IPv6 twins dropped); leaves out snapshot helpers and other projects", () => {
    const data = listedEnvironment(
      "p",
      [
        c("p-db-1", "db", {
          ports: [
            { containerPort: 5432, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 49153 },
            { containerPort: 5432, protocol: "tcp", hostIp: "::", hostPort: 49153 },
            { containerPort: 9000, protocol: "tcp" },
          ],
        }),
        c("p-app-1", "app", { status: "Up 1 minute (unhealthy)" }),
        c("p-helper", "db", {}, { [SNAPSHOT_LABEL.helper]: "true" }),
        c("q-db-1", "db", {}, { [LABEL.project]: "q" }),
      ],
      [
        { id: "n1", name: "p_default", labels: { [LABEL.project]: "p" }, subnets: [], containers: [] },
        { id: "n2", name: "q_default", labels: { [LABEL.project]: "q" }, subnets: [], containers: [] },
      ],
    );
    expect(data.kind).toBe("test");
    expect(data.networks).toEqual(["p_default"]);
    expect(Object.keys(data.services)).toEqual(["app", "db"]);
    expect(data.services.db!.containers).toEqual([
      { id: "id-p-db-1", name: "p-db-1", number: 1, state: "HEALTHY", ports: [{ containerPort: 5432, protocol: "tcp", hostIp: "0.0.0.0", hostPort: 49153 }] },
    ]);
    expect(data.services.app!.containers[0]!.state).toBe("UNHEALTHY");
  });

  it("maps the listing's states as the inspected ones are mapped", () => {
    const labels = {};
    expect(listedState({ state: "running", status: "Up 2 seconds (health: starting)", labels })).toEqual({ state: "HEALTHY" });
    expect(listedState({ state: "running", status: "Up 2 seconds", labels })).toEqual({ state: "HEALTHY" });
    expect(listedState({ state: "restarting", status: "Restarting (1) 1 second ago", labels })).toEqual({ state: "STARTING" });
    expect(listedState({ state: "created", status: "Created", labels })).toEqual({ state: "STOPPED", notStarted: true });
    expect(listedState({ state: "exited", status: "Exited (3) 5 seconds ago", labels })).toEqual({ state: "STOPPED", exitCode: 3 });
    const job = { [LABEL.job]: "true" };
    expect(listedState({ state: "exited", status: "Exited (0) 5 seconds ago", labels: job })).toEqual({ state: "COMPLETED", exitCode: 0 });
    expect(listedState({ state: "exited", status: "Exited (2) 5 seconds ago", labels: job })).toEqual({ state: "FAILED", exitCode: 2 });
  });
});

describe("a claimer waiting for a warm member", () => {
  /** A member's container, as the keeper's environment has it (what the claimer's handle reads). */
  const seeded = (rt: MemoryRuntime) =>
    rt.seedContainer({
      name: "shop-a-db-1",
      labels: {
        [LABEL.managed]: "true",
        [LABEL.project]: "shop-a",
        [LABEL.service]: "db",
        [LABEL.number]: "1",
        [LABEL.envKind]: "test",
        [POOL_LABEL.name]: "shop",
      },
    });

  it("follows the engine's volume events: tries again the moment a ready marker of its pool appears, and between them polls only every 250 ms", async () => {
    const rt = new MemoryRuntime();
    seeded(rt);
    const env = lockEnv();
    const claiming = claimFromPool("shop", { engine: rt as unknown as Engine, env, timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 600));
    // The first miss, the retry once the subscription stood, then the 250 ms poll: not the 25 ms one (~24 attempts).
    const attempts = rt.calls.filter((c) => c.op === "listVolumes").length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(6);
    // Another pool's marker wakes nobody; this pool's does, at once.
    await rt.createVolume("shopx-a_pool-ready", { [LABEL.project]: "shopx-a", [POOL_LABEL.name]: "shopx", [POOL_LABEL.ready]: "true" });
    const t0 = Date.now();
    await rt.createVolume("shop-a_pool-ready", member("shop-a", { [POOL_LABEL.ready]: "true" }));
    const claimed = await claiming;
    expect(claimed.project).toBe("shop-a");
    expect(Date.now() - t0).toBeLessThan(200);
    await claimed.release();
  });

  it("polls every 25 ms where the engine gives no events", async () => {
    const rt = new MemoryRuntime();
    seeded(rt);
    rt.fail("subscribe", "engine-error", { times: 100 });
    const claiming = claimFromPool("shop", { engine: rt as unknown as Engine, env: lockEnv(), timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 500));
    expect(rt.calls.filter((c) => c.op === "listVolumes").length).toBeGreaterThan(8);
    await rt.createVolume("shop-a_pool-ready", member("shop-a", { [POOL_LABEL.ready]: "true" }));
    const claimed = await claiming;
    await claimed.release();
  });

  it("where the engine holds the event stream back: polls after 2 s instead of waiting on the subscription, and still claims", async () => {
    const rt = new MemoryRuntime();
    seeded(rt);
    rt.before("subscribe", () => new Promise<void>(() => undefined));
    const claiming = claimFromPool("shop", { engine: rt as unknown as Engine, env: lockEnv(), timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 2_300));
    await rt.createVolume("shop-a_pool-ready", member("shop-a", { [POOL_LABEL.ready]: "true" }));
    const t0 = Date.now();
    const claimed = await claiming;
    expect(Date.now() - t0).toBeLessThan(500);
    await claimed.release();
  });
});
