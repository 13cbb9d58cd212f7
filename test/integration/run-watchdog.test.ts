/**
 * The watchdog of `berth run` (src/cli/commands/run-watchdog.ts) on real processes: started before
 * CMD and told CMD's pid as CMD is spawned, it stops CMD's tree even when berth is SIGKILLed right
 * after the spawn, or even before it could hand over the pid (CMD found by its token), and touches
 * nothing when berth dies before CMD or after stopping it.
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { root } from "./helpers.js";

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
