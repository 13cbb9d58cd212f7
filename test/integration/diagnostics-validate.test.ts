/**
 * `berth validate` and `berth graph` on a running shop example: all connectivity checks pass and
 * the graph shows every service's state; after one service is disconnected from the environment's
 * network (through the Engine API), validate fails naming that service and the cause.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConnectivityReport } from "../../src/diagnostics/connectivity/model.js";
import type { Engine } from "../../src/engine/engine.js";
import { LABEL, managedFilter } from "../../src/labels.js";
import { berth, engine, resourcesOf, root, shopFile, uniqueName } from "./helpers.js";

const project = uniqueName("berth-diag-validate");
let e: Engine;

beforeAll(async () => {
  e = await engine();
  const up = await berth(["up", "-f", shopFile, "-p", project, "-q"]);
  expect(up.code, up.stderr).toBe(0);
}, 180_000);

afterAll(async () => {
  await berth(["down", project]);
  expect(await resourcesOf(e, project)).toEqual([]);
}, 120_000);

describe("validate and graph on the shop example", () => {
  it("graph of the running environment: states and conditions (golden)", async () => {
    const r = await berth(["graph", project, "--format", "tree"]);
    expect(r.code, r.stderr).toBe(0);
    const golden = readFileSync(`${root}test/fixtures/graph/shop-running.tree`, "utf8");
    expect(r.stdout.replace(project, "PROJECT")).toBe(golden);
  });

  it("every dependency resolves and answers from inside, every published port from the host", async () => {
    const r = await berth(["validate", project, "--json"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as ConnectivityReport;
    const rows = report.checks.map((c) => `${c.from} ${c.to} ${c.check.replace(/^127\.0\.0\.1:\d+/, "HOST")} ${c.status}`);
    expect(rows).toEqual([
      "backend postgres name PASS",
      "backend postgres tcp/5432 PASS",
      "backend redis name PASS",
      "backend redis tcp/6379 PASS",
      "frontend backend name PASS",
      "frontend backend tcp/3000 PASS",
      "host backend HOST→3000/tcp PASS",
      "host frontend HOST→8080/tcp PASS",
    ]);
    expect(report).toMatchObject({ passed: 8, failed: 0, skipped: 0 });
  });

  it("a service cut off the network: the failure names it and says why", async () => {
    const [pg] = await e.listContainers({ ...managedFilter(project), [LABEL.service]: "postgres" });
    const network = pg!.networks[0]!;
    await e.disconnectNetwork(network, pg!.id);
    const r = await berth(["validate", project]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/backend\s+postgres\s+name\s+FAIL \(wrong network\)\s+not on a shared network: backend is on \S+; postgres is on no network/);
    expect(r.stdout).toMatch(/backend\s+postgres\s+tcp\/5432\s+FAIL \(wrong network\)/);
    expect(r.stdout).toMatch(/backend\s+redis\s+tcp\/6379\s+PASS/);
    expect(r.stdout).toContain("8 checks: 6 passed, 2 failed, 0 skipped");
  });
});
