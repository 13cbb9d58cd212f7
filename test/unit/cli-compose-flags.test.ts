/**
 * docker compose's flags on berth's commands, through the real commander program with no engine:
 * each is accepted with compose's meaning (what reaches the command's target), or accepted with a
 * note on stderr where berth deliberately differs; an invalid value is still a usage error.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import type { ContainerSummary, EngineEvent } from "../../src/engine/types.js";
import type { EnvironmentData } from "../../src/lifecycle/environment.js";
import { loadProject } from "../../src/compose/index.js";
import { acquire } from "../../src/lifecycle/acquire.js";
import { commandWord, protectCommandArgs } from "../../src/cli/argv.js";
import { composeEvent } from "../../src/cli/commands/events.js";
import { composeLs } from "../../src/cli/commands/ls.js";
import { psLines } from "../../src/cli/ps-output.js";

/** What the commands handed to their target: the operation, its request and the globals it got. */
const calls: { op: string; request: unknown; globals: Record<string, unknown> }[] = [];

vi.mock("../../src/cli/targets/target.js", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../src/cli/targets/target.js")>();
  return {
    ...real,
    resolveTarget: (_ctx: unknown, globals: Record<string, unknown>) => {
      const record = (op: string) => (request: unknown) => void calls.push({ op, request, globals });
      return Promise.resolve({
        platform: "engine",
        up: record("up"),
        down: record("down"),
        status: record("status"),
        logs: record("logs"),
        serviceOp: (op: string, request: unknown) => void calls.push({ op, request, globals }),
        clean: record("clean"),
      });
    },
  };
});

const { buildProgram } = await import("../../src/cli/program.js");

const container = (project: string, service: string, state: string, files = "/src/compose.yml"): ContainerSummary => ({
  id: `${project}-${service}-id`,
  name: `${project}-${service}-1`,
  image: "busybox",
  labels: {
    "dev.berth.managed": "true",
    "dev.berth.project": project,
    "dev.berth.service": service,
    "com.docker.compose.project.config_files": files,
  },
  state,
  status: state,
  created: 0,
  ports: [],
  mounts: [],
  networks: [],
});

/** Runs argv through the program; a fake engine answers ls and events. */
async function run(argv: string[], engineContainers: ContainerSummary[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const controller = new AbortController();
  const engine = {
    listContainers: () => Promise.resolve(engineContainers),
    listNetworks: () => Promise.resolve([]),
    subscribe: (_f: unknown, onEvent: (e: EngineEvent) => void) => {
      onEvent({ type: "container", action: "start", id: "c1", time: Date.UTC(2026, 0, 2), labels: { "dev.berth.service": "web", name: "p1-web-1" } });
      setTimeout(() => controller.abort(), 0); // Ctrl-C
      return Promise.resolve();
    },
  };
  const ctx = {
    env: {},
    cwd: process.cwd(),
    out: (t: string) => void out.push(t),
    err: (t: string) => void err.push(t),
    writeOut: () => undefined,
    writeErr: () => undefined,
    errTty: { isTTY: false, columns: 80 },
    signal: controller.signal,
    engine: () => Promise.resolve(engine as never),
    exitCode: 0,
  };
  const program = buildProgram(ctx).configureOutput({ writeErr: (t) => void err.push(t), writeOut: (t) => void out.push(t) });
  for (const c of program.commands) c.configureOutput({ writeErr: (t) => void err.push(t), writeOut: (t) => void out.push(t) });
  let error: unknown;
  await program.parseAsync(argv, { from: "user" }).catch((e: unknown) => (error = e));
  return { out, err: err.join(""), error, call: calls.at(-1) };
}

beforeEach(() => void (calls.length = 0));

const noteOf = /berth: note: .*accepted for docker compose/;

/** [argv, what the target must get (a subset), whether a note is printed]. */
const accepted: [string, { op: string; request?: Record<string, unknown>; globals?: Record<string, unknown> }, boolean][] = [
  ["up redis", { op: "up", request: { services: ["redis"] } }, false],
  ["up redis api", { op: "up", request: { services: ["redis", "api"] } }, false],
  ["up -d", { op: "up" }, true],
  ["up --detach", { op: "up" }, true],
  ["up --wait", { op: "up", request: { wait: true } }, true],
  ["up -d --wait --wait-timeout 30", { op: "up", globals: { timeout: "30" } }, true],
  ["up --wait-timeout 45 api", { op: "up", request: { services: ["api"] }, globals: { timeout: "45" } }, false],
  ["up --no-wait", { op: "up", request: { wait: false } }, false],
  ["up --remove-orphans", { op: "up" }, true],
  ["up -d --quiet-pull web", { op: "up", request: { services: ["web"] } }, true],
  ["down --remove-orphans", { op: "down" }, true],
  ["down --rmi local", { op: "down" }, true],
  ["down --rmi all shop", { op: "down", request: { project: "shop" } }, true],
  ["down -t 5", { op: "down", request: { stopTimeoutSec: 5 } }, false],
  ["down --timeout 7", { op: "down", request: { stopTimeoutSec: 7 } }, false],
  ["down --timeout=1m", { op: "down", request: { stopTimeoutSec: 60 } }, false],
  ["down -v", { op: "down", request: { volumes: true } }, false],
  ["down --volumes", { op: "down", request: { volumes: true } }, false],
  ["ps", { op: "status", request: { stats: true } }, false],
  ["ps -a", { op: "status" }, true],
  ["ps --all", { op: "status" }, true],
  ["ps --format json", { op: "status", request: { format: "json" } }, false],
  ["ps --format table", { op: "status", request: { format: "table" } }, false],
  ["ps -q", { op: "status", globals: { quiet: true } }, false],
  ["ps --services", { op: "status", request: { servicesOnly: true } }, false],
  ["ps -aq", { op: "status", globals: { quiet: true } }, true],
  ["ps -a -q --services", { op: "status", request: { servicesOnly: true }, globals: { quiet: true } }, true],
  ["status --format json", { op: "status", request: { format: "json" } }, false],
  ["logs --tail=all", { op: "logs", request: { tail: undefined } }, false],
  ["logs --tail all web", { op: "logs", request: { tail: undefined, services: ["web"] } }, false],
  ["logs --tail=20", { op: "logs", request: { tail: 20 } }, false],
  ["logs -n 3", { op: "logs", request: { tail: 3 } }, false],
  ["logs", { op: "logs", request: { prefix: true } }, false],
  ["logs --no-log-prefix web", { op: "logs", request: { prefix: false, services: ["web"] } }, false],
  ["logs --no-prefix", { op: "logs", request: { prefix: false } }, false],
  ["--project-directory ./app up", { op: "up", globals: { projectDirectory: "./app" } }, false],
  ["up --project-directory /srv/app web", { op: "up", request: { services: ["web"] }, globals: { projectDirectory: "/srv/app" } }, false],
];

describe("docker compose flags", () => {
  it.each(accepted)("berth %s", async (argv, want, note) => {
    const r = await run(argv.split(" "));
    expect(r.error).toBeUndefined();
    expect(r.call?.op).toBe(want.op);
    if (want.request) expect(r.call?.request).toMatchObject(want.request);
    if (want.globals) expect(r.call?.globals).toMatchObject(want.globals);
    if (note) expect(r.err).toMatch(noteOf);
    else expect(r.err).not.toMatch(noteOf);
  });

  it.each([["down --rmi some"], ["ps --format yaml"], ["logs --tail=lots"], ["down -t soon"], ["ls --format xml"]])(
    "berth %s: a usage error, nothing done",
    async (argv) => {
      const r = await run(argv.split(" "));
      expect(r.error).toBeDefined();
      expect(r.call).toBeUndefined();
    },
  );

  it.each([["up --abort-on-container-exit"], ["up --abort-on-container-failure"], ["up --exit-code-from tests"], ["up -d --exit-code-from=tests web"]])(
    "berth %s: refused before anything happens, pointing to berth run",
    async (argv) => {
      const r = await run(argv.split(" "));
      expect(r.call).toBeUndefined();
      expect((r.error as { code?: string }).code).toBe("USAGE");
      expect(String(r.error)).toContain("does not stay attached");
      expect((r.error as { hint?: string }).hint).toContain("berth run -f compose.yml -- npm test");
      if (argv.includes("tests")) expect((r.error as { hint?: string }).hint).toContain("berth run tests");
    },
  );

  it("notes once per command, naming the flags given", async () => {
    const r = await run(["up", "-d", "--wait"]);
    expect(r.err.match(/berth: note:/g)).toHaveLength(1);
    expect(r.err).toContain("-d, --wait accepted for docker compose");
  });
});

describe("berth ls", () => {
  const engine = [
    container("berth-a", "web", "running"),
    container("berth-a", "db", "running"),
    container("berth-a", "job", "exited"),
    container("berth-b", "web", "exited", "/b/compose.yml,/b/compose.test.yml"),
  ];

  it("lists environments with a running container, as docker compose ls does", async () => {
    const r = await run(["ls"], engine);
    expect(r.out.join("\n")).toBe(["NAME     STATUS      CONFIG FILES", "berth-a  running(2)  /src/compose.yml"].join("\n"));
  });

  it("-a: every environment, each state counted; --format json; -q", async () => {
    const json = await run(["ls", "-a", "--format", "json"], engine);
    expect(JSON.parse(json.out.join(""))).toEqual([
      { Name: "berth-a", Status: "exited(1), running(2)", ConfigFiles: "/src/compose.yml" },
      { Name: "berth-b", Status: "exited(1)", ConfigFiles: "/b/compose.yml,/b/compose.test.yml" },
    ]);
    expect((await run(["ls", "-q"], engine)).out).toEqual(["berth-a"]);
    expect((await run(["ls", "-aq"], engine)).out).toEqual(["berth-a", "berth-b"]);
  });

  it("composeLs: no environments, no rows", () => {
    expect(composeLs([], true)).toEqual([]);
  });
});

describe("berth events", () => {
  it("prints compose's events --json shape until interrupted", async () => {
    const r = await run(["events"], [container("p1", "web", "running")]);
    expect(r.error).toBeUndefined();
    expect(r.out.map((l) => JSON.parse(l) as unknown)).toEqual([
      { time: "2026-01-02T00:00:00.000Z", type: "container", action: "start", id: "c1", service: "web", attributes: { name: "p1-web-1" } },
    ]);
  });

  it("refuses a service the environment does not have", async () => {
    const r = await run(["events", "db"], [container("p1", "web", "running")]);
    expect(String(r.error)).toContain("no such service in p1: db");
    expect(r.out).toEqual([]);
  });

  it("leaves out compose's and berth's own labels from the attributes", () => {
    const e = composeEvent({
      type: "container",
      action: "die",
      id: "x",
      time: 0,
      labels: { "com.docker.compose.service": "db", "dev.berth.service": "db", exitCode: "1", "org.example": "kept" },
    });
    expect(e).toMatchObject({ service: "db", attributes: { exitCode: "1", "org.example": "kept" } });
    expect(Object.keys(e.attributes)).toHaveLength(2);
  });
});

describe("ps forms", () => {
  const envs: EnvironmentData[] = [
    {
      project: "p1",
      kind: "test",
      networks: [],
      services: {
        web: {
          name: "web",
          containers: [
            { id: "w1", name: "p1-web-1", number: 1, state: "STARTING", ports: [{ containerPort: 80, protocol: "tcp", hostIp: "127.0.0.1", hostPort: 4000 }] },
          ],
        },
        job: { name: "job", containers: [{ id: "j1", name: "p1-job-1", number: 1, state: "COMPLETED", ports: [], exitCode: 0 }] },
        db: { name: "db", containers: [{ id: "d1", name: "p1-db-1", number: 1, state: "STOPPED", ports: [], notStarted: true }] },
      },
    },
  ];

  it("-q: container IDs; --services: names; --format json: compose's fields; otherwise berth's table", () => {
    expect(psLines(envs, { quiet: true })).toEqual(["w1", "j1", "d1"]);
    expect(psLines(envs, { servicesOnly: true })).toEqual(["db", "job", "web"]);
    expect(psLines(envs, { format: "table" })).toBeUndefined();
    const json = psLines(envs, { format: "json" })!.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(json[0]).toEqual({
      ID: "w1",
      Name: "p1-web-1",
      Project: "p1",
      Service: "web",
      State: "running",
      Health: "starting",
      ExitCode: 0,
      Publishers: [{ URL: "127.0.0.1", TargetPort: 80, PublishedPort: 4000, Protocol: "tcp" }],
    });
    expect(json.map((j) => [j.State, j.Health])).toEqual([
      ["running", "starting"],
      ["exited", ""],
      ["created", ""],
    ]);
  });
});

describe("--project-directory", () => {
  it("is a global option with a value: the command word and run's command are found after it", () => {
    expect(commandWord(["--project-directory", "app", "up"])).toBe("up");
    // `run SERVICE CMD…`: the command's own options stay its own, after the service.
    expect(protectCommandArgs(["--project-directory", "app", "run", "db", "psql", "-p", "5432"])).toEqual([
      "--project-directory",
      "app",
      "run",
      "db",
      "--",
      "psql",
      "-p",
      "5432",
    ]);
  });

  it("finds the default file and .env there, and resolves the file's relative paths against it; -f stays relative to cwd", async () => {
    const base = mkdtempSync(join(tmpdir(), "berth-projdir-"));
    onTestFinished(() => rmSync(base, { recursive: true, force: true }));
    const app = join(base, "app");
    mkdirSync(join(base, "other"), { recursive: true });
    mkdirSync(app);
    writeFileSync(join(app, "compose.yaml"), "services:\n  web:\n    image: ${IMAGE}\n    volumes: ['./data:/data']\n");
    writeFileSync(join(app, ".env"), "IMAGE=from-app-env\n");
    writeFileSync(join(base, "other", "compose.yaml"), "services:\n  api:\n    image: x\n    volumes: ['./data:/data']\n");

    const found = await loadProject({ cwd: base, projectDirectory: "app", env: {} });
    expect(found.services.web!.image).toBe("from-app-env");
    expect(found.services.web!.volumes[0]!.source).toBe(join(app, "data"));

    const named = await loadProject({ cwd: base, files: ["other/compose.yaml"], projectDirectory: "app", env: {} });
    expect(named.services.api!.volumes[0]!.source).toBe(join(app, "data"));
    await expect(loadProject({ cwd: base, projectDirectory: "missing", env: {} })).rejects.toThrow(/project directory .* does not exist/);
    // acquire() hands it to the loader too (which fails before any engine is asked).
    await expect(acquire({ cwd: base, projectDirectory: "missing", env: {}, inheritEnv: false })).rejects.toThrow(/project directory .* does not exist/);
  });
});
