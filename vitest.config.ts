import { defineConfig } from "vitest/config";

/**
 * Three groups, one after the other: pure unit tests; integration tests on the real engine, a few
 * files at once; then the heavy scenarios (dozens of environments, kill cycles), one at a time, so
 * that they neither starve the others of CPU nor are starved themselves on a 2-core machine.
 */
/**
 * Run alone: dozens of environments at once, kill cycles, and the safety scenarios whose orphans
 * any concurrent berth command would (rightly) reap before the test could look at them.
 */
const heavy = [
  "test/integration/parallel.test.ts",
  "test/integration/safety-cycles.test.ts",
  "test/integration/safety.test.ts",
  // Abandoned shared environments are reaped by every berth command: alone, the test sees its own first.
  "test/integration/shared.test.ts",
  // Kills `up` with its reaper and `run`, leaves half-made environments for the sweep: alone.
  "test/integration/lifecycle-safety.test.ts",
  // 40 berth processes through a cap of 9 on a private engine: minutes of the machine's CPU.
  "test/integration/admission.test.ts",
];
const engineTests = {
  globalSetup: ["test/integration/global-setup.ts"],
  testTimeout: 240_000,
  hookTimeout: 240_000,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          // Pure, but some run whole pipelines (the compose corpus, TypeDoc): generous on a loaded 2-core machine.
          testTimeout: 60_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          // npm pack, install into a fresh project, use it on Node 20, 22 and 24 (no engine).
          name: "packaging",
          include: ["test/packaging/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          exclude: heavy,
          ...engineTests,
          maxWorkers: 3,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: "heavy",
          include: heavy,
          ...engineTests,
          testTimeout: 600_000,
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          // A real 3-node swarm (Docker-in-Docker nodes) built once for the whole suite: one file at a time, last.
          name: "swarm",
          include: ["test/swarm/**/*.test.ts"],
          ...engineTests,
          testTimeout: 300_000,
          hookTimeout: 600_000,
          maxWorkers: 1,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
