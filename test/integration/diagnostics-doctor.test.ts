/**
 * `berth doctor` against the real engine: a healthy engine passes; an image the file needs but
 * the engine lacks fails with how to get it; a stale lock and an unreachable engine are named.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LABEL } from "../../src/labels.js";
import { berth, engine, stack, uniqueName } from "./helpers.js";

interface Check {
  name: string;
  status: "PASS" | "WARN" | "FAIL";
  detail: string;
  fix: string | null;
}

const lockDir = mkdtempSync(join(tmpdir(), "berth-doctor-locks-"));
// Other test files run environments on this engine at the same time: keep the container cap out of the way.
const env = { BERTH_LOCK_DIR: lockDir, BERTH_MAX_CONTAINERS: "1000", BERTH_PORT_RANGE: "30000-39999" };

afterAll(() => rmSync(lockDir, { recursive: true, force: true }));

describe("berth doctor", () => {
  it("a healthy engine: every check passes or warns, exit 0, with the engine's facts", async () => {
    const r = await berth(["doctor", "--json"], { env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const checks = (JSON.parse(r.stdout) as { checks: Check[] }).checks;
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual([
      "admission queue",
      "berth containers",
      "berth port range",
      "cgroups",
      "disk",
      "engine",
      "engine address pools",
      "engine choice",
      "locks",
      "memory",
      "orphans",
      "port range",
      "stale networks",
      "storage driver",
      "subnet pool",
    ]);
    expect(byName.engine!.status).toBe("PASS");
    expect(byName["engine choice"]!.detail).toMatch(/^unix:\/\/\S+: /);
    expect(byName.engine!.detail).toMatch(/^Docker \d+\.\d+\S* at unix:\/\/\S+, API 1\.\d+ \(berth speaks 1\.\d+\)/);
    expect(byName["storage driver"]!.detail).toMatch(/^[a-z0-9-]+/);
    expect(byName.cgroups!.detail).toMatch(/^cgroup v[12] \((cgroupfs|systemd)\)/);
    expect(byName.memory!.detail).toMatch(/available of .* GiB; berth's floor 4\.0 GiB/);
    expect(byName.disk!.detail).toMatch(/free of .* at \/var\/lib\/docker$/);
    expect(byName["subnet pool"]!.detail).toMatch(/^\d+ of 4096 \/28 networks free in 10\.213\.0\.0\/16/);
    expect(byName["port range"]!.detail).toMatch(/^ephemeral range \d+-\d+: \d+ of \d+ free/);
    expect(byName["berth port range"]!.detail).toMatch(/^BERTH_PORT_RANGE 30000-39999: \d+ of 10000 free/);
    for (const c of checks) {
      expect(c.status, `${c.name}: ${c.detail}`).not.toBe("FAIL");
      expect(c.fix === null, c.name).toBe(c.status === "PASS");
    }
  });

  it("a missing image: FAIL naming the image and its service, how to get it, exit 1", async () => {
    const r = await berth(["doctor", "-f", stack("missing-image.yml")], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+images\s+berth-fixtures\/does-not-exist:1 \(service ghost\) is not on the engine; 1 other present/);
    expect(r.stdout).toContain("fix: Build it with `bash scripts/build-images.sh`.");
    expect(r.stdout).toMatch(/\d+ checks: \d+ passed, \d+ warnings, 1 failed/);
  });

  it("the images of a complete file are all present", async () => {
    const r = await berth(["doctor", "-f", stack("small.yml"), "--json"], { env });
    const images = (JSON.parse(r.stdout) as { checks: Check[] }).checks.filter((c) => c.name === "images");
    expect(images).toEqual([{ name: "images", status: "PASS", detail: expect.stringMatching(/^all 1 image of .*small\.yml present$/), fix: null }]);
  });

  it("a lock whose holder died: WARN naming the file and the holder", async () => {
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
    const holder = { pid: dead, started: Date.now() - 1000, host: hostname(), command: "berth up (crashed)", since: new Date().toISOString(), token: "t" };
    writeFileSync(join(lockDir, "env-shop.lock"), JSON.stringify(holder));
    try {
      const r = await berth(["doctor", "--json"], { env });
      const locks = (JSON.parse(r.stdout) as { checks: Check[] }).checks.find((c) => c.name === "locks")!;
      expect(locks.status).toBe("WARN");
      expect(locks.detail).toContain(`env-shop.lock (pid ${dead}, berth up (crashed)`);
      expect(locks.fix).toContain(join(lockDir, "env-shop.lock"));
    } finally {
      rmSync(join(lockDir, "env-shop.lock"), { force: true });
    }
  });

  it("a berth network left empty by a release (as moby#43286 leaves one): WARN naming it and the cure; nothing removed", async () => {
    // A real stale endpoint needs a dockerd fault; what doctor reads of one is this: a berth network
    // with nothing attached, its project without containers, created minutes ago by a dead owner.
    const e = await engine();
    const project = uniqueName("doctor-stale");
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
    const id = await e.createNetwork({
      name: `${project}_default`,
      labels: {
        [LABEL.managed]: "true",
        [LABEL.project]: project,
        [LABEL.lifetime]: "detached",
        [LABEL.createdAt]: new Date(Date.now() - 5 * 60_000).toISOString(),
        [LABEL.ownerHost]: hostname(),
        [LABEL.ownerPid]: String(dead),
        [LABEL.ownerStarted]: String(Date.now() - 6 * 60_000),
      },
    });
    try {
      const r = await berth(["doctor", "--json"], { env });
      const check = (JSON.parse(r.stdout) as { checks: Check[] }).checks.find((c) => c.name === "stale networks")!;
      expect(check.status).toBe("WARN");
      expect(check.detail).toContain(`${project}_default (project ${project})`);
      // One stale project is named in the command; several (an engine fault left others) are listed after it.
      expect(check.fix).toMatch(new RegExp(`berth down (${project}|PROJECT\` for each of [^;]*${project})`));
      expect(check.fix).toContain("restart dockerd");
      expect(await e.inspectNetwork(id)).not.toBeNull();
    } finally {
      await e.removeNetwork(id);
    }
  });

  it("an unreachable engine: FAIL with how to start one, exit 3; the host's own checks still run", async () => {
    const r = await berth(["doctor", "--json"], { env: { ...env, DOCKER_HOST: "unix:///tmp/berth-no-engine.sock" } });
    expect(r.code).toBe(3);
    const checks = (JSON.parse(r.stdout) as { checks: Check[] }).checks;
    expect(checks[0]).toMatchObject({ name: "engine", status: "FAIL" });
    expect(checks[0]!.detail).toContain("unix:///tmp/berth-no-engine.sock");
    expect(checks[0]!.detail).toContain("(berth chose unix:///tmp/berth-no-engine.sock: DOCKER_HOST=unix:///tmp/berth-no-engine.sock)");
    expect(checks[0]!.fix).toMatch(/Start Docker/);
    expect(checks[0]!.fix).not.toContain("scripts/");
    expect(checks.map((c) => c.name)).toEqual(["engine", "port range", "berth port range", "locks"]);
  });
});
