/**
 * Before the integration suite: make sure an engine answers (installing and starting one on a
 * fresh machine) and that every fixture image exists. After it: fail the run if anything labelled
 * by berth and created during the run is still on the engine.
 */
import { execFileSync } from "node:child_process";
import { connectEngine } from "../../src/engine/connect.js";
import { LABEL } from "../../src/labels.js";

const root = new URL("../..", import.meta.url).pathname;
let startedAt = "";

export async function setup(): Promise<void> {
  process.stderr.write("[berth tests] making sure a Docker engine answers and the fixture images exist\n");
  execFileSync("bash", ["scripts/ensure-engine.sh"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  execFileSync("bash", ["scripts/build-images.sh"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  startedAt = new Date().toISOString();
}

export async function teardown(): Promise<void> {
  const engine = await connectEngine({ env: process.env });
  const filter = { [LABEL.managed]: "true" };
  const fresh = (labels: Record<string, string>) => (labels[LABEL.createdAt] ?? "") >= startedAt;
  const [containers, networks, volumes] = await Promise.all([
    engine.listContainers(filter),
    engine.listNetworks(filter),
    engine.listVolumes(filter),
  ]);
  const left = [
    ...containers.filter((c) => fresh(c.labels)).map((c) => `container ${c.name}`),
    ...networks.filter((n) => fresh(n.labels)).map((n) => `network ${n.name}`),
    ...volumes.filter((v) => fresh(v.labels)).map((v) => `volume ${v.name}`),
  ];
  if (left.length) {
    throw new Error(`the test suite left ${left.length} berth-labelled resources behind:\n  ${left.join("\n  ")}`);
  }
  process.stderr.write("[berth tests] leak check: nothing labelled dev.berth.managed was left behind\n");
}
