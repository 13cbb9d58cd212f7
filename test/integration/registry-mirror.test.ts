/**
 * A Docker Hub style name (`image: NAME:1`, no registry host) pulled through the engine's registry
 * mirror, as `docker pull` does: berth passes the name unchanged and the engine asks its mirror.
 *
 * The mirror is a flag of the daemon, so this runs on a private engine (second-engine.ts) started
 * with `--registry-mirror=http://127.0.0.1:PORT`. That engine lives in a network namespace of its
 * own, so the registry (real-registry.ts) is started in the same namespace, on its loopback, and
 * the fixture image is pushed there from that engine as `library/NAME:1`. Everything (the engine
 * with its data, the registry with its storage) is removed afterwards.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import type { BerthEvent } from "../../src/events.js";
import { acquire } from "../../src/index.js";
import { resourcesOf, uniqueName } from "./helpers.js";
import { freePort, pushImage, removeImages, startRegistry, type Registry } from "./real-registry.js";
import { SecondEngine } from "./second-engine.js";

const FIXTURE = "berth-fixtures/busybox:1";

describe("a Docker Hub style name through the engine's registry mirror", () => {
  const work = mkdtempSync(join(tmpdir(), "berth-mirror-test-"));
  const name = uniqueName("berth-mirror").toLowerCase();
  let second: SecondEngine | undefined;
  let mirror: Registry | undefined;
  let e: Engine;

  beforeAll(async () => {
    const port = await freePort();
    second = await SecondEngine.start([FIXTURE], { dockerdArgs: [`--registry-mirror=http://127.0.0.1:${port}`] });
    mirror = await startRegistry({ netns: second.netns, port });
    // Pushed by the private engine (the only one that reaches the mirror), then gone from it
    // entirely: the pull must fetch every layer.
    pushImage(FIXTURE, `${mirror.host}/library/${name}:1`, undefined, second.host);
    removeImages([FIXTURE], second.host);
    e = await second.engine();
  });

  afterAll(async () => {
    try {
      await second?.destroy();
    } finally {
      await mirror?.stop();
      rmSync(work, { recursive: true, force: true });
    }
  });

  it("acquire pulls `NAME:1` from the mirror as library/NAME, the service gets ready, release removes everything", async () => {
    expect(await e.inspectImage(`${name}:1`)).toBeNull();
    const file = join(work, "compose.yml");
    writeFileSync(
      file,
      [
        "services:",
        "  app:",
        `    image: ${name}:1`,
        "    init: true",
        "    command: ['sh', '-c', 'echo ready; exec sleep 3600']",
        "    x-berth: { ready: { log: '^ready$' } }",
        "",
      ].join("\n"),
    );
    const project = uniqueName("berth-mirror-up");
    const events: BerthEvent[] = [];
    const pushed = mirror!.requests(`library/${name}`); // the push's own requests
    const env = await acquire({ files: [file], cwd: work, engine: e, projectName: project, onEvent: (ev) => events.push(ev), timeoutMs: 60_000 });
    try {
      const pulls = events.filter((ev) => ev.type === "step" && ev.kind === "pull-image" && ev.phase === "done");
      expect(pulls.map((ev) => (ev.type === "step" ? ev.target : ""))).toEqual([`${name}:1`]);
      // Ready by its log probe (a plain running container would say "running").
      expect(events.filter((ev) => ev.type === "ready").map((ev) => (ev.type === "ready" ? `${ev.service} ${ev.via}` : ""))).toEqual(["app probe"]);
      // The engine asked the mirror for the Docker Hub name's manifest and fetched its blobs there.
      const asked = mirror!.requests(`library/${name}`);
      expect(asked.manifests - pushed.manifests, mirror!.logFile).toBeGreaterThan(0);
      expect(asked.blobs - pushed.blobs).toBeGreaterThan(0);
      expect(await e.inspectImage(`${name}:1`)).not.toBeNull();
      expect(await resourcesOf(e, project)).toContainEqual(expect.stringMatching(/^container /));
    } finally {
      await env.release();
    }
    expect(await resourcesOf(e, project)).toEqual([]);
  });
});
