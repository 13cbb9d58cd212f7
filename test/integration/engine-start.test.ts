/**
 * `berth engine start` against an engine of the test's own: a socket, data-root and exec-root no other
 * engine uses, and (as second-engine.ts explains) a network namespace of its own, so the dockerd it
 * starts never meets the machine's main engine. It starts dockerd and waits until it answers; asked
 * again, it starts nothing (the same pid stays in the pidfile); the engine then serves berth.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { berth, root, type RunResult } from "./helpers.js";

const explain = (r: RunResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

describe("berth engine start", () => {
  const id = Math.random().toString(16).slice(2, 8);
  const execRoot = `/run/berth-es-${id}`;
  const dataRoot = `/var/lib/berth-test-engine-${id}`;
  const host = `unix://${execRoot}.sock`;
  const log = `/tmp/berth-test-engine-${id}.log`;
  const args = ["engine", "start", "--host", host, "--data-root", dataRoot, "--exec-root", execRoot, "--log", log];
  const pid = () => Number(readFileSync(`${execRoot}.pid`, "utf8").trim());

  afterAll(async () => {
    try {
      const p = pid();
      process.kill(p, "SIGTERM");
      for (let i = 0; i < 150; i++) {
        try {
          process.kill(p, 0);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    } catch {
      // never started
    }
    for (const path of [dataRoot, execRoot, `${execRoot}.sock`, `${execRoot}.pid`]) rmSync(path, { recursive: true, force: true });
  });

  it("starts dockerd on the given socket, waits until it answers, and never starts a second", () => {
    // berth itself runs in the new namespace, so the dockerd it starts does too.
    const first = execFileSync(
      "unshare",
      ["--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", process.execPath, `${root}dist/bin/berth.js`, ...args],
      {
        env: { ...process.env, DOCKER_HOST: undefined },
      },
    ).toString();
    expect(first).toMatch(new RegExp(`^started dockerd \\(pid \\d+\\) at ${host}; it answered after`));
    const started = pid();
    expect(first).toContain(`pid ${started}`);
    return berth(args).then(async (again) => {
      expect(again.code, explain(again)).toBe(0);
      expect(again.stdout.trim()).toBe(`an engine already answers at ${host}`);
      expect(pid()).toBe(started);
      const version = await berth(["version", "--json"], { env: { DOCKER_HOST: host } });
      expect(JSON.parse(version.stdout)).toMatchObject({ engine: { endpoint: host } });
    });
  });
});
