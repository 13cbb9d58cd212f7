/**
 * The decisions one engine's acquire and `up --on swarm` share (issue 17): the project name, the
 * kind, the TTL and expiry, the rollback policy and step events; and the CLI's choice of target.
 */
import { describe, expect, it, vi } from "vitest";
import { DEFAULT_PROCESS_TTL_MS, ttlFrom } from "../../src/cleanup/ttl.js";
import type { CliContext, GlobalOptions } from "../../src/cli/context.js";
import { platformOf, resolveTarget } from "../../src/cli/targets/target.js";
import { BerthError } from "../../src/errors.js";
import type { BerthEvent } from "../../src/events.js";
import { LABEL } from "../../src/labels.js";
import { environmentKind, projectNameOf } from "../../src/lifecycle/environment-identity.js";
import { environmentLabels } from "../../src/lifecycle/environment-labels.js";
import { rollBackFailedAcquire } from "../../src/lifecycle/rollback.js";
import { deploySettings } from "../../src/swarm/deploy.js";
import { project, service } from "./spec-builder.js";

const owner = { host: "h", pid: 1, started: 2 };
const named = project([service("api")], { name: "from-file" });

describe("project name: -p, else COMPOSE_PROJECT_NAME, never the file's name:", () => {
  it("takes -p over COMPOSE_PROJECT_NAME, sanitized, and says it was chosen", () => {
    expect(projectNameOf({ projectName: "My Shop", env: { COMPOSE_PROJECT_NAME: "other" }, kind: "test" })).toEqual({
      project: "my-shop",
      explicit: "my-shop",
    });
    expect(projectNameOf({ env: { COMPOSE_PROJECT_NAME: "ci_42" }, kind: "test" })).toEqual({ project: "ci_42", explicit: "ci_42" });
  });

  it("without either: a shared environment's derived name, else a fresh generated one", () => {
    expect(projectNameOf({ env: {}, kind: "dev", derived: () => "berth-dev-shared-abc" })).toEqual({
      project: "berth-dev-shared-abc",
      explicit: "berth-dev-shared-abc",
    });
    const fresh = projectNameOf({ env: {}, kind: "test", now: new Date("2026-11-24T02:05:12Z") });
    expect(fresh.explicit).toBeUndefined();
    expect(fresh.project).toMatch(/^berth-test-20261124020512-[0-9a-f]{6}$/);
  });

  it("on swarm as on one engine: a file with name: and no -p gets a generated name; -p and the environment still name it", () => {
    expect(deploySettings(named, { env: {}, inheritEnv: false }).project).toMatch(/^berth-test-\d{14}-[0-9a-f]{6}$/);
    expect(deploySettings(named, { env: {}, inheritEnv: false }).explicit).toBeUndefined();
    expect(deploySettings(named, { env: {}, inheritEnv: false, projectName: "shop" }).project).toBe("shop");
    expect(deploySettings(named, { env: { COMPOSE_PROJECT_NAME: "ci" }, inheritEnv: false }).project).toBe("ci");
  });
});

describe("environment kind", () => {
  it("the option, else DOCKER_ENV, else test; anything else (an empty DOCKER_ENV too) is a usage error", () => {
    expect(environmentKind({ DOCKER_ENV: "prod" }, "dev")).toBe("dev");
    expect(environmentKind({ DOCKER_ENV: "prod" })).toBe("prod");
    expect(environmentKind({})).toBe("test");
    expect(() => environmentKind({ DOCKER_ENV: "" })).toThrow(/DOCKER_ENV= is not an environment kind/);
    expect(() => deploySettings(named, { env: { DOCKER_ENV: "staging" }, inheritEnv: false })).toThrow(/DOCKER_ENV=staging is not an environment kind/);
  });
});

describe("TTL, on one engine and on swarm alike", () => {
  it("the option first (0: none), then BERTH_TTL (0: none), then 24 h for process and none for detached", () => {
    expect(ttlFrom({ BERTH_TTL: "2h" }, "process", 60_000)).toBe(60_000);
    expect(ttlFrom({ BERTH_TTL: "2h" }, "process", 0)).toBeUndefined();
    expect(ttlFrom({ BERTH_TTL: "90m" }, "detached")).toBe(90 * 60_000);
    expect(ttlFrom({ BERTH_TTL: "0" }, "process")).toBeUndefined();
    expect(ttlFrom({}, "process")).toBe(DEFAULT_PROCESS_TTL_MS);
    expect(ttlFrom({}, "detached")).toBeUndefined();
    expect(() => ttlFrom({ BERTH_TTL: "soon" }, "process")).toThrow(/BERTH_TTL=soon is not a duration/);
  });

  it("swarm honours BERTH_TTL, and refuses a bad one before any engine is asked", () => {
    expect(deploySettings(named, { env: { BERTH_TTL: "2h" }, inheritEnv: false, lifetime: "detached" }).ttl).toBe(7_200_000);
    expect(deploySettings(named, { env: { BERTH_TTL: "0" }, inheritEnv: false }).ttl).toBeUndefined();
    expect(deploySettings(named, { env: {}, inheritEnv: false, lifetime: "detached" }).ttl).toBeUndefined();
    expect(() => deploySettings(named, { env: { BERTH_TTL: "soon" }, inheritEnv: false })).toThrow(/BERTH_TTL=soon/);
  });

  it("the expiry label is creation time plus the TTL, and absent without one", () => {
    const now = new Date("2026-12-03T05:00:00Z");
    const base = { env: { BERTH_LABELS: "ci.job=7" }, project: "p", kind: "test" as const, lifetime: "process" as const, owner, spec: named, now };
    const labels = environmentLabels({ ...base, ttlMs: 3_600_000 });
    expect(labels[LABEL.expires]).toBe("2026-12-03T06:00:00.000Z");
    expect(labels[LABEL.createdAt]).toBe("2026-12-03T05:00:00.000Z");
    expect(labels["ci.job"]).toBe("7");
    expect(environmentLabels({ ...base, ttlMs: undefined })[LABEL.expires]).toBeUndefined();
  });
});

describe("rollback policy of a failed acquire", () => {
  const setup = (left: string | undefined) => {
    const events: BerthEvent[] = [];
    const reaper = { spawned: false, settle: vi.fn(), done: vi.fn() };
    const remove = vi.fn(() => Promise.resolve(left));
    return { events, reaper, remove, a: { project: "p", emit: (e: BerthEvent) => events.push(e), reaper, remove, downCommand: "berth down --on swarm p" } };
  };

  it("removes what was created, announces it, and releases the reaper's lease when nothing is left", async () => {
    const { events, reaper, remove, a } = setup(undefined);
    const failure = new BerthError("SERVICE_FAILED", "api never became ready");
    await rollBackFailedAcquire(failure, a);
    expect(remove).toHaveBeenCalledOnce();
    expect(events.map((e) => e.type)).toEqual(["rollback"]);
    expect(reaper.done).toHaveBeenCalledOnce();
    expect(failure.message).toBe("api never became ready");
  });

  it("keeps the reaper's lease and says what is left, and how to remove it, when removal fails", async () => {
    const { reaper, a } = setup("network p_default: in use");
    const failure = new BerthError("SERVICE_FAILED", "api never became ready");
    await rollBackFailedAcquire(failure, a);
    expect(reaper.done).not.toHaveBeenCalled();
    expect(failure.details.rollbackError).toBe("network p_default: in use");
    expect(failure.message).toContain("could not all be removed (network p_default: in use); `berth down --on swarm p`");
  });

  it("with keepOnFailure removes nothing and announces nothing", async () => {
    const { events, reaper, remove, a } = setup(undefined);
    await rollBackFailedAcquire(new BerthError("SERVICE_FAILED", "x"), { ...a, keepOnFailure: true });
    expect(remove).not.toHaveBeenCalled();
    expect(events).toEqual([]);
    expect(reaper.done).not.toHaveBeenCalled();
  });
});

describe("CLI target: chosen once from --on and --engine", () => {
  const ctx = {} as CliContext;
  const g = {} as GlobalOptions;

  it("one engine by default and with --on engine; a swarm with --on swarm", async () => {
    expect(platformOf({})).toBe("engine");
    expect(platformOf({ on: "engine" })).toBe("engine");
    expect(platformOf({ on: "swarm", engine: "tcp://m:2375" })).toBe("swarm");
    expect((await resolveTarget(ctx, g, { on: "engine" })).platform).toBe("engine");
    expect((await resolveTarget(ctx, g, { on: "swarm" })).platform).toBe("swarm");
  });

  it("--engine without --on swarm is a usage error, not silently ignored", async () => {
    expect(() => platformOf({ on: "engine", engine: "tcp://m:2375" })).toThrow(/--engine is only used with --on swarm/);
    await expect(resolveTarget(ctx, g, { engine: "tcp://m:2375" })).rejects.toThrow(/--engine is only used with --on swarm/);
  });

  it("what a swarm cannot do is refused by its target before any connection", async () => {
    const swarm = await resolveTarget(ctx, g, { on: "swarm" });
    await expect(swarm.up({ services: [], ports: "range" })).rejects.toThrow(/--ports does not apply to --on swarm/);
    await expect(swarm.up({ services: ["api"] })).rejects.toThrow(/up SERVICE… does not apply/);
    await expect(swarm.down({ all: true })).rejects.toThrow(/--all is not available with --on swarm/);
    await expect(swarm.serviceOp("stop", { services: [] })).rejects.toThrow(/berth stop is not available on swarm/);
  });
});
