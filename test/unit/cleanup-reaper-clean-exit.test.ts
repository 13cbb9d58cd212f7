import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runReaperLoop } from "../../src/cleanup/reaper-loop.js";
import { cleanExitFile, pendingFile, pidFile, reaperKey } from "../../src/cleanup/reaper-files.js";

const dir = mkdtempSync(join(tmpdir(), "berth-reaper-clean-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An owner that has exited: a child process that already ended. */
function deadOwner() {
  const r = spawnSync(process.execPath, ["-e", "0"]);
  return { host: hostname(), pid: r.pid, started: Date.now() - 1000, user: "test" };
}

function loop(owner: ReturnType<typeof deadOwner>, connects: { n: number }) {
  const key = reaperKey(owner, "unix:///var/run/docker.sock");
  return {
    key,
    run: () =>
      runReaperLoop({
        // The engine is asked only when there is something to reap; here it never answers.
        connect: () => {
          connects.n++;
          return Promise.reject(new Error("no engine in a unit test"));
        },
        owner,
        endpoint: "unix:///var/run/docker.sock",
        dir,
        key,
        log: () => undefined,
        pollMs: 10,
        giveUpMs: 0,
      }),
  };
}

describe("the reaper after its owner exits", () => {
  it("leaves at once, without asking the engine, when the owner exited saying nothing is left", async () => {
    const connects = { n: 0 };
    const owner = deadOwner();
    const { key, run } = loop(owner, connects);
    writeFileSync(cleanExitFile(dir, key), String(owner.pid));
    expect(await run()).toBe("owner left cleanly");
    expect(connects.n).toBe(0);
    expect(existsSync(cleanExitFile(dir, key))).toBe(false);
    expect(existsSync(pidFile(dir, key))).toBe(false);
  });

  it("reaps when the owner left no word (killed), or when an acquire was still pending", async () => {
    const silent = { n: 0 };
    expect(await loop(deadOwner(), silent).run()).toBe("reaped");
    expect(silent.n).toBeGreaterThan(0);

    const pending = { n: 0 };
    const owner = deadOwner();
    const { key, run } = loop(owner, pending);
    writeFileSync(cleanExitFile(dir, key), String(owner.pid));
    writeFileSync(pendingFile(dir, key, "berth-test-x"), "");
    expect(await run()).toBe("reaped");
    expect(pending.n).toBeGreaterThan(0);
  });
});
