/**
 * berth on a real 3-node Docker Swarm (1 manager, 2 workers; Docker-in-Docker nodes built by
 * test/swarm/testbed.ts): the example stack deployed with the backend and frontend spread one
 * task per node, a worker cut off the network, a rolling update to a broken image that rolls back
 * by itself, and a SIGKILL of `berth up --on swarm` mid-deploy. One test bed for the whole file.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connectEngine } from "../../src/engine/connect.js";
import { Swarm } from "../../src/engine/swarm.js";
import { listSwarmObjects } from "../../src/swarm/remove.js";
import type { SwarmEnvironmentData } from "../../src/swarm/status.js";
import { berth, lastJson, shopFile, uniqueName } from "../integration/helpers.js";
import { createTestbed, root, type Testbed } from "./testbed.js";

const overrides = `${root}test/swarm/fixtures/shop.swarm.yml`;
const BROKEN = "berth-swarm/broken:1";
let bed: Testbed;
let swarm: Swarm;
let engineArg: string[];
const project = uniqueName("swarm-shop");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function status(name = project): Promise<SwarmEnvironmentData | undefined> {
  const r = await berth(["status", "--on", "swarm", ...engineArg, name, "--json"]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { environments: SwarmEnvironmentData[] }).environments[0];
}

/** Polls until `check` returns a value (not undefined) or the deadline passes; overlay changes converge in seconds, sometimes much longer. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > until) throw new Error(`${what}: not reached within ${timeoutMs / 1000} s${last ? ` (last error: ${(last as Error).message})` : ""}`);
    await sleep(500);
  }
}

async function getItems(address: string, timeoutMs = 2000): Promise<{ items: { name: string }[] }> {
  const res = await fetch(`http://${address}/api/items`, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) throw new Error(`${address}: HTTP ${res.status}`);
  return (await res.json()) as { items: { name: string }[] };
}

function frontendAddresses(env: SwarmEnvironmentData): string[] {
  return env.services.frontend!.tasks.filter((t) => t.state === "running").flatMap((t) => t.ports.map((p) => p.address));
}

beforeAll(async () => {
  const t0 = Date.now();
  bed = await createTestbed({
    images: ["berth-example/shop-backend:1", "berth-example/shop-frontend:1", "berth-fixtures/busybox:1"],
    managerImages: ["berth-fixtures/postgres:15", "berth-fixtures/redis:7"],
    tags: [["berth-fixtures/busybox:1", BROKEN]],
  });
  process.stderr.write(`[swarm tests] test bed ${bed.id} (3 nodes, images loaded) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  engineArg = ["--engine", bed.manager.endpoint];
  swarm = new Swarm(await connectEngine({ host: bed.manager.endpoint }));
});

afterAll(async () => {
  try {
    if (swarm) await berth(["down", "--on", "swarm", ...engineArg, project]);
  } finally {
    await bed?.destroy();
  }
});

describe.sequential("berth on a 3-node swarm", () => {
  test("up --on swarm deploys the example: backend 3 replicas one per node, frontend serves PostgreSQL data through a node's port, every object labelled", async () => {
    const r = await berth(["up", "--on", "swarm", ...engineArg, "-f", shopFile, "-f", overrides, "-p", project, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const env = lastJson<{ ok: boolean; environment: SwarmEnvironmentData }>(r.stdout).environment;
    expect(Object.keys(env.services)).toEqual(["backend", "frontend", "postgres", "redis"]);
    for (const s of Object.values(env.services)) expect([s.name, s.state, s.running]).toEqual([s.name, "READY", s.desired]);
    const backendNodes = env.services.backend!.tasks.map((t) => t.node).sort();
    expect(backendNodes).toEqual(["node1", "node2", "node3"]);
    expect(env.services.postgres!.tasks[0]!.node).toBe("node1");

    // Through a worker's published port: the frontend proxies to a backend that reads PostgreSQL.
    const worker = env.services.frontend!.tasks.find((t) => t.node === "node2")!;
    const body = await eventually("frontend answers on node2", () => getItems(worker.ports[0]!.address));
    expect(body.items.map((i) => i.name)).toContain("Enamel mug");

    // Ownership: every service, network (and nothing else) of the project carries berth's labels.
    const objects = await listSwarmObjects(swarm, { "dev.berth.managed": "true", "dev.berth.project": project });
    expect(objects.map((o) => `${o.kind} ${o.name}`).sort()).toEqual([
      `config ${project}_shop_motd`,
      `network ${project}_default`,
      `secret ${project}_shop_token`,
      `service ${project}_backend`,
      `service ${project}_frontend`,
      `service ${project}_postgres`,
      `service ${project}_redis`,
    ]);
    for (const o of objects)
      expect(o.labels).toMatchObject({ "dev.berth.lifetime": "detached", "dev.berth.platform": "swarm", "com.docker.stack.namespace": project });
    const runLabel = process.env.BERTH_LABELS!.split("=");
    for (const o of objects) expect(o.labels[runLabel[0]!]).toBe(runLabel[1]);

    // The secret and the config reach every backend task, on every node.
    for (const t of env.services.backend!.tasks) {
      const node = bed.nodes.find((n) => n.hostname === t.node)!;
      const id = await bed.on(node, ["ps", "-q", "--filter", `label=com.docker.swarm.service.name=${project}_backend`]);
      expect(await bed.on(node, ["exec", id.split("\n")[0]!, "cat", "/run/secrets/shop_token", "/etc/shop/motd"])).toBe("s3cr3t-token\nwelcome aboard");
    }

    const logs = await berth(["logs", "--on", "swarm", ...engineArg, "-p", project, "backend", "--tail", "5"]);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toMatch(/^backend\.\d@node\d \| .*listening/m);
  });

  test("logs --follow streams every task's lines until Ctrl-C; a file a swarm cannot run is refused before anything is created, naming service and key", async () => {
    let pid = 0;
    const follow = berth(["logs", "--on", "swarm", ...engineArg, "-p", project, "--follow", "--tail", "1", "backend"], { onSpawn: (p) => (pid = p) });
    // The last line of each backend task (one per node), then whatever they print next.
    await sleep(4000);
    process.kill(pid, "SIGINT");
    const r = await follow;
    expect(r.stdout.trim().split("\n").length, r.stderr).toBeGreaterThanOrEqual(3);
    expect(
      new Set(
        r.stdout
          .trim()
          .split("\n")
          .map((l) =>
            l
              .split(" |")[0]!
              .trim()
              .replace(/^backend\.\d/, ""),
          ),
      ),
    ).toEqual(new Set(["@node1", "@node2", "@node3"]));

    const bad = `${root}test/swarm/fixtures/bind-mount.yml`;
    const refused = await berth(["up", "--on", "swarm", ...engineArg, "-f", bad, "-p", uniqueName("swarm-bad")]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/services\.web\.volumes\[0\]: bind mount of host path .*\/data → \/data/);
    expect(refused.stderr).toMatch(/services\.web\.build: a swarm cannot build/);
  });

  test("a worker cut off the network: its tasks move to the others, status shows the node down and the services ready again, and a client retrying across nodes keeps being served", async () => {
    const before = (await status())!;
    const victim = bed.nodes[2]!; // node3, a worker: cutting it never stalls the manager
    let addresses = frontendAddresses(before);
    expect(addresses.length).toBe(3);
    let stop = false;
    const served: number[] = [];
    const unserved: string[] = [];
    const client = (async () => {
      for (let i = 0; !stop; i++) {
        let ok = false;
        const errors: string[] = [];
        // A client that knows every node: on failure it tries the next one, as a load balancer would.
        for (let attempt = 0; attempt < 2 * addresses.length && !ok; attempt++) {
          const address = addresses[(i + attempt) % addresses.length]!;
          try {
            await getItems(address, 1500);
            ok = true;
          } catch (error) {
            errors.push(`${address}: ${(error as Error).message}`);
          }
        }
        if (ok) served.push(Date.now());
        else unserved.push(errors.join("; "));
        await sleep(200);
      }
    })();
    // The client learns new addresses as berth reports them (the moved tasks get new ports).
    const refresh = (async () => {
      while (!stop) {
        const e = await status().catch(() => undefined);
        const a = e ? frontendAddresses(e) : [];
        if (a.length) addresses = a;
        await sleep(2000);
      }
    })();
    const cutAt = Date.now();
    await bed.cut(victim);
    try {
      const after = await eventually("node3 down and every service ready on the other nodes", async () => {
        const e = await status();
        if (!e) return undefined;
        const node3 = e.nodes.find((n) => n.hostname === "node3");
        if (process.env.BERTH_SWARM_TEST_DEBUG)
          process.stderr.write(
            `[cut +${((Date.now() - cutAt) / 1000).toFixed(1)}s] node3=${node3?.state} ${Object.values(e.services)
              .map((s) => `${s.name}:${s.state}:${s.tasks.map((t) => `${t.node}/${t.state}`).join(",")}`)
              .join(" ")}\n`,
          );
        const ready = Object.values(e.services).every((s) => s.state === "READY" && s.tasks.every((t) => t.node !== "node3"));
        return node3?.state === "down" && ready ? e : undefined;
      });
      process.stderr.write(`[swarm tests] node cut: node down and services ready again after ${((Date.now() - cutAt) / 1000).toFixed(1)} s\n`);
      expect(new Set(after.services.backend!.tasks.map((t) => t.node))).toEqual(new Set(["node1", "node2"]));
      expect(after.services.backend!.running).toBe(3);
      // Keep serving a little longer from the moved tasks.
      await sleep(3000);
    } finally {
      stop = true;
      await Promise.all([client, refresh]);
      await bed.reconnect(victim);
    }
    process.stderr.write(`[swarm tests] node cut: ${served.length} requests served, ${unserved.length} not served\n`);
    expect(unserved).toEqual([]);
    expect(served.filter((t) => t > cutAt).length).toBeGreaterThan(10);
    await eventually("node3 ready again", async () => ((await status())!.nodes.find((n) => n.hostname === "node3")?.state === "ready" ? true : undefined));
  });

  test("a rolling update to a broken image rolls back by itself and berth says why", async () => {
    const r = await berth(["update", ...engineArg, "-p", project, "backend", "--image", BROKEN]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the update of backend to ${BROKEN} failed and the swarm rolled it back to berth-example/shop-backend:1`);
    // The swarm's own reason, or berth's when the rollback finished between two of its polls.
    expect(r.stderr).toMatch(/update rolled back due to failure or early termination of task|the new tasks failed or never became healthy/);
    expect(r.stderr).toMatch(/new tasks that failed:\n\s+node\d: complete .*exit 0 before it was healthy/);
    const env = await eventually("backend ready on its old image", async () => {
      const e = (await status())!;
      return e.services.backend!.state === "ROLLED_BACK" || e.services.backend!.state === "READY" ? e : undefined;
    });
    expect(env.services.backend!.image).toBe("berth-example/shop-backend:1");
    expect(env.services.backend!.tasks.map((t) => t.image)).toEqual(Array(3).fill("berth-example/shop-backend:1"));
    expect(env.services.backend!.running).toBe(3);
  });

  test("update -f with a changed file rolls the changed service only, to healthy tasks", async () => {
    const before = (await status())!;
    const r = await berth(["update", ...engineArg, "-p", project, "-f", shopFile, "-f", overrides, "-f", `${root}test/swarm/fixtures/shop.swarm.v2.yml`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n")).toEqual([expect.stringMatching(/^backend: updated to berth-example\/shop-backend:1 in [\d.]+ s, all tasks healthy$/)]);
    const after = (await status())!;
    expect(after.services.backend).toMatchObject({ state: "READY", running: 3 });
    expect(after.services.backend!.tasks.map((t) => t.since)).not.toContain(before.services.backend!.tasks[0]!.since);
    expect(after.services.frontend!.tasks.map((t) => t.since).sort()).toEqual(before.services.frontend!.tasks.map((t) => t.since).sort());
    const again = await berth(["update", ...engineArg, "-p", project, "-f", shopFile, "-f", overrides, "-f", `${root}test/swarm/fixtures/shop.swarm.v2.yml`]);
    expect(again.stdout).toContain(`Nothing changed in ${project}.`);
  });

  test("scale and restart work as on one engine", async () => {
    const scaled = await berth(["up", "--on", "swarm", ...engineArg, "-f", shopFile, "-f", overrides, "-p", project, "--scale", "frontend=2", "--json"]);
    expect(scaled.code, scaled.stderr).toBe(0);
    expect(lastJson<{ environment: SwarmEnvironmentData }>(scaled.stdout).environment.services.frontend).toMatchObject({
      desired: 2,
      running: 2,
      state: "READY",
    });
    const restarted = await berth(["restart", "--on", "swarm", ...engineArg, "-p", project, "redis", "--json"]);
    expect(restarted.code, restarted.stderr).toBe(0);
    const tasks = (await status())!.services.redis!.tasks;
    expect(tasks.map((t) => t.state)).toEqual(["running"]);
    expect(Date.parse(tasks[0]!.since)).toBeGreaterThan(Date.now() - 60_000);
  });

  test("SIGKILL of berth up --on swarm mid-deploy: the reaper removes everything of that environment from the swarm", async () => {
    const victim = uniqueName("swarm-kill");
    let pid = 0;
    const run = berth(["up", "--on", "swarm", ...engineArg, "-f", shopFile, "-f", overrides, "-p", victim, "--json"], { onSpawn: (p) => (pid = p) });
    // Mid-deploy: the first services exist, their dependants do not yet.
    await eventually(
      "the first services of the victim exist",
      async () => {
        const o = await listSwarmObjects(swarm, { "dev.berth.project": victim });
        return o.some((x) => x.kind === "service") ? true : undefined;
      },
      60_000,
    );
    process.kill(pid, "SIGKILL");
    const killedAt = Date.now();
    const result = await run;
    expect(result.signal).toBe("SIGKILL");
    const left = await eventually(
      "nothing of the victim left on the swarm",
      async () => {
        const o = await listSwarmObjects(swarm, { "dev.berth.project": victim });
        return o.length === 0 ? o : undefined;
      },
      60_000,
    );
    process.stderr.write(`[swarm tests] SIGKILL mid-deploy: swarm clean ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill\n`);
    expect(left).toEqual([]);
    // Nothing is left on the nodes either: the swarm removes the tasks' containers of removed services.
    await eventually(
      "no task container of the victim on any node",
      async () => {
        const ids = await Promise.all(bed.nodes.map((n) => bed.on(n, ["ps", "-aq", "--filter", `label=dev.berth.project=${victim}`])));
        return ids.every((x) => x === "") ? true : undefined;
      },
      60_000,
    );
  });

  test("clean --on swarm selects by berth's labels: a live detached environment only with --all, and --dry-run removes nothing", async () => {
    const run = process.env.BERTH_LABELS!;
    const orphansOnly = await berth(["clean", "--on", "swarm", ...engineArg, "--dry-run", "--label", run]);
    expect(orphansOnly.code, orphansOnly.stderr).toBe(0);
    expect(orphansOnly.stdout).toContain("Nothing would be removed from the swarm.");
    const all = await berth(["clean", "--on", "swarm", ...engineArg, "--all", "--dry-run", "--label", run, "--json"]);
    expect(all.code, all.stderr).toBe(0);
    const items = lastJson<{ removed: { kind: string; name: string; reason: string }[] }>(all.stdout).removed;
    expect(items.map((i) => `${i.kind} ${i.name} ${i.reason}`).sort()).toEqual([
      `config ${project}_shop_motd all`,
      `network ${project}_default all`,
      `secret ${project}_shop_token all`,
      `service ${project}_backend all`,
      `service ${project}_frontend all`,
      `service ${project}_postgres all`,
      `service ${project}_redis all`,
    ]);
    expect((await listSwarmObjects(swarm, { "dev.berth.project": project })).length).toBe(7);
  });

  test("down --on swarm removes the environment's services and networks and nothing else", async () => {
    const r = await berth(["down", "--on", "swarm", ...engineArg, project]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Removed ${project} from the swarm: 4 services, 1 network, 1 secret, 1 config`);
    expect(await listSwarmObjects(swarm, { "dev.berth.project": project })).toEqual([]);
    // The swarm's own objects (the ingress network) are untouched.
    expect(await bed.on(bed.manager, ["network", "ls", "-q", "--filter", "name=ingress"])).not.toBe("");
  });
});
