/** Which berth resources are orphans, from labels alone: the rules `clean` and the reapers apply. */
import { describe, expect, it } from "vitest";
import { cleanReason, ownerFilter, ownershipOf, type CleanPolicy } from "../../src/cleanup/ownership.js";
import { processLiveness } from "../../src/cleanup/process-liveness.js";
import { LABEL, projectLabels, type Lifetime, type Owner } from "../../src/labels.js";

const NOW = Date.parse("2026-11-24T12:00:00Z");
const alive: Owner = { host: "ci-1", pid: 100, started: 1, user: "alice" };
const dead: Owner = { host: "ci-1", pid: 200, started: 2, user: "alice" };

function labels(o: { owner?: Owner; lifetime?: Lifetime; createdAt?: string; expiresAt?: string; project?: string } = {}) {
  return projectLabels({
    project: o.project ?? "berth-test-1",
    kind: "test",
    lifetime: o.lifetime ?? "process",
    owner: o.owner ?? alive,
    createdAt: new Date(o.createdAt ?? "2026-11-24T11:00:00Z"),
    expiresAt: o.expiresAt ? new Date(o.expiresAt) : undefined,
    configHash: "h",
    files: [],
    workingDir: "/w",
  });
}

const policy = (p: Partial<CleanPolicy> = {}): CleanPolicy => ({
  now: NOW,
  user: "alice",
  host: "ci-1",
  liveness: (o) => (o.host !== "ci-1" ? "unknown" : o.pid === dead.pid ? "dead" : "alive"),
  ...p,
});

describe("cleanReason", () => {
  it("never selects anything without berth's managed label, whatever its name or other labels", () => {
    expect(cleanReason({ [LABEL.project]: "berth-shop", [LABEL.ownerPid]: "200" }, policy({ all: true }))).toBeNull();
    expect(cleanReason({ "com.docker.compose.project": "berth-shop" }, policy({ all: true, olderThanMs: 0 }))).toBeNull();
    expect(ownershipOf({ [LABEL.managed]: "false", [LABEL.project]: "x" })).toBeNull();
  });

  it("a process-lifetime environment whose owner died is an orphan; a live owner's is not", () => {
    expect(cleanReason(labels({ owner: dead }), policy())).toBe("owner-dead");
    expect(cleanReason(labels({ owner: alive }), policy())).toBeNull();
  });

  it("a detached environment (berth up) outlives its owner: only TTL, --all or --older-than take it", () => {
    const l = labels({ owner: dead, lifetime: "detached" });
    expect(cleanReason(l, policy())).toBeNull();
    expect(cleanReason(l, policy({ all: true }))).toBe("all");
    expect(cleanReason(l, policy({ olderThanMs: 30 * 60_000 }))).toBe("older-than");
    expect(cleanReason(l, policy({ olderThanMs: 2 * 3_600_000 }))).toBeNull();
    expect(cleanReason(labels({ lifetime: "detached", expiresAt: "2026-11-24T11:59:00Z" }), policy())).toBe("expired");
  });

  it("an owner on another host cannot be checked: its environment expires by TTL only", () => {
    const remote: Owner = { host: "ci-2", pid: 200, started: 2, user: "alice" };
    expect(cleanReason(labels({ owner: remote }), policy())).toBeNull();
    expect(cleanReason(labels({ owner: remote, expiresAt: "2026-11-24T12:00:01Z" }), policy())).toBeNull();
    expect(cleanReason(labels({ owner: remote, expiresAt: "2026-11-24T11:00:00Z" }), policy())).toBe("expired");
  });

  it("--all and --older-than take only the user's own environments; orphans go whoever made them", () => {
    const bobs = labels({ owner: { ...alive, user: "bob" } });
    expect(cleanReason(bobs, policy({ all: true }))).toBeNull();
    expect(cleanReason(bobs, policy({ olderThanMs: 1 }))).toBeNull();
    expect(cleanReason(labels({ owner: { ...dead, user: "bob" } }), policy())).toBe("owner-dead");
  });

  it("ownerFilter selects exactly one owner's process-lifetime resources", () => {
    expect(ownerFilter(dead)).toEqual({
      [LABEL.managed]: "true",
      [LABEL.lifetime]: "process",
      [LABEL.ownerHost]: "ci-1",
      [LABEL.ownerPid]: "200",
      [LABEL.ownerStarted]: "2",
    });
  });
});

describe("processLiveness", () => {
  it("this process is alive; with a wrong start time (a recycled pid) it is not the owner", () => {
    expect(processLiveness(process.pid, Math.round(performance.timeOrigin))).toBe("alive");
    expect(processLiveness(process.pid, Math.round(performance.timeOrigin) - 3_600_000)).toBe("dead");
    // A Node process starved of CPU records its start seconds after the kernel started it: still itself.
    expect(processLiveness(process.pid, Math.round(performance.timeOrigin) + 10_000)).toBe("alive");
  });
  it("a pid that does not exist is dead", () => {
    expect(processLiveness(2 ** 22 + 12345, 0)).toBe("dead");
  });
});
