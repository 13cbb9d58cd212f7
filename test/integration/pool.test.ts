/**
 * Warm pools on the real engine: claims from two processes at once never share a member, and the
 * keeper starts as many again so that `size` wait unclaimed; a member handed back is reset to its
 * snapshot and kept; one whose reset fails is discarded; an idle pool shrinks back to `size`; when
 * the keeper is killed (SIGKILL), the reaper leaves nothing of the pool behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "../../src/index.js";
import type { Engine } from "../../src/engine/engine.js";
import { managedFilter } from "../../src/labels.js";
import { POOL_LABEL } from "../../src/pool/labels.js";
import { listPools } from "../../src/pool/status.js";
import { SNAPSHOT_LABEL } from "../../src/snapshot/labels.js";
import { engine, root, stack, uniqueName } from "./helpers.js";

const helperImage = "berth-fixtures/busybox:1";
const child = (args: string[]) => spawn(process.execPath, [`${root}test/integration/pool-child.mjs`, ...args], { stdio: ["pipe", "pipe", "inherit"] });
/** The child's answers, one JSON line each, in order. */
function answers(c: ChildProcess): () => Promise<Record<string, string>> {
  const lines = createInterface({ input: c.stdout! })[Symbol.asyncIterator]();
  return async () => {
    const { value, done } = (await lines.next()) as { value?: string; done?: boolean };
    if (done) throw new Error("child ended before answering");
    return JSON.parse(value!) as Record<string, string>;
  };
}
async function until(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
const poolResources = async (e: Engine, name: string) => {
  const f = { [POOL_LABEL.name]: name };
  const [c, n, v] = await Promise.all([e.listContainers(f), e.listNetworks(f), e.listVolumes(f)]);
  return [...c.map((x) => x.name), ...n.map((x) => x.name), ...v.map((x) => x.name)];
};

describe("pools", () => {
  let e: Engine;
  let pool: Pool;

  beforeAll(async () => {
    e = await engine();
    // Never idle long enough to shrink here: the cases count the members claims leave behind.
    pool = await createPool({ file: stack("snapshot.yml"), size: 2, name: uniqueName("pool"), helperImage, resetTimeoutMs: 5_000, shrinkAfterMs: 600_000 });
    await pool.ready({ timeoutMs: 120_000 });
  });
  afterAll(async () => {
    await pool?.close();
    expect(await poolResources(e, pool.name)).toEqual([]);
  });

  it("two processes claiming at once get different members, two more start; handed back, they are reset and kept", async () => {
    // Each member has a standby helper for its resets (a new one after each swap).
    const standbys = async () => (await e.listContainers({ [POOL_LABEL.name]: pool.name, [SNAPSHOT_LABEL.standby]: true })).map((c) => c.id).sort();
    await until("a standby helper per member", async () => (await standbys()).length === 2);
    const claimers = [child(["claim", pool.name]), child(["claim", pool.name])];
    const next = claimers.map(answers);
    await Promise.all(next.map((n) => n()));
    // Both are connected and waiting: "go" to both at once, so that their claims contend.
    for (const c of claimers) c.stdin.write("go\n");
    const [a, b] = await Promise.all(next.map((n) => n()));
    expect(a!.project).not.toBe(b!.project);
    await until("two more members warm beside the two claimed", async () => {
      const s = await pool.status();
      return s.claimed === 2 && s.warm === 2;
    });
    // Data written while claimed is gone after the member comes back.
    const [db] = await e.listContainers({ ...managedFilter(a!.project), "dev.berth.service": "db" });
    expect((await e.exec(db!.id, ["sh", "-c", "echo x > /data/extra"])).exitCode).toBe(0);
    for (const c of claimers) c.stdin.end("release\n");
    await until("both members reset, and all four warm", async () => {
      const s = await pool.status();
      return s.resets >= 2 && s.warm === 4;
    });
    const [again] = await e.listContainers({ ...managedFilter(a!.project), "dev.berth.service": "db" });
    expect((await e.exec(again!.id, ["test", "-f", "/data/extra"])).exitCode).toBe(1);
    // A swap uses the standby's spare and the member gets a new standby; a reset that met its standby
    // still starting copies and keeps it: either way each of the four members has one.
    await until("a standby helper per member", async () => (await standbys()).length === 4);
  });

  it("shows on the engine: members by state from labels, the rest from the keeper's marker", async () => {
    // The keeper publishes at its next tick; the two claims were another process's (their latency is on their labels).
    await until("the keeper's figures published", async () => ((await listPools(e)).find((p) => p.name === pool.name)?.resets ?? 0) >= 2);
    const view = (await listPools(e)).find((p) => p.name === pool.name)!;
    expect(view).toMatchObject({ members: 4, warm: 4, claimed: 0, starting: 0, resetting: 0, size: 2, discarded: 0, claims: 2 });
    expect(view.claimLatencyMs).toBeGreaterThanOrEqual(0);
    expect(view.keeper?.pid).toBe(process.pid);
  });

  it("a member whose reset fails is discarded", async () => {
    // Three of the four stay warm: more than `size`, so none starts.
    const env = await pool.acquire();
    expect((await env.exec("app", ["touch", "/broken"])).exitCode).toBe(0);
    // The reset re-gates app without restarting it: let the engine see it unhealthy first (its
    // healthy status from before the file would otherwise still stand for a moment).
    const [app] = await e.listContainers({ ...managedFilter(env.project), "dev.berth.service": "app" });
    await until("app unhealthy", async () => (await e.inspectContainer(app!.id)).state.health === "unhealthy");
    await env.release();
    // Counted as discarded when its removal begins: its containers go a moment later.
    await until("the broken member discarded and removed, the three others warm", async () => {
      const s = await pool.status();
      return s.discarded === 1 && s.warm === 3 && s.starting === 0 && (await e.listContainers(managedFilter(env.project))).length === 0;
    });
  });

  it("idle, shrinks back to `size` warm once the member handed back is reset", async () => {
    await using small = await createPool({ file: stack("snapshot.yml"), size: 1, name: uniqueName("pool-shrink"), helperImage, shrinkAfterMs: 0 });
    await small.ready({ timeoutMs: 120_000 });
    const env = await small.acquire();
    await until("another member warm beside the claimed one", async () => {
      const s = await small.status();
      return s.claimed === 1 && s.warm === 1;
    });
    await env.release();
    await until("one member left, warm", async () => {
      const s = await small.status();
      const view = (await listPools(e)).find((p) => p.name === small.name);
      return s.resets === 1 && s.warm === 1 && s.resetting === 0 && view?.members === 1;
    });
    await small.close();
    expect(await poolResources(e, small.name)).toEqual([]);
  });

  it("when its keeper is killed, the pool is gone within seconds", async () => {
    const name = uniqueName("pool-kill");
    const keeper = child(["keeper", stack("snapshot.yml"), name]);
    expect((await answers(keeper)()).ready).toBe(name);
    expect((await poolResources(e, name)).length).toBeGreaterThan(0);
    const t0 = Date.now();
    keeper.kill("SIGKILL");
    await until("nothing of the killed keeper's pool left", async () => (await poolResources(e, name)).length === 0, 15_000);
    process.stderr.write(`[pool test] killed keeper's pool gone after ${Date.now() - t0} ms\n`);
  });
});

describe("a pool whose members cannot start", () => {
  it("says why at once when no retry would mend it (a missing helper image), not after its timeout, and leaves nothing", async () => {
    const e = await engine();
    const pool = await createPool({ file: stack("snapshot.yml"), size: 1, name: uniqueName("pool-nohelper"), helperImage: "berth-test/no-such-helper:0" });
    try {
      // Before, ready() waited out its timeout (here 10 min, past the test's own) with the failure as its cause.
      await expect(pool.ready({ timeoutMs: 600_000 })).rejects.toMatchObject({ code: "IMAGE_NOT_FOUND" });
    } finally {
      await pool.close();
    }
    expect(await poolResources(e, pool.name)).toEqual([]);
  }, 120_000);
});
