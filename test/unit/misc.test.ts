import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { negotiateApiVersion, pingAnswer } from "../../src/engine/connect.js";
import { FrameDecoder } from "../../src/engine/stream-frames.js";
import { healthcheckCommand, stateOf } from "../../src/health/state.js";
import { troubleshootState } from "../../src/diagnostics/troubleshoot/gather.js";
import { containerName, generateProjectName, sanitizeProjectName } from "../../src/plan/naming.js";
import { parseTimeout } from "../../src/cli/context.js";
import { ISSUES_URL, VERSION } from "../../src/version.js";

describe("API version negotiation", () => {
  it("speaks the engine's version up to the newest berth knows, and refuses older than 1.41", () => {
    expect(negotiateApiVersion("1.41")).toBe("1.41");
    expect(negotiateApiVersion("1.45")).toBe("1.45");
    expect(negotiateApiVersion("1.51")).toBe("1.47");
    expect(() => negotiateApiVersion("1.40")).toThrow(/older than 1.41/);
  });

  it("reads the engine's API version, version and OS from the headers of /_ping (dockerd, Podman), and nothing from a partial answer", () => {
    // Headers as dockerd 20.10 and Podman 4.3 sent them here (curl -i --unix-socket … /_ping).
    expect(pingAnswer({ "api-version": "1.41", ostype: "linux", server: "Docker/20.10.24+dfsg1 (linux)" })).toEqual({
      apiVersion: "1.41",
      version: "20.10.24+dfsg1",
      os: "linux",
    });
    expect(pingAnswer({ "api-version": "1.41", "libpod-api-version": "4.3.1", server: "Libpod/4.3.1 (linux)" })).toEqual({
      apiVersion: "1.41",
      version: "4.3.1",
      os: "linux",
    });
    // Anything less: connectEngine asks /version instead (an old engine, or not an engine at all).
    expect(pingAnswer({ server: "Docker/1.12.6 (linux)" })).toBeUndefined();
    expect(pingAnswer({ "api-version": "1.41", server: "nginx" })).toBeUndefined();
    expect(pingAnswer({ "api-version": "1.41", ostype: "linux", server: "nginx/1.25.3" })).toBeUndefined(); // a proxy's version is not the engine's
    expect(pingAnswer({ "api-version": "1.41", server: "Docker/24.0.7" })).toBeUndefined();
    expect(pingAnswer({ "api-version": "1.43", server: "Docker/24.0.7", ostype: "linux" })).toEqual({ apiVersion: "1.43", version: "24.0.7", os: "linux" });
  });
});

describe("naming", () => {
  it("makes unique, sortable project names", () => {
    const name = generateProjectName("test", new Date("2026-11-24T02:05:12Z"), () => "a1b2c3");
    expect(name).toBe("berth-test-20261124020512-a1b2c3");
    expect(generateProjectName("dev", new Date())).toMatch(/^berth-dev-\d{14}-[0-9a-f]{6}$/);
    expect(containerName(name, "db", 2)).toBe(`${name}-db-2`);
    expect(sanitizeProjectName("My App!")).toBe("my-app-");
  });
});

describe("stream frames", () => {
  it("decodes frames split across chunks", () => {
    const frame = (kind: number, text: string) => {
      const body = Buffer.from(text);
      const head = Buffer.alloc(8);
      head[0] = kind;
      head.writeUInt32BE(body.length, 4);
      return Buffer.concat([head, body]);
    };
    const all = Buffer.concat([frame(1, "hello "), frame(2, "world")]);
    const got: string[] = [];
    const d = new FrameDecoder((s, b) => got.push(`${s}:${b.toString()}`));
    for (let i = 0; i < all.length; i += 3) d.push(all.subarray(i, i + 3));
    expect(got).toEqual(["stdout:hello ", "stderr:world"]);
  });
});

describe("health states", () => {
  const base = { status: "running", running: true, exitCode: 0, oomKilled: false, health: "none" as const, healthLog: [], restartCount: 0 };
  it("maps engine states to berth's", () => {
    expect(stateOf(base)).toBe("HEALTHY");
    expect(stateOf({ ...base, health: "starting" })).toBe("STARTING");
    expect(stateOf({ ...base, health: "unhealthy" })).toBe("UNHEALTHY");
    expect(stateOf({ ...base, status: "exited", running: false, exitCode: 1 })).toBe("STOPPED");
    expect(stateOf({ ...base, status: "exited", running: false, exitCode: 0 }, true)).toBe("COMPLETED");
    expect(stateOf({ ...base, status: "exited", running: false, exitCode: 3 }, true)).toBe("FAILED");
    expect(stateOf({ ...base, status: "restarting", running: false })).toBe("STARTING");
  });
  it("troubleshoot: a check run by berth that passed makes a starting container HEALTHY; one that failed, or a start error, does not", () => {
    const starting = { ...base, health: "starting" as const };
    expect(troubleshootState(starting, { oneShot: false, checkedHere: { exitCode: 0 } })).toBe("HEALTHY");
    expect(troubleshootState(starting, { oneShot: false, checkedHere: { exitCode: 1 } })).toBe("STARTING");
    expect(troubleshootState(starting, { oneShot: false })).toBe("STARTING");
    expect(troubleshootState({ ...base, health: "unhealthy" }, { oneShot: false, checkedHere: { exitCode: 0 } })).toBe("UNHEALTHY");
    expect(troubleshootState({ ...base, status: "restarting", running: false }, { oneShot: false, checkedHere: { exitCode: 0 } })).toBe("STARTING");
    expect(troubleshootState({ ...base, status: "created", running: false }, { oneShot: false, startError: "port is already allocated" })).toBe("FAILED");
    expect(troubleshootState({ ...base, status: "created", running: false }, { oneShot: false, startError: "" })).toBe("STOPPED");
  });
  it("turns healthcheck tests into exec commands", () => {
    expect(healthcheckCommand(["CMD", "pg_isready", "-q"])).toEqual(["pg_isready", "-q"]);
    expect(healthcheckCommand(["CMD-SHELL", "redis-cli ping | grep PONG"])).toEqual(["/bin/sh", "-c", "redis-cli ping | grep PONG"]);
    expect(healthcheckCommand(["NONE"])).toBeNull();
    expect(healthcheckCommand([])).toBeNull();
  });
});

describe("cli helpers", () => {
  it("parses timeouts", () => {
    expect(parseTimeout("90s", 1)).toBe(90_000);
    expect(parseTimeout("1m30s", 1)).toBe(90_000);
    expect(parseTimeout("15", 1)).toBe(15_000);
    expect(parseTimeout(undefined, 7)).toBe(7);
    expect(() => parseTimeout("soon", 1)).toThrow(/duration/);
  });
  it("keeps VERSION and the issue tracker in step with package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string; bugs: { url: string } };
    expect(VERSION).toBe(pkg.version);
    expect(ISSUES_URL).toBe(pkg.bugs.url);
  });
});
