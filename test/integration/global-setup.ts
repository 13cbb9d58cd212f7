/**
 * Before the integration suite: make sure an engine answers (installing and starting one on a
 * fresh machine) and that every fixture image exists. After it: fail the run if anything labelled
 * by berth and created during the run is still on the engine.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { connectEngine } from "../../src/engine/connect.js";
import { LABEL } from "../../src/labels.js";
import { SNAPSHOT_LABEL } from "../../src/snapshot/labels.js";
import { checkAndReleaseForeign, createForeign } from "./foreign-fixtures.js";

const root = new URL("../..", import.meta.url).pathname;
/** Every resource created during this run carries this label (through BERTH_LABELS). */
const RUN_LABEL = "dev.berth.test-run";
const runId = randomUUID();
/** Identities of the foreign resources at the start, to prove at the end that nothing touched them. */
let foreign: Record<string, string | undefined> = {};
/**
 * Both test projects that touch the engine (integration, then heavy) list this file; vitest runs
 * each project's global setup, all in this one process. The first does the work and owns the
 * checks at the end; the others only share its run.
 */
const OWNER_MARK = "BERTH_TEST_RUN_OWNER";
let owner = false;

export async function setup(): Promise<void> {
  if (process.env[OWNER_MARK]) return;
  process.env[OWNER_MARK] = runId;
  owner = true;
  process.stderr.write("[berth tests] making sure a Docker engine answers and the fixture images exist\n");
  execFileSync("bash", ["scripts/ensure-engine.sh"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  execFileSync("bash", ["scripts/build-images.sh"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  // Inherited by test workers and the berth processes they spawn: lets the leak check below see
  // exactly this run's resources, not those of a developer's own environments or another run.
  process.env.BERTH_LABELS = `${RUN_LABEL}=${runId}`;
  // The container cap (default 20 running berth containers per engine) counts every suite on the
  // engine, so concurrent runs on a shared engine would refuse each other at random. It is off for
  // the suite; test/integration/safety.test.ts checks it with a cap of its own.
  process.env.BERTH_MAX_CONTAINERS ??= "0";
  foreign = await createForeign(runId);
}

export async function teardown(): Promise<void> {
  if (!owner) return;
  owner = false; // one check per run, whether vitest shares this module between projects or not
  const touched = await checkAndReleaseForeign(runId, foreign);
  if (touched.length) {
    process.stderr.write(`[berth tests] FAIL: foreign resources (no berth labels) were touched during the run:\n  ${touched.join("\n  ")}\n`);
    process.exitCode = 1;
  } else process.stderr.write(`[berth tests] foreign resources (${Object.keys(foreign).join(", ")}) untouched\n`);
  const engine = await connectEngine({ env: process.env });
  const filter = { [LABEL.managed]: "true", [RUN_LABEL]: runId };
  // Snapshot volumes carry their own label kind, not dev.berth.managed: looked for separately.
  const snapshots = { [SNAPSHOT_LABEL.name]: true as const, [RUN_LABEL]: runId };
  const [containers, networks, volumes, snapshotVolumes] = await Promise.all([
    engine.listContainers(filter),
    engine.listNetworks(filter),
    engine.listVolumes(filter),
    engine.listVolumes(snapshots),
  ]);
  const left = [
    ...containers.map((c) => `container ${c.name}`),
    ...networks.map((n) => `network ${n.name}`),
    ...[...volumes, ...snapshotVolumes].map((v) => `volume ${v.name}`),
  ];
  if (left.length) {
    // Vitest reports an error thrown here but still exits 0, so fail the run explicitly.
    process.stderr.write(`[berth tests] FAIL: the test suite left ${left.length} berth-labelled resources behind:\n  ${left.join("\n  ")}\n`);
    process.exitCode = 1;
    return;
  }
  process.stderr.write("[berth tests] leak check: nothing labelled dev.berth.managed was left behind\n");
}
