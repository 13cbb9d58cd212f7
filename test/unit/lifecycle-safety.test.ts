import { describe, expect, it } from "vitest";
import { halfMadeProjects, isPendingOf } from "../../src/cleanup/half-made.js";
import type { CleanPolicy } from "../../src/cleanup/ownership.js";
import { expectedScales } from "../../src/cleanup/settled-record.js";
import { stateOf } from "../../src/health/state.js";
import { LABEL } from "../../src/labels.js";
import { withInherited } from "../../src/lifecycle/recreate.js";
import { withMissing } from "../../src/lifecycle/status.js";
import { serviceConfigHash } from "../../src/plan/container-request.js";
import { renderPlan } from "../../src/plan/plan.js";
import { reconcileUp } from "../../src/plan/reconcile.js";
import { project, service } from "./spec-builder.js";

describe("the per-container configuration hash", () => {
  it("ignores what is not container configuration (replicas, start order, build, profiles, x-*)", () => {
    const base = service("db", { scale: 1 });
    expect(serviceConfigHash({ ...base, scale: 3 })).toBe(serviceConfigHash(base));
    expect(serviceConfigHash({ ...base, depends_on: { x: { condition: "service_started", required: true, restart: false } } })).toBe(serviceConfigHash(base));
    expect(serviceConfigHash({ ...base, extensions: { "x-berth": { ready: "running" } } })).toBe(serviceConfigHash(base));
    expect(serviceConfigHash({ ...base, environment: { A: "1" } })).not.toBe(serviceConfigHash(base));
  });
});

describe("recreating containers that hold data", () => {
  const spec = project([service("db", { scale: 2 })]);
  const observed = (mounts: { type: string; name?: string; destination?: string; readOnly?: boolean }[]) => ({
    networks: { default: { id: "n", name: "p_default" } },
    volumes: {},
    containers: [{ id: "c1", name: "p-db-1", service: "db", number: 1, running: true, configHash: "old", mounts }],
  });
  const anon = { type: "volume", name: "a".repeat(64), destination: "/data" };

  it("are held without forceRecreate, and named with their mounts", () => {
    const plan = reconcileUp({ project: "p", spec, observed: observed([anon]), serviceHashes: { db: "new" } });
    expect(plan.held).toEqual([{ target: "p-db-1", service: "db", mounts: ["anonymous volume at /data"] }]);
    expect(renderPlan(plan)).not.toContain("remove-container p-db-1");
    const forced = reconcileUp({ project: "p", spec, observed: observed([anon]), serviceHashes: { db: "new" }, forceRecreate: true });
    expect(forced.held).toEqual([]);
    expect(renderPlan(forced)).toContain("remove-container p-db-1: its configuration changed");
  });

  it("a read-only bind (a secret file) is not data", () => {
    const plan = reconcileUp({
      project: "p",
      spec,
      observed: observed([{ type: "bind", destination: "/run/secrets/x", readOnly: true }]),
      serviceHashes: { db: "new" },
    });
    expect(plan.held).toEqual([]);
  });

  it("the new container mounts the old one's anonymous volumes where it asks for anonymous ones or mounts nothing", () => {
    const req = {
      name: "p-db-1",
      image: "i",
      labels: {},
      env: [],
      mounts: [
        { type: "volume" as const, target: "/data" },
        { type: "volume" as const, source: "p_named", target: "/named" },
      ],
    };
    const inherited = [
      { type: "volume" as const, source: "v1", target: "/data" },
      { type: "volume" as const, source: "v2", target: "/image-volume" },
      { type: "volume" as const, source: "v3", target: "/named" },
    ];
    expect(withInherited(req as never, inherited).mounts).toEqual([
      { type: "volume", source: "v1", target: "/data", readOnly: undefined },
      { type: "volume", source: "p_named", target: "/named" },
      { type: "volume", source: "v2", target: "/image-volume" },
    ]);
  });
});

describe("status of an environment that lost containers or never started them", () => {
  it("a created, never started container is STOPPED, not STARTING", () => {
    expect(stateOf({ status: "created", running: false, exitCode: 0, health: "none", healthLog: [], restartCount: 0, oomKilled: false } as never)).toBe(
      "STOPPED",
    );
  });

  it("missing replicas come from the newest record", () => {
    const rec = (created: string, scales: string) => ({ labels: { [LABEL.project]: "p", [LABEL.createdAt]: created, [LABEL.scales]: scales } });
    const expected = expectedScales([rec("2026-01-01T00:00:00Z", "db=1"), rec("2026-01-02T00:00:00Z", "app=1,db=2")]).get("p");
    expect(expected).toEqual({ app: 1, db: 2 });
    const data = {
      project: "p",
      kind: "dev" as const,
      networks: [],
      services: { app: { name: "app", containers: [{} as never] }, db: { name: "db", containers: [{} as never] } },
    };
    expect(withMissing(data, expected).missing).toEqual([{ service: "db", expected: 2, found: 1 }]);
    expect(withMissing(data, undefined).missing).toBeUndefined();
  });
});

describe("half-made detached environments", () => {
  const policy = (dead: number[]): CleanPolicy => ({ now: Date.now(), user: "u", host: "h", liveness: (o) => (dead.includes(o.pid) ? "dead" : "alive") });
  const res = (project: string, pid: number, extra: Record<string, string> = {}) => ({
    labels: {
      [LABEL.managed]: "true",
      [LABEL.project]: project,
      [LABEL.ownerHost]: "h",
      [LABEL.ownerPid]: String(pid),
      [LABEL.ownerStarted]: "1",
      [LABEL.lifetime]: "detached",
      ...extra,
    },
  });
  const pending = { [LABEL.pending]: "true" };

  const none: { labels: Record<string, string> }[] = [];
  const keys = (m: Map<string, Set<string>>) => [...m.keys()];

  it("pending resources of a dead owner in a project without a record", () => {
    expect(keys(halfMadeProjects({ containers: [res("a", 1, pending)], networks: [res("a", 1, pending)], volumes: none }, policy([1])))).toEqual(["a"]);
  });
  it("never a settled project, one with a live acquirer, or one without pending resources", () => {
    expect(halfMadeProjects({ containers: [res("a", 1, pending)], networks: none, volumes: [res("a", 1, { [LABEL.record]: "true" })] }, policy([1])).size).toBe(
      0,
    );
    expect(halfMadeProjects({ containers: [res("b", 1, pending)], networks: none, volumes: [res("b", 2, pending)] }, policy([1])).size).toBe(0);
    expect(halfMadeProjects({ containers: [res("c", 1)], networks: none, volumes: none }, policy([1])).size).toBe(0);
  });
  it("a named volume that `down` kept (its record gone with the environment) is data, not a half-made environment", () => {
    expect(halfMadeProjects({ containers: none, networks: none, volumes: [res("d", 1, { ...pending, [LABEL.volume]: "data" })] }, policy([1])).size).toBe(0);
    // Killed later, another `up` of the project leaves a half-made environment: only that acquirer's resources go.
    const half = halfMadeProjects(
      { containers: [res("d", 2, pending)], networks: none, volumes: [res("d", 1, { ...pending, [LABEL.volume]: "data" })] },
      policy([1, 2]),
    );
    expect(isPendingOf(res("d", 2, pending).labels, half)).toBe(true);
    expect(isPendingOf(res("d", 1, { ...pending, [LABEL.volume]: "data" }).labels, half)).toBe(false);
  });
});
