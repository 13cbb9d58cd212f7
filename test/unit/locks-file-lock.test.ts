/** Cross-process locks: exclusion, timeout naming the holder, takeover from a dead holder. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isBerthError } from "../../src/errors.js";
import { acquireLock, sweepDeadLocks, withLock } from "../../src/locks/file-lock.js";

const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), "berth-lock-test-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("file locks", () => {
  it("serializes holders within and across calls", async () => {
    const dir = freshDir();
    const order: string[] = [];
    const job = (id: string) =>
      withLock("shared-env", { dir, timeoutMs: 5000 }, async () => {
        order.push(`${id}+`);
        await new Promise((r) => setTimeout(r, 30));
        order.push(`${id}-`);
      });
    await Promise.all([job("a"), job("b"), job("c")]);
    // Never two inside at once: every "+" is followed by its own "-".
    for (let i = 0; i < order.length; i += 2) expect(order[i]!.slice(0, 1)).toBe(order[i + 1]!.slice(0, 1));
  });

  it("on timeout, names the holder: pid, command and since when", async () => {
    const dir = freshDir();
    const held = await acquireLock("ports-range", { dir, command: "berth up -f compose.yml" });
    const err = await acquireLock("ports-range", { dir, timeoutMs: 100 }).catch((e: unknown) => e);
    expect(isBerthError(err, "LOCK_TIMEOUT")).toBe(true);
    expect((err as Error).message).toContain(`pid ${process.pid}`);
    expect((err as Error).message).toContain("berth up -f compose.yml");
    expect((err as Error).message).toMatch(/since \d{4}-\d\d-\d\dT/);
    await held.release();
    await (await acquireLock("ports-range", { dir, timeoutMs: 100 })).release();
  });

  it("a lock whose holder process died is taken over", async () => {
    const dir = freshDir();
    const child = spawn(process.execPath, ["-e", "0"]);
    const pid = child.pid!;
    await new Promise((r) => child.on("exit", r));
    writeFileSync(
      join(dir, "cleanup.lock"),
      JSON.stringify({ pid, started: Date.now(), host: hostname(), command: "killed", since: new Date().toISOString(), token: "dead" }),
    );
    const lock = await acquireLock("cleanup", { dir, timeoutMs: 1000 });
    expect(JSON.parse(readFileSync(lock.path, "utf8")).pid).toBe(process.pid);
    await lock.release();
  });

  it("the sweep removes the lock files of dead holders only: a live holder's stays, other files stay", async () => {
    const dir = freshDir();
    const child = spawn(process.execPath, ["-e", "0"]);
    const pid = child.pid!;
    await new Promise((r) => child.on("exit", r));
    const dead = { pid, started: Date.now(), host: hostname(), command: "killed", since: new Date().toISOString(), token: "dead" };
    writeFileSync(join(dir, "project-a.lock"), JSON.stringify(dead));
    writeFileSync(join(dir, "admission-x.last-key"), "k");
    const live = await acquireLock("project-b", { dir });
    expect(sweepDeadLocks({ BERTH_LOCK_DIR: dir })).toEqual(["project-a.lock"]);
    expect(existsSync(join(dir, "project-a.lock"))).toBe(false);
    expect(existsSync(live.path)).toBe(true);
    expect(existsSync(join(dir, "admission-x.last-key"))).toBe(true);
    await live.release();
  });

  it("release never removes a lock someone else holds now", async () => {
    const dir = freshDir();
    const a = await acquireLock("x", { dir });
    rmSync(a.path);
    const b = await acquireLock("x", { dir, timeoutMs: 100 });
    await a.release();
    const err = await acquireLock("x", { dir, timeoutMs: 50 }).catch((e: unknown) => e);
    expect(isBerthError(err, "LOCK_TIMEOUT")).toBe(true);
    await b.release();
  });
});
