/**
 * berth/jest's pool mode in a real Jest run (test/fixtures/jest-pool): 4 test files, 2 workers, a
 * pool of 2 of the busybox snapshot stack that the global setup starts. Files that run at the same
 * time hold different members; every file finds only the seed data (a member that serves a second
 * file was reset in between); afterwards nothing of the pool is left.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { engine, root, uniqueName } from "./helpers.js";

const dir = `${root}test/fixtures/jest-pool`;
const LABEL = "dev.berth.test-jest-pool";

interface Seen {
  file: string;
  project: string;
  before: string;
  start: number;
  end: number;
}

describe("berth/jest with a pool", () => {
  it("gives each of 4 files its own member of a pool of 2, reset between files, and leaves nothing", async () => {
    const id = uniqueName("jest-pool");
    const logs = mkdtempSync(join(tmpdir(), "berth-jest-pool-"));
    const log = join(logs, "seen.ndjson");
    const labels = [process.env.BERTH_LABELS, `${LABEL}=${id}`].filter(Boolean).join(",");
    const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", BERTH_LABELS: labels, JEST_POOL_LOG: log };
    const r = await new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, [`${root}node_modules/jest/bin/jest.js`, "--ci"], { cwd: dir, env }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr }),
      ),
    );
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Tests:\s+4 passed, 4 total/);

    const text = readFileSync(log, "utf8");
    rmSync(logs, { recursive: true, force: true });
    const seen = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Seen);
    expect(seen.map((s) => s.file).sort()).toEqual(["a.test.cjs", "b.test.cjs", "c.test.cjs", "d.test.cjs"]);
    // Each file found /data as the snapshot has it: only the seed, no other file's mark.
    expect(seen.map((s) => s.before)).toEqual(seen.map(() => "seed"));
    // Files holding their member at the same time hold different ones.
    for (const a of seen)
      for (const b of seen) if (a !== b && a.start < b.end && b.start < a.end) expect(a.project, `${a.file} and ${b.file} overlap`).not.toBe(b.project);
    // The pool starts a member for each claim (its size counts unclaimed ones), so whether a member
    // serves a second file depends on timing; one that does was reset in between (the check above).

    const e = await engine();
    const mine = { [LABEL]: id };
    const [c, n, v] = await Promise.all([e.listContainers(mine), e.listNetworks(mine), e.listVolumes(mine)]);
    expect([...c, ...n, ...v].map((x) => x.name)).toEqual([]);
  });
});
