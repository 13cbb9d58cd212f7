/**
 * Admission control across processes (src/guards/admission.ts), on a private second engine so
 * that nothing else counts against the cap and every container on it is this test's: many
 * `berth` processes asking at once never take the engine past the cap, those that cannot get a
 * turn in time fail saying so and leave nothing, and killed waiters or acquirers do not block
 * the queue.
 */
import { describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import { LABEL } from "../../src/labels.js";
import { berth, stack, type RunResult } from "./helpers.js";
import { caseEnv, caseResources, spawnAcquirer, tempDir, waitGone, type Acquirer } from "./safety-helpers.js";
import { useSecondEngine } from "./second-engine.js";

const file = stack("admission.yml");
const TICKETS = { [LABEL.managed]: "true", "dev.berth.admission.key": true } as const;

/** Samples the number of berth containers on the engine every 100 ms until stopped; keeps the largest. */
function sampleContainers(e: Engine): { stop: () => Promise<{ max: number; samples: number }> } {
  let running = true;
  let max = 0;
  let samples = 0;
  const loop = (async () => {
    while (running) {
      const n = (await e.listContainers({ [LABEL.managed]: "true" })).length;
      max = Math.max(max, n);
      samples++;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { max, samples };
    },
  };
}

describe("admission control", () => {
  const bed = useSecondEngine();
  const env = (caseId: string, extra: Record<string, string> = {}) =>
    caseEnv(caseId, { DOCKER_HOST: bed.second.host, BERTH_MAX_CONTAINERS: "9", BERTH_MIN_FREE_MEMORY: "0", ...extra });

  it("40 processes ask for a 3-service environment at once with a cap of 9: all succeed, never more than 9 containers", async () => {
    const count = Number(process.env.BERTH_TEST_ADMISSION_N ?? 40);
    const caseId = `admission-many-${process.pid}`;
    const sampler = sampleContainers(bed.e);
    const t0 = Date.now();
    // Each run's own deadline (7 min) ends before the test's (10 min), so that a run that never
    // finishes fails here with its timeline instead of the test timing out without one.
    const runs = await Promise.all(
      Array.from({ length: count }, async () => {
        const started = Date.now();
        const r = await berth(["run", "-f", file, "--timeout", "7m", "--", "true"], { env: env(caseId) });
        return { ...r, ms: Date.now() - started };
      }),
    );
    const totalMs = Date.now() - t0;
    const { max, samples } = await sampler.stop();
    const slowest = runs.reduce((a, b) => (b.ms > a.ms ? b : a));
    process.stderr.write(
      `[admission] ${count} environments through a cap of 9 in ${(totalMs / 1000).toFixed(1)} s; at most ${max} containers in ${samples} samples; ` +
        `the slowest run took ${(slowest.ms / 1000).toFixed(1)} s\n`,
    );
    // A failed run's whole output: its timeline says where it stalled.
    expect(runs.map((r) => (r.code === 0 ? "ok" : r.stderr))).toEqual(Array(count).fill("ok"));
    expect(max).toBeLessThanOrEqual(9);
    // They did run side by side (three at a time fit), not one after the other.
    expect(max).toBeGreaterThan(3);
    expect(runs.some((r) => /waiting for capacity: \d+\/9 berth containers in use/.test(r.stderr))).toBe(true);
    expect(await bed.e.listVolumes(TICKETS)).toEqual([]);
    expect(await caseResources(bed.e, caseId)).toEqual([]);
  });

  it("those whose timeout ends in the queue fail naming the cap and the queue, and leave nothing; the others succeed", async () => {
    const caseId = `admission-timeout-${process.pid}`;
    // Three environments hold the whole cap for a while.
    const holders = Array.from({ length: 3 }, () => berth(["run", "-f", file, "--timeout", "5m", "--", "sleep", "20"], { env: env(caseId) }));
    await until(async () => (await bed.e.listContainers({ [LABEL.managed]: "true" })).length === 9, 120_000, "the holders' 9 containers");
    const sampler = sampleContainers(bed.e);
    const late = await Promise.all(Array.from({ length: 3 }, () => berth(["up", "-f", file, "--timeout", "3s"], { env: env(caseId) })));
    // One that may wait long enough gets its turn once the holders are done.
    const patient = berth(["run", "-f", file, "--timeout", "5m", "--", "true"], { env: env(caseId) });
    const done = await Promise.all([...holders, patient]);
    const { max } = await sampler.stop();
    for (const r of late) {
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(
        /waited \d+\.\d s for capacity until the acquire's timeout ended; still over the cap of 9 berth containers on this engine: 9 in use and this environment adds 3; (it is next in line|\d environments? (is|are) queued ahead of it)/,
      );
      expect(r.stderr).toContain("BERTH_MAX_CONTAINERS");
    }
    expect(done.map((r: RunResult) => (r.code === 0 ? "ok" : r.stderr.slice(-600)))).toEqual(["ok", "ok", "ok", "ok"]);
    // Nothing of the late ones was ever created: the count never went past the holders' 9.
    expect(max).toBeLessThanOrEqual(9);
    expect(await bed.e.listVolumes(TICKETS)).toEqual([]);
    expect(await caseResources(bed.e, caseId)).toEqual([]);
  });

  it("a killed waiter and a killed admitted acquirer do not hold the queue: the next waiter gets its turn", async () => {
    const caseId = `admission-kill-${process.pid}`;
    const dir = tempDir("berth-admission-");
    const six = env(caseId, { BERTH_MAX_CONTAINERS: "6" });
    const started: Acquirer[] = [];
    const start = (extra: Record<string, string> = {}) => {
      const a = spawnAcquirer(dir, file, "hold", { ...six, ...extra });
      started.push(a);
      return a;
    };
    const isWaiting = (e: Record<string, unknown>) => e.type === "admission" && e.phase === "waiting";
    try {
      // Admitted, its containers created, but never ready: it holds its ticket and 3 of the 6.
      const stuck = start({ ADMISSION_READY_DELAY: "600" });
      await stuck.waitFor((e) => e.type === "step" && e.kind === "wait-ready" && e.phase === "begin");
      const holder = start();
      await holder.waitFor((e) => e.type === "acquired");
      const first = start();
      await first.waitFor(isWaiting);
      const second = start();
      expect(await second.waitFor(isWaiting)).toMatchObject({ ahead: 1, inUse: 6, cap: 6 });

      first.child.kill("SIGKILL");
      await first.exited;
      // The dead waiter's ticket goes (its reaper, or the next waiter that sees its owner dead).
      // Generous deadlines: they bound a failure, they do not measure speed.
      expect(
        await within(
          second.waitFor((e) => isWaiting(e) && e.ahead === 0),
          120_000,
          "the killed waiter's place to be freed",
        ),
      ).toMatchObject({ inUse: 6 });

      stuck.child.kill("SIGKILL");
      await stuck.exited;
      // Its reaper removes its containers and ticket: the capacity comes back to the queue.
      await within(
        second.waitFor((e) => e.type === "acquired"),
        180_000,
        "the next waiter to be admitted after the admitted acquirer was killed",
      );
      expect(second.events.some((e) => e.type === "admission" && e.phase === "admitted")).toBe(true);
    } finally {
      for (const a of started) a.child.kill("SIGKILL");
      await Promise.all(started.map((a) => a.exited));
    }
    const { left } = await waitGone(bed.e, caseId, 60_000);
    expect(left).toEqual([]);
    expect(await bed.e.listVolumes(TICKETS)).toEqual([]);
  });
});

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`gave up waiting for ${what} after ${ms / 1000} s`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
