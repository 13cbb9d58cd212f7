/**
 * Pools as status, the status server and /metrics show them: read from the members' labels and
 * the keeper's marker; the keeper's marker replaced, never missing; standby helpers matched to
 * exactly the copy a restore needs.
 */
import { mkdtempSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ContainerSummary, VolumeSummary } from "../../src/engine/types.js";
import { LABEL } from "../../src/labels.js";
import { claimMember, releaseClaim, releasedClaim } from "../../src/pool/claim.js";
import { figuresOf, KeeperMarker, type KeeperFigures } from "../../src/pool/keeper-marker.js";
import { POOL_LABEL } from "../../src/pool/labels.js";
import { poolsFrom, type PoolView } from "../../src/pool/status.js";
import { poolsTable } from "../../src/cli/render.js";
import { ServerMetrics } from "../../src/server/metrics.js";
import { StatsCache } from "../../src/server/stats-cache.js";
import { SNAPSHOT_LABEL } from "../../src/snapshot/labels.js";
import { standbyMatches } from "../../src/snapshot/standby.js";
import { MemoryRuntime } from "./support/memory-runtime.js";

const me = `${hostname()}:${process.pid}:${Math.round(performance.timeOrigin)}`;
const gone = `${hostname()}:999999999:1`;
const figures: KeeperFigures = { size: 3, limit: null, starting: 0, resetting: 1, resets: 4, discarded: 1, claims: 6, claimLatencyMs: 35 };

describe("poolsFrom", () => {
  const c = (project: string, extra: Record<string, string> = {}) => ({ labels: { [LABEL.project]: project, [POOL_LABEL.name]: "shop", ...extra } });
  const v = (name: string, project: string, labels: Record<string, string>): VolumeSummary => ({
    name,
    labels: { [LABEL.project]: project, [POOL_LABEL.name]: "shop", ...labels },
  });
  const snap = (project: string) => v(`${project}_snapshot`, project, { [SNAPSHOT_LABEL.name]: "pool", [SNAPSHOT_LABEL.project]: project });
  const keeper = (seq: number, f: KeeperFigures) =>
    v(`shop_pool-keeper_${seq}`, "shop", {
      [POOL_LABEL.keeper]: "true",
      [POOL_LABEL.figures]: JSON.stringify({ ...f, seq }),
      [LABEL.ownerPid]: "77",
      [LABEL.ownerHost]: "h",
    });
  const containers = [
    c("shop-a"),
    c("shop-a"),
    c("shop-b"),
    c("shop-c"),
    c("shop-d"),
    c("shop-e"),
    // A helper is no member: here one whose member's own containers are already gone.
    c("shop-f", { [SNAPSHOT_LABEL.helper]: "true", [SNAPSHOT_LABEL.standby]: "pool" }),
  ];
  const volumes = [
    v("shop-a_pool-ready", "shop-a", { [POOL_LABEL.ready]: "true" }),
    snap("shop-a"),
    v("shop-b_claim", "shop-b", { [POOL_LABEL.claim]: "true", [POOL_LABEL.claimer]: me }),
    snap("shop-b"),
    snap("shop-c"), // handed back: neither warm nor claimed, snapshot taken → resetting
    v("shop-d_claim", "shop-d", { [POOL_LABEL.claim]: "true", [POOL_LABEL.claimer]: gone }), // its claimer died: being taken back
    snap("shop-d"),
    // shop-e: no snapshot yet → starting
  ];

  it("counts members by state from their labels, helpers aside, and takes the newest keeper marker's figures", () => {
    const [p] = poolsFrom(containers, [...volumes, keeper(1, { ...figures, resets: 1 }), keeper(2, figures)]);
    expect(p).toEqual({
      name: "shop",
      members: 5,
      warm: 1,
      claimed: 1,
      starting: 1,
      resetting: 2,
      size: 3,
      limit: null,
      resets: 4,
      discarded: 1,
      claims: 6,
      claimLatencyMs: 35,
      keeper: { host: "h", pid: 77 },
    });
  });

  it("without a keeper marker, has only what the labels show", () => {
    const [p] = poolsFrom(containers, volumes);
    expect(p).toEqual({ name: "shop", members: 5, warm: 1, claimed: 1, starting: 1, resetting: 2 });
  });
});

describe("the keeper's marker", () => {
  it("publishes changed figures as a new marker before the old one goes, and nothing when unchanged", async () => {
    const rt = new MemoryRuntime();
    const marker = new KeeperMarker(rt, "shop", {});
    await marker.publish(figures);
    await marker.publish(figures);
    expect(rt.count("createVolume")).toBe(1);
    await marker.publish({ ...figures, resets: 5 });
    const ops = rt.calls.filter((x) => x.op === "createVolume" || x.op === "removeVolume").map((x) => x.op);
    expect(ops).toEqual(["createVolume", "createVolume", "removeVolume"]);
    const [only] = [...rt.volumes.values()];
    expect(rt.volumes.size).toBe(1);
    expect(figuresOf(only!.labels)).toMatchObject({ resets: 5, seq: 2 });
    expect(only!.labels[LABEL.ownerPid]).toBe(String(process.pid));
    await marker.remove();
    expect(rt.volumes.size).toBe(0);
  });
});

describe("claims", () => {
  it("record the claimer's wait, and leave a released marker with it when handed back", async () => {
    const rt = new MemoryRuntime();
    await rt.createVolume("shop-a_pool-ready", { [LABEL.project]: "shop-a", [POOL_LABEL.name]: "shop", [POOL_LABEL.ready]: "true" });
    const claim = (await claimMember(rt, "shop", { askedAt: Date.now() - 50, env: { BERTH_LOCK_DIR: mkdtempSync(join(tmpdir(), "berth-pool-status-")) } }))!;
    expect(Number(claim.labels[POOL_LABEL.waited])).toBeGreaterThanOrEqual(50);
    await releaseClaim(rt, claim);
    const left = [...rt.volumes.values()];
    expect(left.map((v) => v.name)).toEqual([`${claim.volume}_released`]);
    expect(left[0]!.labels[POOL_LABEL.claim]).toBeUndefined(); // not a claim any more: the member is handed back
    expect(releasedClaim(left[0]!)).toEqual({ claim: claim.volume, claimer: me, waitedMs: Number(claim.labels[POOL_LABEL.waited]) });
  });
});

describe("standbyMatches", () => {
  const pairs = [
    { from: "snap_1", to: "a".repeat(64) },
    { from: "snap_2", to: "p_data" },
  ];
  const helper = (mounts: ContainerSummary["mounts"], state = "running", name = "p_snapshot-standby_1_abc") => ({ state, mounts, name });
  const exact = [
    { type: "volume", name: "snap_1", destination: "/from/0" },
    { type: "volume", name: "a".repeat(64), destination: "/to/0" },
    { type: "volume", name: "snap_2", destination: "/from/1" },
    { type: "volume", name: "p_data", destination: "/to/1" },
  ];

  it("takes a running standby mounting exactly the copy's pairs, in any order (the engine lists volumes unordered)", () => {
    expect(standbyMatches(helper(exact), pairs)).toBe(true);
    expect(standbyMatches(helper(exact), [...pairs].reverse())).toBe(true);
  });

  it("refuses one that is not running, mounts other volumes (a recreated volume, another snapshot) or fewer", () => {
    expect(standbyMatches(helper(exact, "exited"), pairs)).toBe(false);
    expect(standbyMatches(helper(exact.map((m) => (m.name === "p_data" ? { ...m, name: "p_data2" } : m))), pairs)).toBe(false);
    expect(standbyMatches(helper(exact.slice(0, 2)), pairs)).toBe(false);
    expect(standbyMatches(helper(exact), [])).toBe(false);
  });

  it("refuses one still filling its spares (named so until they are full), whatever it mounts", () => {
    expect(standbyMatches(helper(exact, "running", "p_snapshot-filling_1_abc"), pairs)).toBe(false);
  });
});

describe("pools in /metrics and in `berth status`", () => {
  const view: PoolView = { ...figures, name: "shop", members: 4, warm: 1, claimed: 2, starting: 0, resetting: 1, keeper: { host: "h", pid: 77 } };

  it("are gauges per pool: members by state from labels, the keeper's figures where published", async () => {
    const metrics = new ServerMetrics({
      environments: () => [],
      containers: () => [],
      engineUp: () => true,
      stats: new StatsCache(() => Promise.reject(new Error("no stats here"))),
      pools: () => [view, { name: "bare", members: 1, warm: 1, claimed: 0, starting: 0, resetting: 0 }],
    });
    const text = await metrics.registry.metrics();
    expect(text).toContain('berth_pool_environments{pool="shop",state="warm"} 1');
    expect(text).toContain('berth_pool_environments{pool="shop",state="claimed"} 2');
    expect(text).toContain('berth_pool_environments{pool="shop",state="resetting"} 1');
    expect(text).toContain('berth_pool_environments{pool="bare",state="warm"} 1');
    expect(text).toContain('berth_pool_size{pool="shop"} 3');
    expect(text).toContain('berth_pool_resets{pool="shop"} 4');
    expect(text).toContain('berth_pool_claim_latency_seconds{pool="shop"} 0.035');
    expect(text).not.toContain('berth_pool_size{pool="bare"}');
  });

  it("are a table after the environments, with '-' where the keeper published nothing", () => {
    const lines = poolsTable([view, { name: "bare", members: 1, warm: 1, claimed: 0, starting: 0, resetting: 0 }]).split("\n");
    expect(lines[0]).toMatch(/^POOL\s+SIZE\s+MEMBERS\s+WARM\s+CLAIMED\s+STARTING\s+RESETTING\s+RESETS\s+DISCARDED\s+CLAIMS\s+CLAIM \(MEDIAN\)\s+KEEPER$/);
    expect(lines[1]!.split(/\s{2,}/)).toEqual(["shop", "3", "4", "1", "2", "0", "1", "4", "1", "6", "35 ms", "77"]);
    expect(lines[2]!.split(/\s{2,}/)).toEqual(["bare", "-", "1", "1", "0", "0", "0", "-", "-", "-", "-", "-"]);
  });
});
