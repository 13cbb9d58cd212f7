/**
 * examples/pool-suite in its small form: 4 of its test files, each needing the shop with its seed
 * data untouched, on a warm pool of 2 that berth's Vitest global setup starts and each file claims
 * from (reset between files); afterwards nothing of the pool is left.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SNAPSHOT_LABEL } from "../../src/snapshot/labels.js";
import { engine, root, uniqueName } from "./helpers.js";

const dir = `${root}examples/pool-suite`;
const LABEL = "dev.berth.test-pool-suite";

describe("examples/pool-suite, small form", () => {
  it("passes 4 files on a pool of 2 (each file sees the seed data alone) and leaves nothing", async () => {
    // What `npm install` does for its "berth": "file:../.." dependency: a link to this package.
    if (!existsSync(`${dir}/node_modules/berth`)) {
      mkdirSync(`${dir}/node_modules`, { recursive: true });
      symlinkSync("../../..", `${dir}/node_modules/berth`);
    }
    // Everything the suite creates carries this label too: how the test finds exactly its own.
    const id = uniqueName("pool-suite");
    const labels = [process.env.BERTH_LABELS, `${LABEL}=${id}`].filter(Boolean).join(",");
    const t0 = Date.now();
    const r = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [`${root}node_modules/vitest/vitest.mjs`, "run"], {
        cwd: dir,
        env: {
          ...process.env,
          NO_COLOR: "1",
          FORCE_COLOR: "0",
          POOL_SUITE_MODE: "pool",
          POOL_SUITE_FILES: "4",
          POOL_SUITE_WORKERS: "2",
          BERTH_LABELS: labels,
          BERTH_HELPER_IMAGE: "berth-fixtures/busybox:1",
        },
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, out }));
    });
    process.stderr.write(`[pool-suite test] 4 files on a pool of 2: ${Date.now() - t0} ms\n`);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Test Files\s+4 passed \(4\)/);
    expect(r.out).toMatch(/Tests\s+8 passed \(8\)/);
    const e = await engine();
    const mine = { [LABEL]: id };
    const [c, n, v, s] = await Promise.all([
      e.listContainers(mine),
      e.listNetworks(mine),
      e.listVolumes(mine),
      e.listVolumes({ ...mine, [SNAPSHOT_LABEL.name]: true }),
    ]);
    expect([...c, ...n, ...v, ...s].map((x) => x.name)).toEqual([]);
  });
});
