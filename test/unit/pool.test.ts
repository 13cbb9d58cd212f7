/** Pool decisions: refill to `size` unclaimed within the guards' limit, reset of handed-back members, shrink when idle, reclaim from dead claimers, sizing. */
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { planPool, type MemberView } from "../../src/pool/plan.js";
import { poolLimit } from "../../src/pool/sizing.js";
import { markersByMember } from "../../src/pool/claim.js";
import { memberLabels } from "../../src/pool/member-labels.js";
import { claimVolumeName, memberProject, POOL_LABEL, poolMarkerKind, readyVolumeName } from "../../src/pool/labels.js";
import { LABEL } from "../../src/labels.js";

const member = (project: string, o: Partial<MemberView> = {}): MemberView => ({ project, phase: "up", ready: true, claims: [], ...o });
const alive = (volume: string) => ({ volume, claimerAlive: true });
const dead = (volume: string) => ({ volume, claimerAlive: false });

describe("planPool", () => {
  // Claims keep coming (the last one 1 s ago), or the pool has been idle past the shrink delay.
  const busy = { sinceClaimMs: 1_000, shrinkAfterMs: 30_000 };
  const idle = { sinceClaimMs: 31_000, shrinkAfterMs: 30_000 };
  const claimed = (project: string) => member(project, { ready: false, claims: [alive(`${project}-claim`)] });

  it("starts members until `size` are unclaimed, counting starting, resetting and handed-back ones but not claimed ones", () => {
    expect(planPool({ ...busy, size: 3, limit: 10, members: [] }).start).toBe(3);
    const members = [member("a"), claimed("b"), member("c", { phase: "starting", ready: false }), member("d", { phase: "resetting", ready: false })];
    expect(planPool({ ...busy, size: 3, limit: 10, members }).start).toBe(0);
    expect(planPool({ ...busy, size: 4, limit: 10, members }).start).toBe(1);
    expect(planPool({ ...busy, size: 3, limit: 10, members: [...members, member("e", { ready: false })] }).start).toBe(0);
  });

  it("all claimed: starts `size` more, counting a claim in progress (ready, with a live claim) as claimed", () => {
    const plan = planPool({ ...busy, size: 2, limit: 10, members: [claimed("a"), member("b", { ready: true, claims: [alive("c1")] })] });
    expect(plan).toEqual({ start: 2, reset: [], reclaim: [], trim: [] });
  });

  it("a claim held for less than refillAfterMs is expected back: no member starts for it until it has been held that long", () => {
    const held = (project: string, heldMs?: number) => member(project, { ready: false, claims: [{ volume: `${project}-claim`, claimerAlive: true, heldMs }] });
    const refill = { ...busy, size: 2, limit: 10, refillAfterMs: 1_500 };
    expect(planPool({ ...refill, members: [held("a", 200), held("b", 1_499)] }).start).toBe(0);
    expect(planPool({ ...refill, members: [held("a", 200), held("b", 1_500)] }).start).toBe(1);
    expect(planPool({ ...refill, members: [held("a", 1_600), held("b", 3_000)] }).start).toBe(2);
    // Not yet timed by the keeper: held long, as before.
    expect(planPool({ ...refill, members: [held("a"), held("b", 10)] }).start).toBe(1);
    // A claim in progress (ready marker still there) counts the same way.
    expect(planPool({ ...refill, members: [member("a", { claims: [{ volume: "c", claimerAlive: true, heldMs: 5 }] }), member("b")] }).start).toBe(0);
    // Without refillAfterMs every claim starts another at once.
    expect(planPool({ ...busy, size: 2, limit: 10, members: [held("a", 0), held("b", 0)] }).start).toBe(2);
    // A dead claimer's claim is reclaimed, never waited for.
    const deadOne = member("a", { ready: false, claims: [{ volume: "a-claim", claimerAlive: false, heldMs: 1 }] });
    expect(planPool({ ...refill, members: [deadOne, member("b")] })).toMatchObject({ start: 0, reclaim: ["a-claim"], reset: ["a"] });
  });

  it("surplus after resets: keeps every member while claims keep coming, and resets the ones handed back", () => {
    const members = [member("a"), member("b"), member("c", { phase: "resetting", ready: false }), member("d", { ready: false }), claimed("e")];
    expect(planPool({ ...busy, size: 2, limit: 10, members })).toEqual({ start: 0, reset: ["d"], reclaim: [], trim: [] });
  });

  it("idle: removes warm members beyond `size` (the last by name), never below `size` unclaimed, never claimed, resetting or starting ones", () => {
    const members = [
      member("a"),
      member("c"),
      member("b"),
      member("d", { phase: "resetting", ready: false }),
      member("e", { phase: "starting", ready: false }),
      claimed("f"),
    ];
    expect(planPool({ ...idle, size: 1, limit: 10, members }).trim).toEqual(["c", "b"]);
    expect(planPool({ ...idle, size: 2, limit: 10, members }).trim).toEqual(["c"]);
    expect(planPool({ ...idle, size: 3, limit: 10, members }).trim).toEqual([]);
    expect(planPool({ ...busy, size: 1, limit: 10, members }).trim).toEqual([]);
    expect(planPool({ ...idle, size: 0, limit: 10, members: [member("a"), member("b", { phase: "resetting", ready: false })] }).trim).toEqual(["a"]);
  });

  it("limit reached: starts no more than the guards allow, claimed members included", () => {
    expect(planPool({ ...busy, size: 5, limit: 2, members: [] }).start).toBe(2);
    expect(planPool({ ...busy, size: 2, limit: 3, members: [claimed("a"), claimed("b")] }).start).toBe(1);
    expect(planPool({ ...busy, size: 2, limit: 2, members: [claimed("a"), claimed("b")] }).start).toBe(0);
    expect(planPool({ ...busy, size: 5, limit: 1, members: [member("a"), member("b")] }).start).toBe(0);
  });

  it("limit fallen below the pool: removes surplus warm members even while busy, but never goes under `size` unclaimed", () => {
    const members = [member("a"), member("b"), member("c"), claimed("d")];
    expect(planPool({ ...busy, size: 1, limit: 3, members }).trim).toEqual(["c"]);
    expect(planPool({ ...busy, size: 2, limit: 1, members }).trim).toEqual(["c"]);
    expect(planPool({ ...busy, size: 3, limit: 1, members }).trim).toEqual([]);
  });

  it("resets a member handed back (neither ready nor claimed), not one still being claimed or started", () => {
    const plan = planPool({
      ...busy,
      size: 4,
      limit: 10,
      members: [
        member("back", { ready: false }),
        member("claiming", { ready: true, claims: [alive("c1")] }),
        member("held", { ready: false, claims: [alive("c2")] }),
        member("new", { phase: "starting", ready: false }),
        member("resetting", { phase: "resetting", ready: false }),
      ],
    });
    expect(plan.reset).toEqual(["back"]);
  });

  it("takes back the claims of dead processes and resets their member", () => {
    const plan = planPool({
      ...busy,
      size: 2,
      limit: 10,
      members: [member("a", { ready: false, claims: [dead("c1")] }), member("b", { ready: false, claims: [dead("c2"), alive("c3")] })],
    });
    expect(plan.reclaim).toEqual(["c1", "c2"]);
    expect(plan.reset).toEqual(["a"]);
  });

  it("closing: starts, resets and removes nothing (close removes every member), still reclaims", () => {
    const members = [member("a", { ready: false }), member("b"), member("c"), member("d"), claimed("e"), member("f", { ready: false, claims: [dead("c9")] })];
    expect(planPool({ ...idle, size: 1, limit: 10, members, closing: true })).toEqual({ start: 0, reset: [], reclaim: ["c9"], trim: [] });
    expect(planPool({ ...idle, size: 9, limit: 10, members: [], closing: true }).start).toBe(0);
  });
});

describe("poolLimit", () => {
  const base = { containersPerMember: 4, maxContainers: 0, otherContainers: 0, memoryPerMember: 0, minFreeMemory: 0, members: 0 };

  it("is unlimited without a cap or declared memory", () => {
    expect(poolLimit(base)).toBe(Number.POSITIVE_INFINITY);
  });

  it("divides the container cap left by other environments among members", () => {
    expect(poolLimit({ ...base, maxContainers: 48, otherContainers: 10 })).toBe(9);
    expect(poolLimit({ ...base, maxContainers: 8, otherContainers: 10 })).toBe(0);
  });

  it("adds to the members up only what the memory above the floor can hold", () => {
    const GiB = 1024 ** 3;
    expect(poolLimit({ ...base, memoryPerMember: GiB, availableMemory: 6.5 * GiB, minFreeMemory: 4 * GiB, members: 3 })).toBe(5);
    expect(poolLimit({ ...base, memoryPerMember: GiB, availableMemory: undefined, minFreeMemory: 4 * GiB, members: 3 })).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("pool markers", () => {
  it("tells ready and claimed members apart, with whether each claimer lives", () => {
    const v = (name: string, project: string, labels: Record<string, string>) => ({ name, labels: { [LABEL.project]: project, ...labels } });
    const me = `${hostname()}:${process.pid}:${Math.round(performance.timeOrigin)}`;
    const m = markersByMember([
      v("a_ready", "a", { [POOL_LABEL.ready]: "true" }),
      v("b_c1", "b", { [POOL_LABEL.claim]: "true", [POOL_LABEL.claimer]: me }),
      v("b_c2", "b", { [POOL_LABEL.claim]: "true", [POOL_LABEL.claimer]: `${hostname()}:999999999:1`, [POOL_LABEL.waited]: "42" }),
      v("a_snap", "a", {}),
    ]);
    expect(m.get("a")).toEqual({ ready: true, claims: [] });
    expect(m.get("b")).toEqual({
      ready: false,
      claims: [
        { ...alive("b_c1"), claimer: me },
        { ...dead("b_c2"), claimer: `${hostname()}:999999999:1`, waitedMs: 42 },
      ],
    });
  });

  it("tells a pool's own markers by name (volume events carry no labels), never another pool's", () => {
    const member = memberProject("shop", "0a1b2c3d");
    expect(poolMarkerKind("shop", readyVolumeName(member))).toBe("ready");
    expect(poolMarkerKind("shop", claimVolumeName(member, 4242, "a1b2c3"))).toBe("claim");
    // Pools whose names extend this one's, and what else a member's volumes are called.
    for (const other of ["shop-x", "shop_x", "shopx", "shop-a1"]) {
      expect(poolMarkerKind("shop", readyVolumeName(memberProject(other, "0a1b2c3d")))).toBeUndefined();
      expect(poolMarkerKind(other, readyVolumeName(member))).toBeUndefined();
    }
    expect(poolMarkerKind("shop", `${member}_pool-released_1`)).toBeUndefined();
    expect(poolMarkerKind("shop", `${member}_postgres-data`)).toBeUndefined();
    expect(poolMarkerKind("shop", `${readyVolumeName(member)}x`)).toBeUndefined();
  });

  it("puts a member's project-level and user labels on its volumes, not per-container ones", () => {
    const labels = memberLabels({
      [LABEL.managed]: "true",
      [LABEL.project]: "p",
      [LABEL.ownerPid]: "1",
      [LABEL.service]: "db",
      [LABEL.number]: "1",
      "com.docker.compose.service": "db",
      [POOL_LABEL.name]: "pool",
      "ci.job": "7",
    });
    expect(labels).toEqual({ [LABEL.managed]: "true", [LABEL.project]: "p", [LABEL.ownerPid]: "1", [POOL_LABEL.name]: "pool", "ci.job": "7" });
  });
});
