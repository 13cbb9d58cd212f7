/**
 * The watchdog of `berth run` (src/cli/commands/run-watchdog.ts) on real processes: started before
 * CMD and told CMD's pid as CMD is spawned, it stops CMD's tree even when berth is SIGKILLed right
 * after the spawn, or even before it could hand over the pid (CMD found by its token), and touches
 * nothing when berth dies before CMD or after stopping it, nor when CMD's pid went to another process.
 */
import { execFileSync, spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { WATCHDOG_SCRIPT } from "../../src/cli/commands/run-watchdog.js";
import { root } from "./helpers.js";

/**
 * In a pid namespace of its own (so that ns_last_pid can hand a pid out again): the watchdog is told
 * CMD's pid, CMD ends, another process gets the same pid, and then berth's end of the pipe closes.
 * Prints "<CMD's pid> <the other's pid> alive|stopped". $1 is the watchdog's script; background
 * processes do not inherit berth's end of the pipe (4>&-), which would hold it open. The 2 s sleep
 * gives the watchdog time to read the pid and note CMD's start time before CMD ends.
 */
const REUSE_DRIVER = `script=$1
dir=$(mktemp -d); mkfifo "$dir/pipe"
sh -c "$script" berth-watchdog "" < "$dir/pipe" &
dog=$!
exec 4> "$dir/pipe"
sleep 60 4>&- & a=$!
echo "$a" >&4
sleep 2 4>&-
kill "$a"; wait "$a" 2>/dev/null
echo $((a - 1)) > /proc/sys/kernel/ns_last_pid
sleep 60 4>&- & b=$!
exec 4>&-
wait "$dog"
if kill -0 "$b" 2>/dev/null; then state=alive; else state=stopped; fi
echo "$a $b $state"
kill "$b" 2>/dev/null; rm -rf "$dir"`;

/** Root on Linux with util-linux's unshare: what the pid-reuse test needs. */
const canUnshare = (() => {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
  try {
    execFileSync("unshare", ["--pid", "--fork", "--mount-proc", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

const running = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Runs the stand-in for berth; the pids CMD printed (sh, its sleep), or none when there was no CMD. */
async function standIn(mode: "watch" | "early" | "stop" | "window"): Promise<{ pids: number[] }> {
  const child = spawn(process.execPath, [`${root}test/integration/run-watchdog-child.mjs`, mode], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  const status = await new Promise<string | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
  expect(status).toBe("SIGKILL");
  // CMD writes its pids after the stand-in died, maybe: give it a moment.
  for (let i = 0; i < 100 && mode !== "early" && !out.includes("\n"); i++) await new Promise((r) => setTimeout(r, 20));
  const pids = out.trim() ? out.trim().split(" ").map(Number) : [];
  return { pids };
}

async function gone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (pids.some(running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(running);
}

/** Runs the stand-in `rounds` times: each time CMD and its child must be gone within 10 s of its death. */
async function expectStopped(mode: "watch" | "window", rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const { pids } = await standIn(mode);
    expect(pids).toHaveLength(2);
    try {
      expect(await gone(pids, 10_000), `round ${round}: CMD outlived the killed berth`).toEqual([]);
    } finally {
      for (const p of pids.filter(running)) process.kill(p, "SIGKILL");
    }
  }
}

describe("berth run's watchdog", () => {
  it("stops CMD and its children when berth is SIGKILLed the moment after spawning CMD", () => expectStopped("watch", 5));

  it("stops CMD and its children when berth dies after spawning CMD but before handing over its pid (found by its token)", () => expectStopped("window", 3));

  it.skipIf(!canUnshare)("leaves alone the process that got CMD's pid after CMD ended, when berth dies then", () => {
    const out = execFileSync("unshare", ["--pid", "--fork", "--mount-proc", "sh", "-c", REUSE_DRIVER, "driver", WATCHDOG_SCRIPT], { timeout: 30_000 })
      .toString()
      .trim();
    const [cmd, other, state] = out.split(" ");
    expect(other, `the driver could not hand CMD's pid out again: ${out}`).toBe(cmd);
    expect(state).toBe("alive");
  });

  it("leaves CMD alone once berth stopped it (CMD's exit), and does nothing when berth dies before CMD", async () => {
    const { pids } = await standIn("stop");
    expect(pids).toHaveLength(2);
    try {
      // Longer than the watchdog takes to act when it does (under a second here).
      await new Promise((r) => setTimeout(r, 1500));
      expect(pids.filter(running)).toEqual(pids);
    } finally {
      for (const p of pids.filter(running)) process.kill(p, "SIGKILL");
    }
    const early = await standIn("early");
    expect(early.pids).toEqual([]);
  });
});
