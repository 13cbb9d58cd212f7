import { describe, expect, it } from "vitest";
import { describeReadiness, readinessOf, readinessRules } from "../../src/health/probe-spec.js";
import { mayRestart, nextPeriod } from "../../src/health/readiness.js";
import { statusMatches } from "../../src/health/probes.js";
import { sinceOf, stateOf } from "../../src/health/state.js";
import { BerthError } from "../../src/errors.js";
import { service } from "./spec-builder.js";

const withX = (x: unknown, over = {}) => service("api", { extensions: { "x-berth": x }, ...over });

describe("x-berth readiness rules", () => {
  it("parses every probe kind, short and long forms, into one all() rule", () => {
    const r = readinessOf(
      withX({
        ready: [
          { tcp: 5432 },
          { tcp: { port: 6379, from: "host" } },
          { http: { port: 3000, path: "/health", status: [200, "3xx"], body: "ok" } },
          { log: "ready to accept" },
          { log: { pattern: "listening", count: 2 } },
          { exec: "pg_isready -q" },
          { exec: { command: ["true"], timeout: "2s" } },
          "healthcheck",
        ],
        timeout: "1m30s",
      }),
    );
    expect(r.declared).toBe(true);
    expect(r.timeoutMs).toBe(90_000);
    expect(describeReadiness(r.ready)).toBe(
      "all(tcp :5432, tcp :6379 (from host), http :3000/health, log /ready to accept/, log /listening/ ×2, exec /bin/sh -c pg_isready -q, exec true, healthcheck)",
    );
  });

  it("combines with any and nests", () => {
    const r = readinessOf(withX({ ready: { any: [{ tcp: 1 }, { all: ["running", { log: "x" }] }] } }));
    expect(describeReadiness(r.ready)).toBe("any(tcp :1, all(running, log /x/))");
  });

  it("defaults: the healthcheck when there is one, else the first published tcp port, else running", () => {
    expect(describeReadiness(readinessOf(service("a", { healthcheck: { test: ["CMD", "true"] } })).ready)).toBe("healthcheck");
    expect(describeReadiness(readinessOf(service("a", { ports: [{ target: 8080, protocol: "tcp" }] })).ready)).toBe("tcp :8080");
    expect(describeReadiness(readinessOf(service("a", { healthcheck: { disable: true }, ports: [{ target: 80, protocol: "udp" }] })).ready)).toBe("running");
    expect(readinessOf(service("a")).declared).toBe(false);
  });

  it("rejects bad probes with the service and the key", () => {
    const bad = () => readinessOf(withX({ ready: [{ tcp: 70000 }], timeout: "soon" }));
    expect(bad).toThrow(BerthError);
    try {
      bad();
    } catch (e) {
      const err = e as BerthError;
      expect(err.code).toBe("COMPOSE_INVALID");
      expect(err.message).toBe("service api: invalid x-berth readiness");
      const paths = err.problems.map((p) => p.path);
      expect(paths).toContain("services.api.x-berth.timeout");
      expect(paths.some((p) => p?.startsWith("services.api.x-berth.ready"))).toBe(true);
      expect(err.hint).toContain("README");
    }
    expect(() => readinessOf(withX({ ready: { log: "(" } }))).toThrow(/invalid x-berth/);
    expect(() => readinessOf(withX({ probes: [] }))).toThrow(/invalid x-berth/);
  });

  it("reports every invalid service at once", () => {
    const services = {
      a: service("a", { extensions: { "x-berth": { ready: 3 } } }),
      b: service("b", { extensions: { "x-berth": { ready: "nope" } } }),
      c: service("c"),
    };
    expect(() => readinessRules(services)).toThrow("services a, b: invalid x-berth readiness");
  });
});

describe("readiness loop pieces", () => {
  it("backs off from 25 ms in proportion to start-up time, capped at the interval", () => {
    expect(nextPeriod(0, 1000)).toBe(25);
    expect(nextPeriod(800, 1000)).toBe(100);
    expect(nextPeriod(60_000, 1000)).toBe(1000);
  });

  it("knows when the engine will restart an exited container", () => {
    expect(mayRestart(undefined, 1, 0)).toBe(false);
    expect(mayRestart("no", 1, 0)).toBe(false);
    expect(mayRestart("on-failure", 1, 5)).toBe(true);
    expect(mayRestart("on-failure", 0, 0)).toBe(false);
    expect(mayRestart("on-failure:2", 1, 1)).toBe(true);
    expect(mayRestart("on-failure:2", 1, 2)).toBe(false);
    expect(mayRestart("always", 0, 9)).toBe(true);
    expect(mayRestart("none", 1, 0)).toBe(false);
  });

  it("matches HTTP statuses exactly or by class", () => {
    expect(statusMatches(204, ["2xx"])).toBe(true);
    expect(statusMatches(301, [200])).toBe(false);
    expect(statusMatches(301, [200, "3xx"])).toBe(true);
  });
});

describe("states", () => {
  const base = {
    status: "running",
    running: true,
    exitCode: 0,
    oomKilled: false,
    startedAt: "2026-01-01T00:00:00Z",
    finishedAt: "0001-01-01T00:00:00Z",
    health: "none" as const,
    healthLog: [],
    restartCount: 0,
  };
  it("maps engine states, one-shot jobs included", () => {
    expect(stateOf(base)).toBe("HEALTHY");
    expect(stateOf({ ...base, health: "starting" })).toBe("STARTING");
    expect(stateOf({ ...base, health: "unhealthy" })).toBe("UNHEALTHY");
    const failed = [{ exitCode: 1, output: "no", end: "2026-01-01T00:00:05Z" }];
    expect(stateOf({ ...base, health: "unhealthy", failingStreak: 3, healthLog: failed })).toBe("UNHEALTHY");
    // Thawed after a pause: dockerd says unhealthy with no failed check until its next one.
    const passed = [{ exitCode: 0, output: "", end: "2026-01-01T00:00:05Z" }];
    expect(stateOf({ ...base, health: "unhealthy", failingStreak: 0, healthLog: passed })).toBe("STARTING");
    expect(stateOf({ ...base, status: "paused", health: "unhealthy", failingStreak: 0, healthLog: [] })).toBe("PAUSED");
    expect(stateOf({ ...base, running: false, status: "exited", exitCode: 0 }, true)).toBe("COMPLETED");
    expect(stateOf({ ...base, running: false, status: "exited", exitCode: 2 }, true)).toBe("FAILED");
    expect(stateOf({ ...base, running: false, status: "exited", exitCode: 2 })).toBe("STOPPED");
  });

  it("says since when: start, exit, or the check where health last flipped", () => {
    expect(sinceOf(base)).toBe("2026-01-01T00:00:00Z");
    expect(sinceOf({ ...base, running: false, status: "exited", finishedAt: "2026-01-01T00:01:00Z" })).toBe("2026-01-01T00:01:00Z");
    const log = [
      { exitCode: 1, output: "", end: "2026-01-01T00:00:01Z" },
      { exitCode: 0, output: "", end: "2026-01-01T00:00:02Z" },
      { exitCode: 0, output: "", end: "2026-01-01T00:00:03Z" },
    ];
    expect(sinceOf({ ...base, health: "healthy", healthLog: log })).toBe("2026-01-01T00:00:02Z");
  });
});
