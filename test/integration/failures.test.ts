/**
 * Bad input and failing services: a clear error, the documented exit code, and nothing left.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { berth, engine, resourcesOf, stack, uniqueName } from "./helpers.js";

/** The hint refers to the log lines printed with the error, which come before it: no "below". */
function expectHintAfterLogLines(stderr: string): void {
  const logs = stderr.indexOf("last log lines:");
  const hint = stderr.indexOf("hint:");
  expect(logs, stderr).toBeGreaterThan(0);
  expect(hint, stderr).toBeGreaterThan(logs);
  expect(stderr.slice(hint)).not.toMatch(/below/);
  expect(stderr.slice(hint)).toContain("shown with this error");
}

describe("failures leave nothing behind", () => {
  it("a missing compose file: exit 2, the path and what to do", async () => {
    const r = await berth(["up", "-f", "/nonexistent/compose.yml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("/nonexistent/compose.yml");
    expect(r.stderr).toMatch(/hint:/);
  });

  it("an engine that does not answer: exit 3 and how to get one", async () => {
    const r = await berth(["up", "-f", stack("chain.yml")], { env: { DOCKER_HOST: "unix:///tmp/berth-no-engine.sock" } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("unix:///tmp/berth-no-engine.sock");
    // The hint speaks to the user's machine, not to this repository's scripts.
    expect(r.stderr).not.toContain("scripts/");
    expect(r.stderr).toMatch(/hint: Start Docker/);
  });

  it("a web server that is not Docker at DOCKER_HOST: exit 3, 'is not a Docker engine' and a hint", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(404, { "content-type": "application/json" });
      res.end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const host = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const r = await berth(["status"], { env: { DOCKER_HOST: host } });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toContain(`the server at ${host} answered, but is not a Docker engine (HTTP 404 for /version)`);
      expect(r.stderr).not.toContain("[object Object]");
      expect(r.stderr).toMatch(/hint: DOCKER_HOST .* points at another service/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("a port range too small for the published ports: exit 2 before anything is created, naming range, count and fix", async () => {
    const project = uniqueName("berth-range");
    const r = await berth(["up", "-f", stack("cli-ops.yml"), "-p", project], { env: { BERTH_PORTS: "range", BERTH_PORT_RANGE: "39980-39980" } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      "port range 39980-39980 (BERTH_PORT_RANGE) holds 1 port, but this environment publishes 2 tcp ports on 127.0.0.1 (web:8080, worker-1:9000); nothing was created",
    );
    expect(r.stderr).toMatch(/hint: Give BERTH_PORT_RANGE at least 2 ports .*--ports dynamic/);
    expect(r.stderr).not.toContain("creating");
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("a port range whose ports are all held by others: PORT_IN_USE naming the range, not the engine's text", async () => {
    const holder = createNetServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as AddressInfo).port;
    const project = uniqueName("berth-range-full");
    try {
      const r = await berth(["up", "-f", stack("fixed-port.yml"), "-p", project, "--ports", "range"], { env: { BERTH_PORT_RANGE: `${port}-${port}` } });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`cannot start: no port of the range ${port}-${port} is free`);
      expect(r.stderr).toMatch(/hint: Release environments that use the range/);
      expect(await resourcesOf(await engine(), project)).toEqual([]);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it("bind mounts of a missing host path: created for the short syntax (as Compose), refused with the fix for the long one", async () => {
    const dir = mkdtempSync(join(tmpdir(), "berth-bind-"));
    try {
      const image = 'image: berth-fixtures/busybox:1\n    init: true\n    command: ["sh", "-c", "touch /data/written; exec sleep 3600"]';
      writeFileSync(join(dir, "short.yml"), `services:\n  app:\n    ${image}\n    volumes: ["./data/sub:/data"]\n`);
      writeFileSync(
        join(dir, "long.yml"),
        `services:\n  app:\n    ${image}\n    volumes:\n      - type: bind\n        source: ./missing\n        target: /data\n`,
      );
      const short = uniqueName("berth-bind-short");
      const up = await berth(["up", "-f", join(dir, "short.yml"), "-p", short]);
      try {
        expect(up.code, up.stderr).toBe(0);
        expect(up.stderr).toContain(`created the missing host directory ${join(dir, "data/sub")}`);
        expect(existsSync(join(dir, "data/sub/written"))).toBe(true);
      } finally {
        await berth(["down", short]);
      }
      const long = uniqueName("berth-bind-long");
      const r = await berth(["up", "-f", join(dir, "long.yml"), "-p", long]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${join(dir, "long.yml")} services.app.volumes[0]: bind mount source ${join(dir, "missing")} does not exist`);
      expect(r.stderr).toContain("bind.create_host_path: true");
      expect(r.stderr).not.toContain("invalid mount config");
      expect(existsSync(join(dir, "missing"))).toBe(false);
      expect(await resourcesOf(await engine(), long)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("status and down of an environment that does not exist: both exit 1 with the same message and hint", async () => {
    const missing = uniqueName("berth-nope");
    const status = await berth(["status", missing]);
    const down = await berth(["down", missing, "-v"]);
    for (const r of [status, down]) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`no berth environment named ${missing} on this engine`);
      expect(r.stderr).toMatch(
        /hint: (Existing there: .*\(`berth status` lists them\)|Nothing of berth's runs on this engine; `berth up -f compose.yml` creates an environment)\./,
      );
    }
    // The same words; which environments exist may change between the two calls (other tests run
    // meanwhile), even from some to none, so the hint's list, or its absence, is not compared.
    const words = (text: string) =>
      text.replace(
        /hint: (Existing there: .*\(`berth status` lists them\)|Nothing of berth's runs on this engine; `berth up -f compose.yml` creates an environment)\./,
        "hint: <what exists>.",
      );
    expect(words(status.stderr)).toBe(words(down.stderr));
    expect((await berth(["status", "-p", missing, "--json"])).code).toBe(1);
  });

  it("an image that is not present: names image and service, creates nothing", async () => {
    const project = uniqueName("berth-missing");
    const r = await berth(["up", "-f", stack("missing-image.yml"), "-p", project]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("berth-fixtures/does-not-exist:1 (service ghost)");
    expect(r.stderr).toContain("build-images.sh");
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("a service that never becomes healthy: exit 4 with probe output, log tail and blocked dependants; rolled back", async () => {
    const project = uniqueName("berth-stuck");
    const r = await berth(["up", "-f", stack("never-healthy.yml"), "-p", project, "--timeout", "4s"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("service stuck");
    expect(r.stderr).toContain("did not become ready in time");
    expect(r.stderr).toContain("probe says no");
    expect(r.stderr).toContain("still waiting for nothing");
    expect(r.stderr).toContain("blocked dependants: after");
    expectHintAfterLogLines(r.stderr);
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("a service that exits: exit 1 naming its exit code and last output; rolled back", async () => {
    const project = uniqueName("berth-crash");
    const r = await berth(["up", "-f", stack("crashing.yml"), "-p", project]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("exited with code 3");
    expect(r.stderr).toContain("fatal: config missing");
    expectHintAfterLogLines(r.stderr);
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("Ctrl-C during up: everything released, exit 130", async () => {
    const project = uniqueName("berth-sigint");
    let pid = 0;
    const run = berth(["up", "-f", stack("never-healthy.yml"), "-p", project, "--timeout", "60s"], { onSpawn: (p) => (pid = p) });
    const e = await engine();
    // Interrupt once the environment exists on the engine.
    for (let i = 0; i < 100 && (await resourcesOf(e, project)).filter((x) => x.startsWith("container")).length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    process.kill(pid, "SIGINT");
    const r = await run;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("interrupted");
    expect(await resourcesOf(e, project)).toEqual([]);
  });
});
