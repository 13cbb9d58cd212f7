/**
 * The CLI end to end on one shared busybox environment: every service command, its --json shape,
 * and the exit code of each failure class.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berth, engine, lastJson, resourcesOf, stack, uniqueName } from "./helpers.js";

const file = stack("cli-ops.yml");
const project = uniqueName("berth-cli");
const p = ["-p", project];

interface Env {
  project: string;
  services: Record<
    string,
    { containers: { name: string; state: string; ports: { containerPort: number; protocol: string; hostIp: string; hostPort: number }[] }[] }
  >;
}

async function status(): Promise<Env> {
  const r = await berth(["status", project, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { environments: Env[] }).environments[0]!;
}

describe("berth CLI on a running environment", () => {
  let events: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const up = await berth(["up", "-f", file, ...p, "--json"]);
    expect(up.code, up.stderr).toBe(0);
    events = up.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    // `status` reports the engine's health, which follows berth's readiness by up to one interval (1 s).
    let states: string[] = [];
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
      states = Object.values((await status()).services).map((s) => s.containers[0]!.state);
      if (states.every((s) => s === "HEALTHY")) break;
    }
    expect(states).toEqual(["HEALTHY", "HEALTHY"]);
  });

  afterAll(async () => {
    await berth(["down", project]);
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("up --json: one event object per line, then the result", () => {
    const result = events[events.length - 1]!;
    expect(result).toMatchObject({ type: "result", ok: true, environment: { project } });
    expect(typeof result.elapsedMs).toBe("number");
    const types = new Set(events.slice(0, -1).map((e) => e.type));
    expect([...types].sort()).toEqual(expect.arrayContaining(["plan", "ready", "step"]));
    for (const e of events.slice(0, -1)) expect(e).toMatchObject({ project, at: expect.any(Number) });
    const ready = events.filter((e) => e.type === "ready").map((e) => e.service);
    expect(ready).toEqual(["web", "worker-1"]); // dependency order
  });

  it("status shows each container's state, since when, CPU and memory from the engine's stats, and ports", async () => {
    const r = await berth(["status", project]);
    expect(r.code, r.stderr).toBe(0);
    const [title, header, ...rows] = r.stdout.trim().split("\n");
    expect(title).toContain(project);
    expect(header!.split(/\s{2,}/)).toEqual(["SERVICE", "STATE", "SINCE", "CPU", "MEMORY", "PORTS"]);
    const web = rows.find((l) => l.startsWith("web "))!;
    expect(web).toMatch(/^web\s+HEALTHY\s+\d+[smh]\s+\d+\.\d%\s+[\d.]+(B|KiB|MiB) \/ [\d.]+(MiB|GiB)\s+127\.0\.0\.1:\d+->8080\/tcp/);
    const json = await berth(["status", project, "--json"]);
    const container = (JSON.parse(json.stdout) as { environments: { services: Record<string, { containers: Record<string, unknown>[] }> }[] }).environments[0]!
      .services.web!.containers[0]!;
    expect(container).toMatchObject({
      restarts: 0,
      since: expect.any(String),
      usage: { cpuPercent: expect.any(Number), memoryBytes: expect.any(Number), memoryLimitBytes: expect.any(Number) },
    });
    expect((container.usage as { memoryBytes: number }).memoryBytes).toBeGreaterThan(0);
    const quick = await berth(["status", project, "--no-stats"]);
    expect(quick.stdout.split("\n")[1]!.split(/\s{2,}/)).toEqual(["SERVICE", "STATE", "SINCE", "PORTS"]);
  });

  it("env prints the connection variables in dotenv, export and json form", async () => {
    const env = await status();
    const web = env.services.web!.containers[0]!.ports[0]!;
    const dotenv = await berth(["env", ...p]);
    expect(dotenv.code, dotenv.stderr).toBe(0);
    expect(dotenv.stdout).toContain(`BERTH_PROJECT=${project}\n`);
    expect(dotenv.stdout).toContain(`WEB_HOST=127.0.0.1\nWEB_PORT=${web.hostPort}\nWEB_PORT_8080=${web.hostPort}\n`);
    // "worker-1" → WORKER_1; its first published port is the TCP one; the UDP one gets its own variable.
    expect(dotenv.stdout).toMatch(/WORKER_1_PORT=\d+\nWORKER_1_PORT_9000=\d+\nWORKER_1_PORT_9001=\d+/);
    const exported = await berth(["env", ...p, "--format", "export", "--env-prefix", "IT_"]);
    expect(exported.stdout).toContain(`export IT_WEB_PORT=${web.hostPort}\n`);
    expect(exported.stdout).toContain(`export BERTH_PROJECT=${project}`);
    // What `eval` makes of it is what the variables say.
    expect(execFileSync("bash", ["-c", `eval "$1"; echo "$IT_WEB_HOST:$IT_WEB_PORT"`, "_", exported.stdout]).toString().trim()).toBe(
      `127.0.0.1:${web.hostPort}`,
    );
    const json = JSON.parse((await berth(["env", ...p, "--json"])).stdout) as Record<string, string>;
    expect(json.WEB_PORT).toBe(String(web.hostPort));
  });

  it("port prints host:port, and says what is published when asked for something that is not", async () => {
    const env = await status();
    const r = await berth(["port", ...p, "web", "8080"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`127.0.0.1:${env.services.web!.containers[0]!.ports[0]!.hostPort}`);
    const json = JSON.parse((await berth(["port", ...p, "worker-1", "9001/udp", "--json"])).stdout) as Record<string, unknown>;
    expect(json).toMatchObject({ service: "worker-1", containerPort: 9001, protocol: "udp", hostIp: "127.0.0.1" });
    const missing = await berth(["port", ...p, "web", "9999"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("publishes no port 9999");
    expect(missing.stderr).toContain("Published: 8080");
    const bad = await berth(["port", ...p, "web", "http"]);
    expect(bad.code).toBe(2);
  });

  it("logs: every service's lines with the container's name, --tail, and --json lines", async () => {
    const r = await berth(["logs", ...p, "--no-color"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${project}-web-1\\s+\\| web: serving`));
    expect(r.stdout).toMatch(/worker-1-1 \| worker: started/);
    expect(r.stdout).toContain("worker: oops");
    const one = await berth(["logs", ...p, "worker-1", "--tail", "1", "--no-prefix"]);
    expect(one.stdout.trim().split("\n")).toHaveLength(1);
    const json = (await berth(["logs", ...p, "web", "--json", "--timestamps"])).stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(json[0]).toMatchObject({ service: "web", container: `${project}-web-1`, text: "web: serving" });
    expect(Date.parse(json[0]!.time!)).toBeGreaterThan(0);
    const unknown = await berth(["logs", ...p, "nosuch"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no service "nosuch"');
  });

  it("exec streams stdout and stderr apart and exits with the command's code; its options stay its own", async () => {
    const r = await berth(["exec", ...p, "-e", "GREETING=hi", "web", "sh", "-c", 'echo "$GREETING $1"; echo to-stderr >&2; exit 7', "sh", "-p"]);
    expect(r.code).toBe(7);
    expect(r.stdout).toBe("hi -p\n");
    expect(r.stderr).toBe("to-stderr\n");
    const none = await berth(["exec", ...p, "nosuch", "true"]);
    expect(none.code).toBe(1);
  });

  it("restart re-reads the ports the engine hands out again and waits until healthy", async () => {
    const r = await berth(["restart", ...p, "--services", "web", "--stop-timeout", "1", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    // worker-1 depends on web: it is stopped and started again once web is ready.
    expect(lastJson(r.stdout)).toMatchObject({ ok: true, operation: "restart", containers: [`${project}-web-1`, `${project}-worker-1-1`] });
    const env = await status();
    expect(env.services.web!.containers[0]!.state).not.toBe("STOPPED");
    const res = await fetch(`http://127.0.0.1:${env.services.web!.containers[0]!.ports[0]!.hostPort}/`);
    expect((await res.text()).trim()).toBe("hello");
  });

  it("stop and start a service", async () => {
    const stop = await berth(["stop", ...p, "worker-1", "--stop-timeout", "1"]);
    expect(stop.code, stop.stderr).toBe(0);
    expect((await status()).services["worker-1"]!.containers[0]!.state).toBe("STOPPED");
    const exec = await berth(["exec", ...p, "worker-1", "true"]);
    expect(exec.code).toBe(1);
    expect(exec.stderr).toContain("berth start");
    const start = await berth(["start", ...p, "worker-1"]);
    expect(start.code, start.stderr).toBe(0);
    expect(start.stdout).toContain(`Started 1 container of ${project}`);
    // `start` waited for readiness; status reports the engine's health, which may still say starting.
    expect(["HEALTHY", "STARTING"]).toContain((await status()).services["worker-1"]!.containers[0]!.state);
    expect((await berth(["exec", ...p, "worker-1", "test", "-f", "/ready"])).code).toBe(0);
  });

  it("wait: 0 when every service is ready", async () => {
    const r = await berth(["wait", ...p, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(lastJson(r.stdout)).toMatchObject({ ok: true, operation: "wait", containers: [`${project}-web-1`, `${project}-worker-1-1`] });
  });

  it("commands that need an environment say which ones exist when the name is wrong", async () => {
    const r = await berth(["env", "-p", `${project}-nope`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no berth environment named ${project}-nope`);
  });
});

describe("berth CLI without an environment", () => {
  it("config prints the resolved project, its services, and exits 2 on an invalid file", async () => {
    const services = await berth(["config", "-f", file, "--services"]);
    expect(services.stdout).toBe("web\nworker-1\n");
    const json = JSON.parse((await berth(["config", "-f", file, "--json"])).stdout) as { services: Record<string, { ports: unknown[] }> };
    expect(json.services.web!.ports).toHaveLength(1);
    const yaml = await berth(["config", "-f", file]);
    expect(yaml.stdout).toMatch(/services:\n/);
    const invalid = await berth(["config", "-f", stack("does-not-exist.yml")]);
    expect(invalid.code).toBe(2);
  });

  it("wait exits 4 when a service is not ready before --timeout", async () => {
    const stuck = uniqueName("berth-cli-wait");
    try {
      const up = await berth(["up", "-f", stack("never-healthy.yml"), "-p", stuck, "--timeout", "2s", "--keep-on-failure"]);
      expect(up.code).toBe(4);
      const r = await berth(["wait", "-p", stuck, "stuck", "--timeout", "1500ms"]);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain("service stuck");
      expect(r.stderr).toContain("did not become ready in time");
      expect((await berth(["wait", "-p", stuck, "base", "--timeout", "5s"])).code).toBe(0);
    } finally {
      await berth(["down", stuck]);
    }
    expect(await resourcesOf(await engine(), stuck)).toEqual([]);
  });

  it("version and --version; exit 3 when the engine does not answer", async () => {
    const short = await berth(["--version"]);
    expect(short.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const v = JSON.parse((await berth(["version", "--json"])).stdout) as { berth: string; engine: { apiVersion: string } };
    expect(v.berth).toBe(short.stdout.trim());
    expect(v.engine.apiVersion).toMatch(/^1\.\d+$/);
    const down = await berth(["version"], { env: { DOCKER_HOST: "unix:///tmp/berth-no-engine.sock" } });
    expect(down.code).toBe(3);
    expect(down.stdout).toContain("engine  unreachable");
    const env = await berth(["env"], { env: { DOCKER_HOST: "unix:///tmp/berth-no-engine.sock" } });
    expect(env.code).toBe(3);
  });

  it("--help on every command, with examples; bad usage exits 2", async () => {
    const help = await berth(["--help"]);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z]+)[| ]/gm)].map((m) => m[1]!).filter((c) => c !== "help");
    expect(commands).toEqual(
      expect.arrayContaining([
        "up",
        "down",
        "status",
        "run",
        "env",
        "port",
        "logs",
        "exec",
        "restart",
        "stop",
        "start",
        "wait",
        "config",
        "version",
        "completion",
      ]),
    );
    for (const c of commands) {
      const r = await berth([c, "--help"]);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toContain("Examples:");
    }
    expect((await berth(["frobnicate"])).code).toBe(2);
    expect((await berth(["logs", "--tail", "many"])).code).toBe(2);
  });

  it("completion scripts for bash (valid syntax), zsh and fish name every command", async () => {
    const bash = await berth(["completion", "bash"]);
    expect(() => execFileSync("bash", ["-n"], { input: bash.stdout })).not.toThrow();
    const words = execFileSync("bash", ["-c", `${bash.stdout}\nCOMP_WORDS=(berth lo); COMP_CWORD=1; _berth; echo "\${COMPREPLY[@]}"`]).toString();
    expect(words.trim()).toBe("logs");
    const zsh = await berth(["completion", "zsh"]);
    expect(zsh.stdout).toMatch(/^#compdef berth/);
    expect(zsh.stdout).toContain("'restart:");
    const fish = await berth(["completion", "fish"]);
    expect(fish.stdout).toContain("complete -c berth -n __fish_use_subcommand -a exec");
    expect((await berth(["completion", "tcsh"])).code).toBe(2);
  });
});
