/** The verdict of `berth doctor`'s stale-network check (moby/moby#43286), from facts alone. */
import { describe, expect, it } from "vitest";
import { isStaleNetwork, OWNER_ALIVE_GRACE_MS, staleNetworkVerdict, YOUNG_MS, type NetworkFacts } from "../../src/diagnostics/doctor/stale-networks.js";

const left: NetworkFacts = { name: "p1_default", project: "p1", attached: 0, projectContainers: 0, ageMs: 5 * 60_000, owner: "dead" };

describe("stale network verdict", () => {
  it("an empty network whose project has no container left, past its youth, with its owner gone, is stale", () => {
    expect(isStaleNetwork(left)).toBe(true);
    expect(isStaleNetwork({ ...left, owner: "none" })).toBe(true);
    expect(isStaleNetwork({ ...left, owner: "unknown" })).toBe(true);
  });

  it("a network with a container attached, or whose project still has containers, is in use", () => {
    expect(isStaleNetwork({ ...left, attached: 1 })).toBe(false);
    expect(isStaleNetwork({ ...left, projectContainers: 2 })).toBe(false);
  });

  it("a young network, or one without a creation time, may be one an acquisition is creating", () => {
    expect(isStaleNetwork({ ...left, ageMs: YOUNG_MS - 1 })).toBe(false);
    expect(isStaleNetwork({ ...left, ageMs: undefined })).toBe(false);
  });

  it("while its owner lives it gets longer (building images, waiting its turn), then it is stale too", () => {
    expect(isStaleNetwork({ ...left, owner: "alive" })).toBe(false);
    expect(isStaleNetwork({ ...left, owner: "alive", ageMs: OWNER_ALIVE_GRACE_MS + 1 })).toBe(true);
  });

  it("names each stale network and its project, and says the cure: down, else restart dockerd, then down or clean", () => {
    const c = staleNetworkVerdict([left, { ...left, name: "p2_backend", project: "p2" }], 7);
    expect(c.status).toBe("WARN");
    expect(c.detail).toContain("p1_default (project p1), p2_backend (project p2)");
    expect(c.detail).toContain("moby/moby#43286");
    expect(c.fix).toMatch(/`berth down PROJECT` for each of p1, p2.*restart dockerd.*berth clean/);
    expect(staleNetworkVerdict([left], 1).fix).toMatch(/^Try `berth down p1`; .*restart dockerd/);
  });

  it("passes when nothing is left behind", () => {
    expect(staleNetworkVerdict([], 3)).toEqual({ name: "stale networks", status: "PASS", detail: "3 berth networks, none empty and left behind" });
  });
});
