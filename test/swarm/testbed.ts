/**
 * A real 3-node Docker Swarm on the host engine, for the swarm suite: three Docker-in-Docker
 * containers (scripts/swarm-node) on a bridge network of their own with fixed addresses, one
 * manager and two workers (cutting a worker then never stalls the managers' quorum).
 *
 * Everything it creates on the host engine carries this run's label (BERTH_LABELS, set by the
 * global setup) and `dev.berth.swarm-testbed=<id>`, and `destroy()` removes all of it, also after
 * a failed start. It never touches the host engine's own swarm state.
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { connectEngine } from "../../src/engine/connect.js";

const run = promisify(execFile);
export const root = new URL("../..", import.meta.url).pathname;
export const NODE_IMAGE = "berth-swarm/node:1";
const TESTBED_LABEL = "dev.berth.swarm-testbed";

export interface SwarmNodeHandle {
  name: string;
  hostname: string;
  ip: string;
  endpoint: string;
  role: "manager" | "worker";
}

export interface Testbed {
  id: string;
  network: string;
  nodes: SwarmNodeHandle[];
  manager: SwarmNodeHandle;
  /** `docker` against the host engine. */
  host(args: string[]): Promise<string>;
  /** `docker` against one node's engine (through the node's own socket). */
  on(node: SwarmNodeHandle, args: string[]): Promise<string>;
  cut(node: SwarmNodeHandle): Promise<void>;
  reconnect(node: SwarmNodeHandle): Promise<void>;
  destroy(): Promise<void>;
}

async function docker(args: string[], timeoutMs = 120_000): Promise<string> {
  const { stdout } = await run("docker", args, { maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, env: { ...process.env, DOCKER_HOST: "" } });
  return stdout.trim();
}

function runLabels(id: string): string[] {
  const out = ["--label", `${TESTBED_LABEL}=${id}`];
  for (const pair of (process.env.BERTH_LABELS ?? "").split(",").filter(Boolean)) out.push("--label", pair);
  return out;
}

/** A /24 inside 10.199.0.0/16 that no network on the host engine uses. */
async function freeSubnet(): Promise<string> {
  // One list call (networks of concurrent tests come and go; inspecting them one by one races).
  const engine = await connectEngine({ env: { ...process.env, DOCKER_HOST: "" } });
  const used = (await engine.listNetworks({})).flatMap((n) => n.subnets).join(" ");
  for (let i = 0; i < 50; i++) {
    const third = 1 + Math.floor(Math.random() * 250);
    const subnet = `10.199.${third}.0/24`;
    if (!used.includes(`10.199.${third}.`)) return subnet;
  }
  throw new Error("no free /24 in 10.199.0.0/16 for the swarm test bed");
}

/** `docker save IMAGES | docker exec -i NODE docker load` for every node, from one saved archive. */
async function loadImages(nodes: { name: string }[], images: string[], dir: string): Promise<void> {
  const tar = join(dir, `${images.length}-${randomBytes(3).toString("hex")}.tar`);
  await docker(["save", "-o", tar, ...images], 300_000);
  await Promise.all(
    nodes.map(
      (n) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn("sh", ["-c", `docker exec -i ${n.name} docker load -q < ${tar}`], {
            stdio: ["ignore", "ignore", "pipe"],
            env: { ...process.env, DOCKER_HOST: "" },
          });
          let err = "";
          child.stderr.on("data", (d: Buffer) => (err += d.toString()));
          child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`loading images into ${n.name} failed: ${err}`))));
        }),
    ),
  );
  rmSync(tar, { force: true });
}

async function waitEngine(node: SwarmNodeHandle, deadline: number): Promise<void> {
  for (;;) {
    try {
      await docker(["-H", node.endpoint, "info", "-f", "{{.ServerVersion}}"], 5000);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the engine of ${node.name} did not answer: ${(error as Error).message}`, { cause: error });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export interface TestbedOptions {
  /** Images every node gets. */
  images: string[];
  /** Images only the manager gets (services pinned to it). */
  managerImages?: string[];
  /** Tag an existing image under another name on every node: [source, alias]. */
  tags?: [string, string][];
}

export async function createTestbed(o: TestbedOptions): Promise<Testbed> {
  await run("bash", [`${root}scripts/swarm-node/build.sh`], { timeout: 600_000, env: { ...process.env, DOCKER_HOST: "" } });
  const id = randomBytes(4).toString("hex");
  const network = `berth-swarmbed-${id}`;
  const created = { containers: [] as string[], volumes: [] as string[], network: false };
  const dir = mkdtempSync(join(tmpdir(), "berth-swarmbed-"));
  const destroy = async () => {
    await Promise.all(created.containers.map((c) => docker(["rm", "-f", "-v", c]).catch(() => "")));
    await Promise.all(created.volumes.map((v) => docker(["volume", "rm", "-f", v]).catch(() => "")));
    if (created.network) await docker(["network", "rm", network]).catch(() => "");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let subnet = await freeSubnet();
    for (let attempt = 0; ; attempt++) {
      try {
        await docker(["network", "create", "--subnet", subnet, ...runLabels(id), network]);
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
        subnet = await freeSubnet(); // taken meanwhile by a concurrent run
      }
    }
    created.network = true;
    const prefix = subnet.replace(/0\/24$/, "");
    const nodes: SwarmNodeHandle[] = [1, 2, 3].map((i) => ({
      name: `${network}-node${i}`,
      hostname: `node${i}`,
      ip: `${prefix}${i + 1}`,
      endpoint: `tcp://${prefix}${i + 1}:2375`,
      role: i === 1 ? "manager" : "worker",
    }));
    await Promise.all(
      nodes.map(async (n) => {
        const volume = `${n.name}-docker`;
        await docker(["volume", "create", ...runLabels(id), volume]);
        created.volumes.push(volume);
        created.containers.push(n.name);
        await docker([
          "run",
          "-d",
          "--name",
          n.name,
          "--hostname",
          n.hostname,
          "--network",
          network,
          "--ip",
          n.ip,
          "--cap-add",
          "ALL",
          "--cap-drop",
          "SYS_RESOURCE",
          "--security-opt",
          "seccomp=unconfined",
          "-v",
          `${volume}:/var/lib/docker`,
          ...runLabels(id),
          NODE_IMAGE,
        ]);
      }),
    );
    const deadline = Date.now() + 60_000;
    await Promise.all(nodes.map((n) => waitEngine(n, deadline)));
    const manager = nodes[0]!;
    const on = (n: SwarmNodeHandle, args: string[]) => docker(["-H", n.endpoint, ...args]);
    // The overlay pool must not overlap the test bed's own bridge (10.199.x).
    await on(manager, ["swarm", "init", "--advertise-addr", manager.ip, "--default-addr-pool", "10.201.0.0/16"]);
    const token = await on(manager, ["swarm", "join-token", "-q", "worker"]);
    await Promise.all([
      ...nodes.slice(1).map((n) => on(n, ["swarm", "join", "--token", token, `${manager.ip}:2377`])),
      loadImages(nodes, o.images, dir),
      o.managerImages?.length ? loadImages([manager], o.managerImages, dir) : Promise.resolve(),
    ]);
    // A cut node is marked down and its tasks moved in seconds instead of 12-17 s.
    await on(manager, ["swarm", "update", "--dispatcher-heartbeat", "1s"]);
    for (const [source, alias] of o.tags ?? []) await Promise.all(nodes.map((n) => on(n, ["tag", source, alias])));
    return {
      id,
      network,
      nodes,
      manager,
      host: (args) => docker(args),
      on,
      cut: async (n) => void (await docker(["network", "disconnect", "-f", network, n.name])),
      reconnect: async (n) =>
        void (await docker(["network", "connect", "--ip", n.ip, network, n.name]).catch((e: Error) =>
          /already exists|already attached/.test(e.message) ? "" : Promise.reject(e),
        )),
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
