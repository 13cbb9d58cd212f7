/**
 * Pulls that need a setting of the engine, on a private engine (second-engine.ts) in a network
 * namespace of its own, with real registries (real-registry.ts) started in that namespace on its
 * loopback. Everything (the engine with its data, the registries with their storage) is removed
 * afterwards.
 *
 * - A Docker Hub style name (`image: NAME:1`, no registry host) pulled through the engine's
 *   registry mirror, as `docker pull` does: berth passes the name unchanged and the engine asks its
 *   mirror (`--registry-mirror=http://127.0.0.1:PORT`, the fixture pushed as `library/NAME:1`).
 * - A registry that dies mid-pull. The engine retries a broken layer download by itself, up to 5
 *   attempts 5 to 20 s apart; this engine makes two (`--max-download-attempts=1` on Engine 20.10:
 *   one retry, after 5 s), so the whole failure takes seconds. The namespace's loopback is slowed
 *   (`tc qdisc … tbf rate`) so that the registry is surely killed while the layer is still coming.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../src/engine/engine.js";
import type { BerthEvent } from "../../src/events.js";
import { acquire, isBerthError } from "../../src/index.js";
import { resourcesOf, uniqueName } from "./helpers.js";
import { freePort, pushImage, removeImages, startRegistry, type Registry } from "./real-registry.js";
import { SecondEngine } from "./second-engine.js";

const FIXTURE = "berth-fixtures/busybox:1";

describe("pulls on a private engine: through its registry mirror, from a registry that dies mid-pull", () => {
  const work = mkdtempSync(join(tmpdir(), "berth-mirror-test-"));
  const name = uniqueName("berth-mirror").toLowerCase();
  let second: SecondEngine | undefined;
  let mirror: Registry | undefined;
  let e: Engine;

  beforeAll(async () => {
    const port = await freePort();
    second = await SecondEngine.start([FIXTURE], { dockerdArgs: [`--registry-mirror=http://127.0.0.1:${port}`, "--max-download-attempts=1"] });
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

  it("the registry dies mid-pull: IMAGE_PULL_FAILED naming the image and the registry, the broken download retried, nothing created", async () => {
    const t0 = Date.now();
    const dying = await startRegistry({ netns: second!.netns, port: await freePort() });
    const image = `${dying.host}/${name}/big:1`;
    const local = `${name}-big:1`;
    // 16 MiB of random data (it does not compress) on the fixture, built on the private engine.
    execFileSync("bash", ["-c", `docker save ${FIXTURE} | docker -H ${second!.host} load -q`], { stdio: ["ignore", "pipe", "pipe"] });
    execFileSync("docker", ["-H", second!.host, "build", "-q", "-t", local, "-"], {
      input: `FROM ${FIXTURE}\nRUN head -c 16777216 /dev/urandom > /big\n`,
      env: { ...process.env, DOCKER_BUILDKIT: "0" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    pushImage(local, image, undefined, second!.host);
    removeImages([local], second!.host);
    // 24 Mbit/s (a token bucket: this kernel has no netem; the burst holds loopback's 64 KiB
    // packets): the layer takes about 6 s to come, and the registry is killed within the first one.
    const tc = (...args: string[]) => execFileSync("nsenter", [`--net=${second!.netns}`, "tc", "qdisc", ...args], { stdio: "pipe" });
    tc("add", "dev", "lo", "root", "tbf", "rate", "24mbit", "burst", "128kb", "latency", "500ms");
    const file = join(work, "big.yml");
    writeFileSync(file, `services:\n  app:\n    image: ${image}\n    init: true\n    command: ['sleep', '3600']\n`);
    const project = uniqueName("berth-mirror-dies");
    const events: BerthEvent[] = [];
    let killed: Promise<void> | undefined;
    const onEvent = (ev: BerthEvent) => {
      events.push(ev);
      if (ev.type === "pull" && ev.bytesDone > 0 && !killed) killed = dying.stop();
    };
    try {
      const pullStart = Date.now();
      const error = await acquire({ files: [file], cwd: work, engine: e, projectName: project, onEvent, timeoutMs: 60_000 }).then(
        (env) => env.release().then(() => undefined),
        (err: unknown) => err,
      );
      await killed;
      expect(killed, "the registry was killed once bytes came").toBeDefined();
      expect(isBerthError(error, "IMAGE_PULL_FAILED"), String(error)).toBe(true);
      const failure = error as Error & { details: Record<string, unknown> };
      expect(failure.message).toContain(`could not pull ${image} (service app) from ${dying.host}: unreachable`);
      expect(failure.details).toMatchObject({ image, registry: dying.host, failure: "unreachable" });
      // The engine retried the broken download (shown as a retry event, not a silent stall), and
      // the retry found the registry gone.
      const retries = events.filter((ev) => ev.type === "retry" && ev.target === `pull-image:${image}`);
      expect(retries.map((ev) => ev.type === "retry" && ev.cause)).toEqual([
        expect.stringMatching(/^the download of layer \w+ broke off; the engine retries it in 5 s$/),
      ]);
      expect(events.some((ev) => ev.type === "step" && ev.kind === "pull-image" && ev.phase === "failed")).toBe(true);
      expect(await resourcesOf(e, project)).toEqual([]);
      expect(await e.inspectImage(image)).toBeNull();
      console.log(`registry dies mid-pull: set-up ${pullStart - t0} ms, acquire failed after ${Date.now() - pullStart} ms`);
    } finally {
      await (killed ?? dying.stop());
      try {
        tc("del", "dev", "lo", "root");
      } catch {
        // the namespace ends with the engine anyway
      }
    }
  });
});
