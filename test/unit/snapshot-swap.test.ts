/**
 * Resets that swap (spares.ts, swap.ts) against the in-memory runtime: which volumes swap and
 * which are copied in place, the data container recreated with the same host ports (fresh ones,
 * and a warning, when the engine says they are taken), what is removed afterwards.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { BerthEvent } from "../../src/events.js";
import { LABEL } from "../../src/labels.js";
import { SNAPSHOT_LABEL, SPARE_LABEL, snapshotVolumeName } from "../../src/snapshot/labels.js";
import { prepareStandby, restoreInto as restoreSnapshot } from "../../src/snapshot/restore.js";
import { removeStandby, standbyFilter } from "../../src/snapshot/standby.js";
import { MemoryRuntime } from "./support/memory-runtime.js";

const base = { [LABEL.managed]: "true", [LABEL.project]: "p" };
const helperImage = "helper";

/** An environment `p`: db mounts the named volume p_data at /data and an anonymous one at /scratch, and publishes 8080 on a port the engine picks; app holds nothing. */
async function environment(): Promise<{ rt: MemoryRuntime; db: string; anonymous: string; port: number }> {
  const rt = new MemoryRuntime();
  rt.seedNetwork({ name: "p_default", labels: base });
  await rt.createVolume("p_data", { ...base, [LABEL.volume]: "data" });
  const db = await rt.createContainer({
    name: "p-db-1",
    image: "db",
    labels: { ...base, [LABEL.service]: "db", [LABEL.number]: "1" },
    env: ["A=1"],
    exposedPorts: ["8080/tcp"],
    portBindings: { "8080/tcp": [{ hostIp: "127.0.0.1", hostPort: "" }] },
    mounts: [
      { type: "volume", source: "p_data", target: "/data" },
      { type: "volume", target: "/scratch" },
    ],
    network: { name: "p_default", aliases: ["db"] },
    runtime: {},
  });
  const app = await rt.createContainer({
    name: "p-app-1",
    image: "app",
    labels: { ...base, [LABEL.service]: "app", [LABEL.number]: "1", [LABEL.dependsOn]: "db" },
    env: [],
    exposedPorts: [],
    portBindings: {},
    mounts: [],
    network: { name: "p_default", aliases: ["app"] },
    runtime: {},
  });
  await rt.startContainer(db);
  await rt.startContainer(app);
  // As the engine names an anonymous volume (the memory runtime's own names are shorter).
  const anonymous = "c".repeat(64);
  rt.containers.get(db)!.mounts.find((m) => m.destination === "/scratch")!.name = anonymous;
  rt.volumes.set(anonymous, { name: anonymous, labels: {} });
  for (const source of ["volume:data", "anonymous:db.1:/scratch"]) {
    await rt.createVolume(snapshotVolumeName("p", "s", source), {
      [SNAPSHOT_LABEL.name]: "s",
      [SNAPSHOT_LABEL.project]: "p",
      [SNAPSHOT_LABEL.source]: source,
    });
  }
  return { rt, db, anonymous, port: rt.containers.get(db)!.hostPorts!["8080/tcp"]![0]! };
}

const dbOf = (rt: MemoryRuntime) => [...rt.containers.values()].find((c) => c.name === "p-db-1")!;
const snapScratch = snapshotVolumeName("p", "s", "anonymous:db.1:/scratch");
const snapData = snapshotVolumeName("p", "s", "volume:data");

describe("a reset that swaps", () => {
  let env: Awaited<ReturnType<typeof environment>>;
  beforeEach(async () => {
    env = await environment();
  });

  it("prepares a spare (filled by the standby itself, named a standby only once full) for the anonymous volume only; the named one stays the standby's copy target", async () => {
    const { rt } = env;
    await prepareStandby(rt, "p", "s", { helperImage, env: {} });
    const spares = [...rt.volumes.values()].filter((v) => v.labels[SPARE_LABEL] === "s");
    expect(spares).toHaveLength(1);
    const spare = spares[0]!;
    expect(spare.name).toMatch(/^[0-9a-f]{64}$/);
    expect(spare.labels).toMatchObject({ [LABEL.managed]: "true", [LABEL.project]: "p" });
    const [standby] = await rt.listContainers(standbyFilter("p", "s"));
    const to = Object.fromEntries(standby!.mounts.map((m) => [m.destination, m.name]));
    const i = Object.entries(to)
      .find(([d, n]) => d.startsWith("/from/") && n === snapScratch)![0]
      .slice("/from/".length);
    const j = Object.entries(to)
      .find(([d, n]) => d.startsWith("/from/") && n === snapData)![0]
      .slice("/from/".length);
    expect(to[`/to/${i}`]).toBe(spare.name);
    expect(to[`/to/${j}`]).toBe("p_data");
    // The fill ran in the standby (no other helper was made), copying into the spare alone; then
    // the standby was renamed from filling to standby.
    expect(rt.execs).toHaveLength(1);
    expect(rt.execs[0]!.id).toBe(standby!.id);
    expect(rt.execs[0]!.cmd.join(" ")).toContain(`/to/${i}/`);
    expect(rt.execs[0]!.cmd.join(" ")).not.toContain(`/to/${j}/`);
    const helpers = rt.calls.filter((c) => c.op === "createContainer" && (c.arg as { name: string }).name.includes("_snapshot-"));
    expect(helpers).toHaveLength(1);
    expect(standby!.name).toMatch(/^p_snapshot-standby_/);
    const renamed = rt.calls.find((c) => c.op === "renameContainer")?.arg as { name: string } | undefined;
    expect(renamed?.name).toBe(standby!.name);
    expect((helpers[0]!.arg as { name: string }).name).toMatch(/^p_snapshot-filling_/);
    // Ready as it is: asked again, nothing changes.
    await prepareStandby(rt, "p", "s", { helperImage, env: {} });
    expect((await rt.listContainers(standbyFilter("p", "s"))).map((c) => c.id)).toEqual([standby!.id]);
  });

  it("recreates db with the spare at /scratch, p_data kept and copied in place, the same host port; app is only restarted; the old volume goes", async () => {
    const { rt, db, anonymous, port } = env;
    await prepareStandby(rt, "p", "s", { helperImage, env: {} });
    const spare = [...rt.volumes.values()].find((v) => v.labels[SPARE_LABEL] === "s")!.name;
    const [standby] = await rt.listContainers(standbyFilter("p", "s"));
    const app = [...rt.containers.values()].find((c) => c.name === "p-app-1")!.id;
    rt.execs.length = 0;
    await restoreSnapshot(rt, "p", "s", { helperImage, env: {} });
    const now = dbOf(rt);
    expect(now.id).not.toBe(db);
    expect(now.status).toBe("running");
    expect(Object.fromEntries(now.mounts.map((m) => [m.destination, m.name]))).toEqual({ "/data": "p_data", "/scratch": spare });
    expect(now.hostPorts).toEqual({ "8080/tcp": [port] });
    expect(now.labels).toEqual(rt.containers.get(now.id)!.request!.labels);
    expect(now.request!.env).toEqual(["A=1"]);
    expect(now.networks).toEqual(["p_default"]);
    // The named volume is copied in place, in the standby, and only it.
    expect(rt.execs.map((x) => x.id)).toEqual([standby!.id]);
    const j = standby!.mounts.find((m) => m.name === snapData)!.destination!.slice("/from/".length);
    expect(rt.execs[0]!.cmd.join(" ")).toContain(`cp -a /from/${j}/. /to/${j}/`);
    expect(rt.execs[0]!.cmd.join(" ")).not.toContain(`/to/${j === "0" ? "1" : "0"}/`);
    expect(rt.containers.has(app)).toBe(true);
    expect(rt.volumes.has(anonymous)).toBe(false);
    expect(rt.volumes.has(spare)).toBe(true);
  });

  it("the next standby gets a new spare; removing the stale one keeps the spare that is live now", async () => {
    const { rt } = env;
    await prepareStandby(rt, "p", "s", { helperImage, env: {} });
    await restoreSnapshot(rt, "p", "s", { helperImage, env: {} });
    const live = dbOf(rt).mounts.find((m) => m.destination === "/scratch")!.name!;
    await prepareStandby(rt, "p", "s", { helperImage, env: {} });
    expect(rt.volumes.has(live)).toBe(true);
    const spares = [...rt.volumes.values()].filter((v) => v.labels[SPARE_LABEL] === "s").map((v) => v.name);
    expect(spares).toHaveLength(2);
    // The standby's removal takes its spare, never the live one.
    await removeStandby(rt, { project: "p" });
    expect([...rt.volumes.values()].filter((v) => v.labels[SPARE_LABEL] === "s").map((v) => v.name)).toEqual([live]);
  });

  it("when the engine says the pinned port is taken, db is made again with a port the engine picks, and a warning says so", async () => {
    const { rt, port } = env;
    await prepareStandby(rt, "p", "s", { helperImage, env: {} });
    const starts = rt.count("startContainer");
    rt.fail("startContainer", "port-taken", { nth: starts + 1 });
    const events: BerthEvent[] = [];
    await restoreSnapshot(rt, "p", "s", { helperImage, env: {}, onEvent: (e) => events.push(e) });
    const now = dbOf(rt);
    expect(now.status).toBe("running");
    expect(now.hostPorts!["8080/tcp"]![0]).not.toBe(port);
    expect(events.filter((e) => e.type === "warning").map((e) => (e as { message: string }).message)).toEqual([
      expect.stringContaining(`8080/tcp ${port} → ${now.hostPorts!["8080/tcp"]![0]}`),
    ]);
  });

  it("BERTH_RESET_MODE=copy: no spare, db keeps its container and its volume, both pairs copied in place", async () => {
    const { rt, db, anonymous } = env;
    await prepareStandby(rt, "p", "s", { helperImage, env: { BERTH_RESET_MODE: "copy" } });
    expect([...rt.volumes.values()].filter((v) => v.labels[SPARE_LABEL])).toEqual([]);
    rt.execs.length = 0;
    await restoreSnapshot(rt, "p", "s", { helperImage, env: { BERTH_RESET_MODE: "copy" } });
    expect(dbOf(rt).id).toBe(db);
    expect(dbOf(rt).mounts.find((m) => m.destination === "/scratch")!.name).toBe(anonymous);
    expect(rt.execs).toHaveLength(1);
    expect(rt.execs[0]!.cmd.join(" ")).toMatch(/\/to\/0\/.*\/to\/1\//);
  });

  it("a swap standby meeting a copy-mode reset copies into the live volumes with a one-shot helper, not into its spare", async () => {
    const { rt, db } = env;
    await prepareStandby(rt, "p", "s", { helperImage, env: {} });
    const [standby] = await rt.listContainers(standbyFilter("p", "s"));
    rt.execs.length = 0;
    await restoreSnapshot(rt, "p", "s", { helperImage, env: { BERTH_RESET_MODE: "copy" } });
    expect(dbOf(rt).id).toBe(db);
    expect(rt.execs.map((x) => x.id)).not.toContain(standby!.id);
    expect(rt.execs).toHaveLength(1);
  });
});
