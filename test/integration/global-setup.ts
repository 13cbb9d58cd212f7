/**
 * Before the integration suite: make sure an engine answers (installing and starting one on a
 * fresh machine) and that every fixture image exists. After it: fail the run if anything labelled
 * by berth and created during the run is still on the engine.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { connectEngine } from "../../src/engine/connect.js";
import { LABEL } from "../../src/labels.js";

const root = new URL("../..", import.meta.url).pathname;
/** Every resource created during this run carries this label (through BERTH_LABELS). */
const RUN_LABEL = "dev.berth.test-run";
const runId = randomUUID();

export async function setup(): Promise<void> {
  process.stderr.write("[berth tests] making sure a Docker engine answers and the fixture images exist\n");
  execFileSync("bash", ["scripts/ensure-engine.sh"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  execFileSync("bash", ["scripts/build-images.sh"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  // Inherited by test workers and the berth processes they spawn: lets the leak check below see
  // exactly this run's resources, not those of a developer's own environments or another run.
  process.env.BERTH_LABELS = `${RUN_LABEL}=${runId}`;
}

export async function teardown(): Promise<void> {
  const engine = await connectEngine({ env: process.env });
  const filter = { [LABEL.managed]: "true", [RUN_LABEL]: runId };
  const [containers, networks, volumes] = await Promise.all([
    engine.listContainers(filter),
    engine.listNetworks(filter),
    engine.listVolumes(filter),
  ]);
  const left = [
    ...containers.map((c) => `container ${c.name}`),
    ...networks.map((n) => `network ${n.name}`),
    ...volumes.map((v) => `volume ${v.name}`),
  ];
  if (left.length) {
    // Vitest reports an error thrown here but still exits 0, so fail the run explicitly.
    process.stderr.write(`[berth tests] FAIL: the test suite left ${left.length} berth-labelled resources behind:\n  ${left.join("\n  ")}\n`);
    process.exitCode = 1;
    return;
  }
  process.stderr.write("[berth tests] leak check: nothing labelled dev.berth.managed was left behind\n");
}
