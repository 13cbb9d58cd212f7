/** The pure parts of the API additions: env merging, service subsets, readiness in code, tar. */
import { describe, expect, it } from "vitest";
import { effectiveEnv } from "../../src/lifecycle/acquire-env.js";
import { observedFor, selectServices } from "../../src/lifecycle/select-services.js";
import { withReadiness } from "../../src/lifecycle/readiness-option.js";
import { readinessOf } from "../../src/health/probe-spec.js";
import { describeReadiness } from "../../src/health/probe-model.js";
import { readTar, writeTar } from "../../src/engine/tar.js";
import { BerthError } from "../../src/errors.js";
import { dep, project, service } from "./spec-builder.js";

const chain = project([
  service("a"),
  service("b"),
  service("c", { depends_on: { a: dep(), b: dep() } }),
  service("d", { depends_on: { c: dep() } }),
  service("e"),
]);

describe("env", () => {
  it("is laid over the process environment by default, and replaces it with inheritEnv: false", () => {
    const proc = { HOME: "/home/u", TAG: "1" };
    expect(effectiveEnv({ env: { TAG: "2", EXTRA: "x" } }, proc)).toEqual({ HOME: "/home/u", TAG: "2", EXTRA: "x" });
    expect(effectiveEnv({}, proc)).toEqual(proc);
    expect(effectiveEnv({ env: { TAG: "2" }, inheritEnv: false }, proc)).toEqual({ TAG: "2" });
  });
});

describe("services subset", () => {
  it("keeps the named services and what they transitively depend on", () => {
    expect(Object.keys(selectServices(chain, ["d"]).services)).toEqual(["a", "b", "c", "d"]);
    expect(Object.keys(selectServices(chain, ["c", "e"]).services)).toEqual(["a", "b", "c", "e"]);
    expect(selectServices(chain, [])).toBe(chain);
  });

  it("rejects an unknown service with a suggestion", () => {
    expect(() => selectServices(chain, ["dd"])).toThrow(/no service "dd"/);
    try {
      selectServices(chain, ["dd"]);
    } catch (e) {
      expect((e as BerthError).hint).toMatch(/Did you mean "d"\?/);
    }
  });

  it("leaves the engine's containers of other services out of the plan", () => {
    const observed = { networks: {}, volumes: {}, containers: [{ service: "a" }, { service: "e" }] } as never;
    const selected = selectServices(chain, ["a"]);
    expect(observedFor(observed, selected, ["a"]).containers).toEqual([{ service: "a" }]);
  });
});

describe("readiness in code", () => {
  it("replaces x-berth.ready and keeps the file's timeout unless one is given", () => {
    const spec = project([service("db", { extensions: { "x-berth": { ready: { tcp: 5432 }, timeout: "5s" } } })]);
    const r = readinessOf(withReadiness(spec, { db: { log: "ready to accept" } }).services.db!);
    expect(describeReadiness(r.ready)).toBe("log /ready to accept/");
    expect(r.timeoutMs).toBe(5000);
    const t = readinessOf(withReadiness(spec, { db: { ready: [{ tcp: 5432 }, { http: { port: 80, path: "/h" } }], timeout: "1m" } }).services.db!);
    expect(describeReadiness(t.ready)).toBe("all(tcp :5432, http :80/h)");
    expect(t.timeoutMs).toBe(60_000);
  });

  it("names the option path of every invalid rule, and unknown services", () => {
    const spec = project([service("api"), service("db")]);
    const problems = (rules: Record<string, unknown>) => {
      try {
        withReadiness(spec, rules as never);
      } catch (e) {
        return [(e as BerthError).code, ...(e as BerthError).problems.map((p) => p.path)];
      }
      return [];
    };
    expect(problems({ api: { http: { port: 0 } }, db: { ready: { log: "" }, timeout: "soon" } })).toEqual([
      "USAGE",
      "readiness.api.http.port",
      "readiness.db.ready.log",
      "readiness.db.timeout",
    ]);
    expect(() => withReadiness(spec, { dbb: "healthcheck" })).toThrow(/readiness\.dbb: the project has no service "dbb"/);
  });
});

describe("tar", () => {
  it("round-trips files, directories, symlinks, owners and names longer than a header holds", () => {
    const long = `dir/${"x".repeat(150)}.txt`;
    const entries = [
      { path: "dir", type: "directory" as const, mode: 0o755, mtimeMs: 1_000_000 },
      { path: "dir/a.txt", type: "file" as const, mode: 0o600, data: Buffer.from("hello"), mtimeMs: 1_000_000, uid: 1000, gid: 70_000 },
      { path: long, type: "file" as const, mode: 0o644, data: Buffer.alloc(700, 1), mtimeMs: 1_000_000 },
      { path: "dir/link", type: "symlink" as const, mode: 0o777, linkTarget: "a.txt", mtimeMs: 1_000_000 },
    ];
    const tar = writeTar(entries);
    expect(tar.length % 512).toBe(0);
    const root = { uid: 0, gid: 0 };
    expect(readTar(tar)).toEqual([
      { path: "dir", type: "directory", mode: 0o755, mtimeMs: 1_000_000, ...root },
      { path: "dir/a.txt", type: "file", mode: 0o600, data: Buffer.from("hello"), mtimeMs: 1_000_000, uid: 1000, gid: 70_000 },
      { path: long, type: "file", mode: 0o644, data: Buffer.alloc(700, 1), mtimeMs: 1_000_000, ...root },
      { path: "dir/link", type: "symlink", mode: 0o777, linkTarget: "a.txt", mtimeMs: 1_000_000, ...root },
    ]);
  });
});
