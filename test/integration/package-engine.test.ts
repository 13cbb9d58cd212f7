/**
 * The package as users install it, on the real engine: `npm pack`, installed from the tarball into a
 * fresh project together with Jest and Vitest (the exact versions this repository uses, so npm's
 * cache has them), then a CommonJS Jest suite and an ESM Vitest suite in that project each acquire
 * the busybox chain twice — through the runner's berth global setup and with `acquire()` in the
 * test file — and leave nothing behind. test/packaging/package.test.ts covers the rest (no engine).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engine, resourcesOf, root, stack, uniqueName } from "./helpers.js";

const CHAIN = stack("chain.yml");
const work = mkdtempSync(join(tmpdir(), "berth-package-engine-"));
const consumer = join(work, "consumer");
afterAll(() => rmSync(work, { recursive: true, force: true }));

const versionOf = (name: string) => (JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, "utf8")) as { version: string }).version;

function runSync(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: process.env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A runner in the consumer project; process.env carries the run's BERTH_LABELS to the environments it makes. */
function runner(args: readonly string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["--no-install", ...args], { cwd, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...env } });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  });
}

beforeAll(() => {
  const packed = JSON.parse(runSync("npm", ["pack", "--json", "--pack-destination", work], root)) as [{ filename: string }];
  mkdirSync(consumer);
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
  runSync(
    "npm",
    ["install", "--prefer-offline", "--no-audit", "--no-fund", join(work, packed[0].filename), `jest@${versionOf("jest")}`, `vitest@${versionOf("vitest")}`],
    consumer,
  );
}, 600_000);

/**
 * The tests both runners run, in their own module syntax: the chain acquired in the file is healthy
 * and serves, and the global setup's environment (another copy of the chain) is described to it.
 */
const body = (suite: string) => `
const CHAIN = ${JSON.stringify(CHAIN)};
let env;
beforeAll(async () => {
  env = await acquire({ files: [CHAIN], projectName: process.env.DIRECT_PROJECT, timeoutMs: 120_000 });
}, 180_000);
afterAll(async () => { await env?.release(); });

test("acquire() brings the chain up healthy, its published port answering", async () => {
  expect(env.project).toBe(process.env.DIRECT_PROJECT);
  for (const s of ["a", "b", "c", "d"]) expect(env.services[s].containers.map((c) => c.state)).toEqual(["HEALTHY"]);
  const res = await fetch(env.url("c", 8080));
  expect(res.status).toBeGreaterThanOrEqual(200);
});

test("the global setup's environment is described to the test", () => {
  const suite = environmentView(${suite});
  expect(suite.project).toBe(process.env.SUITE_PROJECT);
  expect(suite.hostPort("c", 8080)).toBeGreaterThan(0);
  expect(suite.hostPort("c", 8080)).not.toBe(env.hostPort("c", 8080));
});
`;

function writeJestProject(dir: string): void {
  mkdirSync(dir);
  writeFileSync(
    join(dir, "jest.config.cjs"),
    `module.exports = {
  rootDir: __dirname, testEnvironment: "node", testMatch: ["<rootDir>/*.test.cjs"],
  globalSetup: "<rootDir>/berth.setup.cjs", globalTeardown: "<rootDir>/berth.teardown.cjs",
};`,
  );
  writeFileSync(
    join(dir, "berth.setup.cjs"),
    `const { berthGlobalSetup } = require("berth/jest");
module.exports = berthGlobalSetup({ files: [${JSON.stringify(CHAIN)}], projectName: process.env.SUITE_PROJECT, timeoutMs: 120_000 });`,
  );
  writeFileSync(join(dir, "berth.teardown.cjs"), `module.exports = require("berth/jest").berthGlobalTeardown;`);
  writeFileSync(
    join(dir, "chain.test.cjs"),
    `const { acquire } = require("berth");
const { environmentView } = require("berth/jest");
${body("JSON.parse(process.env.BERTH_ENVIRONMENT)")}`,
  );
}

function writeVitestProject(dir: string): void {
  mkdirSync(dir);
  writeFileSync(
    join(dir, "vitest.config.mjs"),
    `import { defineConfig } from "vitest/config";
export default defineConfig({ test: { include: ["*.test.mjs"], globalSetup: ["./berth.setup.mjs"], testTimeout: 180_000, hookTimeout: 180_000 } });`,
  );
  writeFileSync(
    join(dir, "berth.setup.mjs"),
    `import { berthGlobalSetup } from "berth/vitest";
export default berthGlobalSetup({ files: [${JSON.stringify(CHAIN)}], projectName: process.env.SUITE_PROJECT, timeoutMs: 120_000 });`,
  );
  writeFileSync(
    join(dir, "chain.test.mjs"),
    `import { acquire } from "berth";
import { environmentView } from "berth/vitest";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
${body('inject("berth")')}`,
  );
}

describe("the installed package on the real engine", () => {
  it.each([
    ["a CommonJS Jest suite", "jest", writeJestProject, ["jest", "--ci"], /Tests:\s+2 passed, 2 total/],
    ["an ESM Vitest suite", "vitest", writeVitestProject, ["vitest", "run"], /Tests\s+2 passed \(2\)/],
  ] as const)("%s acquires the chain (global setup and acquire()), passes, and leaves nothing", async (_, name, write, args, passed) => {
    // The global setup's run label, which the runners pass on to berth: the leak check sees these environments.
    expect(process.env.BERTH_LABELS).toMatch(/^dev\.berth\.test-run=/);
    const dir = join(consumer, name);
    write(dir);
    const projects = { SUITE_PROJECT: uniqueName(`berth-pkg-${name}-suite`), DIRECT_PROJECT: uniqueName(`berth-pkg-${name}-direct`) };
    const r = await runner(args, dir, projects);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(passed);
    const e = await engine();
    for (const project of Object.values(projects)) expect(await resourcesOf(e, project), project).toEqual([]);
  });
});
