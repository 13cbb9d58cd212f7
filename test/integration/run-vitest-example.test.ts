/**
 * The sample project under examples/vitest-project: its own Vitest suite, using berth's global
 * setup, against the shop stack; the environment is gone afterwards.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { engine, resourcesOf, root, uniqueName } from "./helpers.js";

const dir = `${root}examples/vitest-project`;

describe("examples/vitest-project", () => {
  it("passes its suite against an environment berth acquires before it and removes after it", async () => {
    // What `npm install` does for its "berth": "file:../.." dependency: a link to this package.
    if (!existsSync(`${dir}/node_modules/berth`)) {
      mkdirSync(`${dir}/node_modules`, { recursive: true });
      symlinkSync("../../..", `${dir}/node_modules/berth`);
    }
    // The setup names the environment after COMPOSE_PROJECT_NAME, as berth does everywhere: this
    // is how the test finds exactly its environment among those of tests running in parallel.
    const project = uniqueName("berth-example-vitest");
    const r = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [`${root}node_modules/vitest/vitest.mjs`, "run"], {
        cwd: dir,
        env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", COMPOSE_PROJECT_NAME: project },
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, out }));
    });
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Tests\s+3 passed \(3\)/);
    expect(r.out).not.toContain("no berth environment was provided");
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });
});
