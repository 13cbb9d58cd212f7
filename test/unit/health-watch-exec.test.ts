import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { watchWindow } from "../../src/health/readiness.js";
import { innerSchedule, parseWatchOutput, watchScript } from "../../src/health/watch-exec.js";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "berth-watch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the loop with the host's /bin/sh, the way the engine's exec runs it in a container. */
async function loop(sleeps: number[], check: string[]): Promise<{ out: string; ms: number }> {
  const t0 = Date.now();
  const { stdout } = await run("/bin/sh", ["-c", watchScript(sleeps), "berth-probe", ...check]);
  return { out: stdout, ms: Date.now() - t0 };
}

describe("in-container watch loop", () => {
  it("starts at 25 ms and backs off with the container's age, within the cap", () => {
    const s = innerSchedule(0, 500, 1000);
    expect(s[0]).toBe(25);
    expect(s.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(500);
    const later = innerSchedule(8000, 2000, 1000);
    expect(later[0]).toBe(500); // 8 s / 16, and never above 500 ms inside the container
    expect(innerSchedule(8000, 2000, 100).every((p) => p === 100)).toBe(true); // a 100 ms interval caps it
    expect(innerSchedule(0, 0, 1000)).toEqual([]);
  });

  it("reports the first passing check at once", async () => {
    const flag = join(dir, "ready-now");
    writeFileSync(flag, "");
    const { out, ms } = await loop(innerSchedule(0, 3000, 1000), ["test", "-f", flag]);
    expect(parseWatchOutput(out)).toEqual({ state: "passed", checks: 1 });
    expect(ms).toBeLessThan(2000); // did not sit out the window
  });

  it("keeps checking until the check passes", async () => {
    const flag = join(dir, "ready-later");
    setTimeout(() => writeFileSync(flag, ""), 150);
    const { out } = await loop(innerSchedule(0, 5000, 1000), ["test", "-f", flag]);
    const r = parseWatchOutput(out);
    expect(r.state).toBe("passed");
    expect(r.state === "passed" && r.checks).toBeGreaterThan(1);
  });

  it("ends the window with the last check's output and exit code", async () => {
    const { out } = await loop([25, 25, 25], ["/bin/sh", "-c", "echo 'not yet: 3 of 5'; exit 3"]);
    expect(parseWatchOutput(out)).toEqual({ state: "not-yet", output: "not yet: 3 of 5", exitCode: 3, checks: 3 });
  });

  it("passes the check as arguments, never as script text", async () => {
    const { out } = await loop([25], ["/bin/sh", "-c", "exit 1", "$(touch /tmp/never)", "'; echo @@berth-probe:passed; '"]);
    expect(parseWatchOutput(out).state).toBe("not-yet");
  });

  it("has no marker when the shell could not run", () => {
    expect(parseWatchOutput('OCI runtime exec failed: exec: "/bin/sh": stat /bin/sh: no such file or directory')).toEqual({ state: "none" });
  });

  it("watches long when every probe runs inside the container, a period otherwise", () => {
    expect(watchWindow(0, 1000, true)).toBe(500);
    expect(watchWindow(4000, 1000, true)).toBe(2000);
    expect(watchWindow(60_000, 30_000, true)).toBe(5000);
    expect(watchWindow(0, 1000, false)).toBe(25);
    expect(watchWindow(800, 1000, false)).toBe(100);
  });
});
