// POOL_SUITE_MODE=pool (the default): a warm pool, each test file claims its own environment and
// hands it back (reset) after. POOL_SUITE_MODE=dedicated: each test file acquires a new
// environment and removes it after. POOL_SUITE_FILES=N runs the first N files (default all 20);
// POOL_SUITE_WORKERS sets how many files run at once (default 2) and so the pool's default size.
import { defineConfig } from "vitest/config";

const mode = process.env.POOL_SUITE_MODE ?? "pool";
if (mode !== "pool" && mode !== "dedicated") throw new Error(`POOL_SUITE_MODE=${mode}: pool or dedicated`);
const count = Number(process.env.POOL_SUITE_FILES ?? 20);
const workers = Number(process.env.POOL_SUITE_WORKERS ?? 2);

export default defineConfig({
  test: {
    include: Array.from({ length: count }, (_, i) => `test/${String(i + 1).padStart(2, "0")}.test.ts`),
    globalSetup: mode === "pool" ? ["./berth.pool-setup.ts"] : [],
    setupFiles: [mode === "pool" ? "./berth.pool-file.ts" : "./berth.dedicated-file.ts"],
    maxWorkers: workers,
    testTimeout: 60_000,
    // Handing an environment back (pool) or removing it (dedicated) runs in afterAll.
    hookTimeout: 120_000,
  },
});
