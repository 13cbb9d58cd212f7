/** The argument decisions of the compose commands berth also has: cp, kill, rm, images, pull, and how argv reaches them. */
import { describe, expect, it } from "vitest";
import { protectCommandArgs } from "../../src/cli/argv.js";
import { buildArgs } from "../../src/cli/commands/build.js";
import { copyTarget, parseCopyOperands } from "../../src/cli/commands/cp.js";
import { splitImageRef } from "../../src/registry/reference.js";
import { normalizeSignal } from "../../src/cli/commands/kill.js";
import { rmConfirmation, rmSelection } from "../../src/cli/commands/rm.js";
import type { ProjectSpec, ServiceSpec } from "../../src/compose/model.js";
import { pullPlan } from "../../src/lifecycle/pull-plan.js";
import { pushPlan } from "../../src/lifecycle/push-plan.js";
import { pushTarget } from "../../src/engine/push.js";

describe("build --build-arg", () => {
  it("takes KEY=VALUE as given (an empty value and '=' in it too), KEY alone from the environment, and leaves out an unset KEY", () => {
    expect(buildArgs(["A=1", "B=", "C=x=y", "HOME_DIR", "UNSET"], { HOME_DIR: "/root" })).toEqual({ A: "1", B: "", C: "x=y", HOME_DIR: "/root" });
    expect(buildArgs(["A=1", "A=2"], {})).toEqual({ A: "2" });
  });
  it("refuses an argument without a name", () => {
    expect(() => buildArgs(["=1"], {})).toThrow(/--build-arg =1: no argument name/);
  });
});

describe("cp operands", () => {
  it("SERVICE:PATH first copies out of the container, last copies into it; a relative container path starts at its root", () => {
    expect(parseCopyOperands("web:/etc/app.conf", "./app.conf")).toEqual({
      direction: "from-container",
      service: "web",
      containerPath: "/etc/app.conf",
      hostPath: "./app.conf",
    });
    expect(parseCopyOperands("fixtures", "db:docker-entrypoint-initdb.d/")).toEqual({
      direction: "to-container",
      service: "db",
      containerPath: "/docker-entrypoint-initdb.d/",
      hostPath: "fixtures",
    });
  });
  it("a host path with a colon is a host path when it starts with / or .", () => {
    expect(parseCopyOperands("./a:b", "web:/tmp").direction).toBe("to-container");
    expect(parseCopyOperands("web:/tmp/x", "/data/a:b").hostPath).toBe("/data/a:b");
  });
  it("- is a tar stream: stdout for a copy out, stdin for a copy in", () => {
    expect(parseCopyOperands("web:/etc", "-")).toEqual({ direction: "from-container", service: "web", containerPath: "/etc", hostPath: "-" });
    expect(parseCopyOperands("-", "db:/tmp")).toEqual({ direction: "to-container", service: "db", containerPath: "/tmp", hostPath: "-" });
  });
  it("refuses two containers, no container, two streams and an empty container path", () => {
    expect(() => parseCopyOperands("web:/a", "db:/b")).toThrow("copying between containers is not supported");
    expect(() => parseCopyOperands("a", "b")).toThrow("one of the two must be SERVICE:PATH");
    expect(() => parseCopyOperands("-", "-")).toThrow("cp - -: one of the two must be SERVICE:PATH");
    expect(() => parseCopyOperands("web:", "x")).toThrow("names no path in the container");
  });
  it("into an existing directory the source goes inside it; a missing path becomes the copy", () => {
    const file = { name: "note.txt", isDirectory: false };
    expect(copyTarget("/www", "directory", file)).toBe("/www/note.txt");
    expect(copyTarget("/www/", "directory", file)).toBe("/www/note.txt");
    expect(copyTarget("/www/new.txt", "missing", file)).toBe("/www/new.txt");
    expect(copyTarget("/www/old.txt", "other", file)).toBe("/www/old.txt");
    expect(() => copyTarget("/nodir/", "missing", file)).toThrow("the directory /nodir/ does not exist");
    expect(() => copyTarget("/www/old.txt", "other", { name: "site", isDirectory: true })).toThrow("cannot copy a directory onto the file");
  });
});

describe("kill --signal", () => {
  it("takes names with or without SIG in any case, and numbers", () => {
    expect(["KILL", "sigterm", "SIGHUP", "usr1"].map(normalizeSignal)).toEqual(["SIGKILL", "SIGTERM", "SIGHUP", "SIGUSR1"]);
    expect(normalizeSignal("9")).toBe("9");
  });
  it("refuses what is not a signal before anything is sent", () => {
    for (const bad of ["NOPE", "0", "65", "-9", ""]) expect(() => normalizeSignal(bad)).toThrow("not a signal");
  });
});

describe("rm", () => {
  const c = (name: string, state: string) => ({ name, state });
  it("removes stopped containers only, unless -s stops the running ones first", () => {
    const all = [c("a", "running"), c("b", "exited"), c("d", "created"), c("e", "paused")];
    expect(rmSelection(all, false)).toEqual({ remove: [c("b", "exited"), c("d", "created")], stop: [], left: [c("a", "running"), c("e", "paused")] });
    expect(rmSelection(all, true)).toEqual({ remove: all, stop: [c("a", "running"), c("e", "paused")], left: [] });
  });
  it("asks on a terminal, removes at once with -f, and refuses a script without -f", () => {
    expect(rmConfirmation({ force: true, stdinIsTTY: false })).toBe("remove");
    expect(rmConfirmation({ stdinIsTTY: true })).toBe("ask");
    expect(rmConfirmation({ stdinIsTTY: false })).toBe("refuse");
    expect(rmConfirmation({ stdinIsTTY: true, json: true })).toBe("refuse");
  });
  it("-f after rm is --force (alone or clustered with -s and -v); a global -f FILE before it stays", () => {
    expect(protectCommandArgs(["rm", "-f", "web"])).toEqual(["rm", "--force", "web"]);
    expect(protectCommandArgs(["-f", "c.yml", "rm", "-sfv"])).toEqual(["-f", "c.yml", "rm", "--stop", "--force", "--volumes"]);
    expect(protectCommandArgs(["rm", "-s", "web"])).toEqual(["rm", "-s", "web"]);
    expect(protectCommandArgs(["logs", "-ft"])).toEqual(["logs", "--follow", "--timestamps"]);
  });
});

describe("images", () => {
  it("splits a reference into repository and tag as docker does", () => {
    expect(splitImageRef("berth-fixtures/busybox:1")).toEqual({ repository: "berth-fixtures/busybox", tag: "1" });
    expect(splitImageRef("localhost:5000/team/app")).toEqual({ repository: "localhost:5000/team/app", tag: "latest" });
    expect(splitImageRef("localhost:5000/app:2.1")).toEqual({ repository: "localhost:5000/app", tag: "2.1" });
    expect(splitImageRef("app@sha256:abc")).toEqual({ repository: "app", tag: "<none>" });
    expect(splitImageRef("sha256:abc")).toEqual({ repository: "<none>", tag: "<none>" });
  });
});

describe("pull plan", () => {
  const svc = (name: string, extra: Partial<ServiceSpec>) => ({ name, ...extra }) as ServiceSpec;
  const spec = {
    working_dir: "/w",
    files: [],
    services: {
      api: svc("api", { image: "reg/api:1", build: { context: "/w/api" } }),
      built: svc("built", { build: { context: "/w/b" } }),
      db: svc("db", { image: "postgres:15", pull_policy: "if_not_present" }),
      db2: svc("db2", { image: "postgres:15" }),
      local: svc("local", { image: "mine:1", pull_policy: "never" }),
      tool: svc("tool", { image: "tool:1", pull_policy: "build" }),
    },
  } as unknown as ProjectSpec;

  it("pulls images once, skips what has none or may not be pulled, and pulls missing-only images only when absent", () => {
    expect(pullPlan(spec, [])).toEqual([
      { service: "api", image: "reg/api:1", action: "pull", onlyIfMissing: false, buildable: true },
      { service: "built", action: "skip", reason: "no image: to pull (built from its build: section)" },
      { service: "db", image: "postgres:15", action: "pull", onlyIfMissing: true, buildable: false },
      { service: "db2", image: "postgres:15", action: "skip", reason: "same image as another service" },
      { service: "local", image: "mine:1", action: "skip", reason: "pull_policy: never" },
      { service: "tool", image: "tool:1", action: "skip", reason: "pull_policy: build" },
    ]);
  });
  it("--policy stands for every service's pull_policy, never and build included, as compose's", () => {
    const plan = (policy: "missing" | "always") => pullPlan(spec, ["db", "local", "tool", "built"], { policy });
    expect(plan("always")).toEqual([
      { service: "db", image: "postgres:15", action: "pull", onlyIfMissing: false, buildable: false },
      { service: "local", image: "mine:1", action: "pull", onlyIfMissing: false, buildable: false },
      { service: "tool", image: "tool:1", action: "pull", onlyIfMissing: false, buildable: false },
      { service: "built", action: "skip", reason: "no image: to pull (built from its build: section)" },
    ]);
    expect(plan("missing").map((x) => x.action === "pull" && x.onlyIfMissing)).toEqual([true, true, true, false]);
  });
  it("only the named services, in the order given; --ignore-buildable skips what can be built", () => {
    expect(pullPlan(spec, ["db2", "api"], { ignoreBuildable: true })).toEqual([
      { service: "db2", image: "postgres:15", action: "pull", onlyIfMissing: false, buildable: false },
      { service: "api", image: "reg/api:1", action: "skip", reason: "it can be built (--ignore-buildable)" },
    ]);
  });
});

describe("push plan", () => {
  const svc = (name: string, extra: Partial<ServiceSpec>) => ({ name, ...extra }) as ServiceSpec;
  const spec = {
    working_dir: "/w",
    files: [],
    services: {
      api: svc("api", { image: "reg:5000/team/api:1", build: { context: "/w/api", tags: ["reg:5000/team/api:latest", "mirror/api:1"] } }),
      twin: svc("twin", { image: "reg:5000/team/api:1", build: { context: "/w/api" } }),
      db: svc("db", { image: "postgres:15" }),
      local: svc("local", { build: { context: "/w/local" } }),
    },
  } as unknown as ProjectSpec;

  it("pushes what is built and named, under image: and each build.tags name, once; skips the rest as compose does", () => {
    expect(pushPlan(spec, [])).toEqual([
      { service: "api", action: "push", images: ["reg:5000/team/api:1", "reg:5000/team/api:latest", "mirror/api:1"] },
      { service: "db", action: "skip", reason: "no build: section (its image is pulled, not built here)" },
      { service: "local", action: "skip", reason: "no image: naming where to push" },
      { service: "twin", action: "skip", reason: "same image as another service" },
    ]);
    expect(pushPlan(spec, ["db", "twin"]).map((x) => x.action)).toEqual(["skip", "push"]);
  });

  it("build --push: a built service without image: is an error naming it, before anything happens", () => {
    expect(() => pushPlan(spec, ["api", "local"], { imageMandatory: true })).toThrow(/--push: local has a build: section but no image: to push to/);
    expect(pushPlan(spec, ["api", "db"], { imageMandatory: true }).map((x) => x.action)).toEqual(["push", "skip"]);
  });

  it("pushes one tag, latest when none is named; refuses a digest", () => {
    expect(pushTarget("reg:5000/team/api:1")).toEqual({ repository: "reg:5000/team/api", tag: "1" });
    expect(pushTarget("reg:5000/team/api")).toEqual({ repository: "reg:5000/team/api", tag: "latest" });
    expect(() => pushTarget("reg:5000/team/api@sha256:abc")).toThrow(/by digest/);
  });
});
