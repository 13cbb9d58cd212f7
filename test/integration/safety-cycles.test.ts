/**
 * 50 acquire/release cycles with random SIGKILLs in between (most on a light two-service stack,
 * a few on the example shop stack): at the end nothing of any of them is left, neither on the
 * engine nor as a reaper process.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { reaperDir } from "../../src/cleanup/reaper-files.js";
import { engine, shopFile, uniqueName } from "./helpers.js";
import { caseEnv, spawnAcquirer, tempDir, waitGone } from "./safety-helpers.js";

const LIGHT = `services:
  db:
    image: berth-fixtures/busybox:1
    init: true
    command: ["sh", "-c", "touch /ready; exec sleep 3600"]
    healthcheck: { test: ["CMD", "test", "-f", "/ready"], interval: 1s, timeout: 2s, retries: 30 }
  app:
    image: berth-fixtures/busybox:1
    init: true
    depends_on: { db: { condition: service_healthy } }
    command: ["httpd", "-f", "-p", "8080"]
    ports: ["8080"]
`;

/** mulberry32: reproducible randomness; the seed is printed so a failing sequence can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("50 cycles with random SIGKILLs", () => {
  it("leave zero leftovers", async () => {
    const seed = Number(process.env.BERTH_CYCLES_SEED ?? Date.now() % 1_000_000);
    const random = prng(seed);
    process.stderr.write(`[safety-cycles] seed ${seed} (BERTH_CYCLES_SEED=${seed} replays it)\n`);
    const dir = tempDir("berth-safety-cycles-");
    const light = join(dir, "compose.yml");
    writeFileSync(light, LIGHT);
    const caseId = uniqueName("cycles");
    const pids: number[] = [];
    const tally = { released: 0, killed: 0 };
    const cycle = async (i: number) => {
      const file = i % 25 === 0 ? shopFile : light;
      const kill = random() < 0.6;
      const a = spawnAcquirer(dir, file, kill ? "hold" : "release", caseEnv(caseId));
      pids.push(a.child.pid!);
      if (!kill) {
        expect(await a.exited, `cycle ${i}: the child failed`).toBe(0);
        tally.released++;
        return;
      }
      // Anywhere: before it connects, mid-acquire, or with the environment up.
      const delay = random() * (file === shopFile ? 5000 : 1500);
      await Promise.race([new Promise((r) => setTimeout(r, delay)), a.exited]);
      a.child.kill("SIGKILL");
      await a.exited;
      tally.killed++;
    };
    const CONCURRENCY = 3;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < 50) await cycle(next++);
      }),
    );
    const e = await engine();
    const { left, elapsedMs } = await waitGone(e, caseId, 15_000);
    process.stderr.write(`[safety-cycles] ${tally.released} released, ${tally.killed} killed; all gone ${elapsedMs} ms after the last cycle\n`);
    expect(left).toEqual([]);
    // Each killed owner's reaper exits once it has reaped; none stays behind.
    const reapers = () => (existsSync(reaperDir()) ? readdirSync(reaperDir()).filter((f) => f.endsWith(".pid") && pids.some((p) => f.includes(`-${p}-`))) : []);
    for (let t = 0; t < 100 && reapers().length; t++) await new Promise((r) => setTimeout(r, 100));
    expect(reapers()).toEqual([]);
  });
});
