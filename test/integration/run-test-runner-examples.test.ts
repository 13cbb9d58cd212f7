/**
 * The Jest and `node --test` sample projects under examples/: each runs its own suite against the
 * shop stack, with berth as its setup and teardown; the environment is gone afterwards.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { engine, resourcesOf, root, uniqueName } from "./helpers.js";

function run(cmd: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0]!, cmd.slice(1), { cwd, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...env } });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out }));
  });
}

/** What `npm install` does for the examples' "berth": "file:../.." dependency: a link to this package. */
function linkBerth(dir: string): void {
  if (existsSync(`${dir}/node_modules/berth`)) return;
  mkdirSync(`${dir}/node_modules`, { recursive: true });
  symlinkSync("../../..", `${dir}/node_modules/berth`);
}

describe("test-runner examples", () => {
  it("examples/jest-project passes its Jest suite against an environment berth's Jest global setup acquires and releases", async () => {
    const dir = `${root}examples/jest-project`;
    linkBerth(dir);
    // The setup names the environment after COMPOSE_PROJECT_NAME, so the test finds exactly its own.
    const project = uniqueName("berth-example-jest");
    const r = await run([process.execPath, `${root}node_modules/jest/bin/jest.js`, "--ci"], dir, { COMPOSE_PROJECT_NAME: project });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Tests:\s+3 passed, 3 total/);
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("examples/node-test-project passes under `berth run -- node --test`, which releases the environment afterwards", async () => {
    const dir = `${root}examples/node-test-project`;
    const project = uniqueName("berth-example-node-test");
    const r = await run(
      [
        process.execPath,
        `${root}dist/bin/berth.js`,
        "run",
        "-p",
        project,
        "-f",
        "../shop/compose.yml",
        "-f",
        "../vitest-project/compose.test.yml",
        "--",
        process.execPath,
        "--test",
      ],
      dir,
      {},
    );
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/# pass [1-9]/);
    expect(r.out).toMatch(/# fail 0/);
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });
});
