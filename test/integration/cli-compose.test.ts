/**
 * docker compose's commands and flags end to end, on one shared environment: `up SERVICE` with
 * compose's -d/--wait/--wait-timeout, then ls, ps's forms and events on it, and `down -t`.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berth, engine, resourcesOf, root, stack, uniqueName } from "./helpers.js";

const file = stack("cli-ops.yml");
const project = uniqueName("berth-compose");

describe("docker compose parity on a running environment", () => {
  beforeAll(async () => {
    const up = await berth(["up", "-f", file, "-p", project, "-d", "--wait", "--wait-timeout", "120", "-q", "web"]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout.trim()).toBe(project);
    expect(up.stderr).toContain("berth: note: -d, --wait accepted for docker compose");
  });

  afterAll(async () => {
    const down = await berth(["down", project, "-t", "1", "--remove-orphans"]);
    expect(down.code, down.stderr).toBe(0);
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("up SERVICE: only that service (worker-1, which depends on it, is not created); ps -q and --services", async () => {
    const services = await berth(["ps", project, "--services"]);
    expect(services.stdout.trim().split("\n")).toEqual(["web"]);
    const ids = await berth(["ps", project, "-aq"]);
    expect(ids.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it("ps --format json: one compose-shaped object per container", async () => {
    const r = await berth(["ps", project, "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Project: project, Service: "web", Name: `${project}-web-1`, State: "running", ExitCode: 0 });
    expect(rows[0]!.Publishers).toEqual([{ URL: "127.0.0.1", TargetPort: 8080, PublishedPort: expect.any(Number), Protocol: "tcp" }]);
  });

  it("ls: the environment with running(1) and its compose file; --format json and -q", async () => {
    const table = await berth(["ls"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^NAME +STATUS +CONFIG FILES$/);
    expect(table.stdout).toMatch(new RegExp(`^${project} +running\\(1\\) +${file}$`, "m"));
    const json = JSON.parse((await berth(["ls", "-a", "--format", "json"])).stdout) as { Name: string; Status: string; ConfigFiles: string }[];
    expect(json.find((e) => e.Name === project)).toEqual({ Name: project, Status: "running(1)", ConfigFiles: file });
    expect((await berth(["ls", "-q"])).stdout.split("\n")).toContain(project);
  });

  it("events: the container's events as compose's JSON lines while it restarts, until interrupted", async () => {
    const child = spawn(process.execPath, [`${root}dist/bin/berth.js`, "events", "-p", project, "web"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    const until = async (test: () => boolean, what: string) => {
      for (const end = Date.now() + 30_000; !test(); await new Promise((r) => setTimeout(r, 100))) {
        if (Date.now() > end) throw new Error(`no ${what} in: ${out}`);
      }
    };
    try {
      // The healthcheck's exec runs every second: a first line says the subscription stands.
      await until(() => out.includes("\n"), "first event");
      const restart = await berth(["restart", "-p", project, "web"]);
      expect(restart.code, restart.stderr).toBe(0);
      await until(() => out.includes('"action":"start"'), "start event");
    } finally {
      child.kill("SIGINT");
    }
    expect(await closed).toBe(0);
    const events = out
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { time: string; type: string; action: string; id: string; service: string; attributes: Record<string, string> });
    const restart = events.filter((e) => !e.action.startsWith("exec_"));
    expect(restart.map((e) => e.action)).toEqual(expect.arrayContaining(["kill", "die", "stop", "start", "restart"]));
    for (const e of events) {
      expect(e).toMatchObject({ type: "container", service: "web", id: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(Number.isNaN(Date.parse(e.time))).toBe(false);
      expect(e.attributes.name).toBe(`${project}-web-1`);
    }
  });
});
