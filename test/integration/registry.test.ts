/**
 * Images from a real registry (Debian's docker-registry on a loopback port, one open and one behind
 * htpasswd): acquire pulls what is missing before anything is created, honours pull_policy and
 * --pull, sends the docker CLI's credentials (config auths, a credential helper), pulls an image
 * once for ten acquires at once, and fails cleanly (nothing created, the password nowhere) when a
 * pull cannot succeed; pulls the base image of a build from the authenticated registry with the
 * same credentials. Every image pulled or built here is removed afterwards.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquire } from "../../src/lifecycle/acquire.js";
import { berth, engine, lastJson, resourcesOf, uniqueName } from "./helpers.js";
import { pushImage, pushUniqueImage, removeImages, startRegistry, type Registry } from "./real-registry.js";

const work = mkdtempSync(join(tmpdir(), "berth-registry-test-"));
const USER = "berth";
const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-secret`;
let open: Registry;
let closed: Registry;
const pulled: string[] = [];
const repo = uniqueName("berth-reg").toLowerCase();
/** The registry requests of one pull of the db image, measured by the first test. */
let onePull = { manifests: 0, blobs: 0 };
const minus = (a: { manifests: number; blobs: number }, b: { manifests: number; blobs: number }) => ({
  manifests: a.manifests - b.manifests,
  blobs: a.blobs - b.blobs,
});

/** A one-service stack of `image` that runs until stopped (no healthcheck: ready when running). */
function oneService(name: string, image: string): string {
  const file = join(work, `${name}.yml`);
  writeFileSync(file, `services:\n  db:\n    image: ${image}\n    init: true\n    command: ['sleep', '3600']\n`);
  return file;
}

/** A two-service busybox stack (app waits for db healthy) from `images`. */
function stackFile(name: string, images: { db: string; app: string }, extra = ""): string {
  const file = join(work, `${name}.yml`);
  const check = "healthcheck: { test: ['CMD', 'test', '-f', '/ready'], interval: 1s, timeout: 2s, retries: 30 }";
  writeFileSync(
    file,
    [
      "services:",
      "  db:",
      `    image: ${images.db}`,
      "    init: true",
      "    command: ['sh', '-c', 'touch /ready; exec sleep 3600']",
      `    ${check}`,
      extra,
      "  app:",
      `    image: ${images.app}`,
      "    init: true",
      "    command: ['sh', '-c', 'touch /ready; exec sleep 3600']",
      "    depends_on: { db: { condition: service_healthy } }",
      `    ${check}`,
      "",
    ].join("\n"),
  );
  return file;
}

const events = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const pullSteps = (stdout: string) =>
  events(stdout)
    .filter((e) => e.type === "step" && e.kind === "pull-image" && e.phase === "done")
    .map((e) => e.target);

describe("images from a real registry", () => {
  let db: string;
  let app: string;
  let privateImage: string;

  beforeAll(async () => {
    [open, closed] = await Promise.all([startRegistry(), startRegistry({ user: USER, password: PASSWORD })]);
    db = `${open.host}/${repo}/db:1`;
    app = `${open.host}/${repo}/app:1`;
    privateImage = `${closed.host}/${repo}/private:1`;
    pushUniqueImage(db);
    pushImage("berth-fixtures/busybox:1", app);
    pushImage("berth-fixtures/busybox:1", privateImage, { host: closed.host, user: USER, password: PASSWORD });
    pulled.push(db, app, privateImage);
  });

  afterAll(async () => {
    removeImages(pulled);
    await Promise.all([open?.stop(), closed?.stop()]);
    rmSync(work, { recursive: true, force: true });
  });

  it("brings a stack up with none of its images local; a second up pulls nothing; --pull always checks again", async () => {
    const file = stackFile("open", { db, app });
    const project = uniqueName("berth-reg-up");
    try {
      const fresh = open.requests(`${repo}/db`);
      const first = await berth(["up", "-f", file, "-p", project, "--json"]);
      expect(first.code, first.stderr).toBe(0);
      expect(pullSteps(first.stdout).sort()).toEqual([app, db].sort());
      onePull = minus(open.requests(`${repo}/db`), fresh);
      expect(onePull.blobs).toBeGreaterThan(0); // its config and the layer the engine lacked
      expect(
        events(first.stdout).some((e) => e.type === "pull" && e.image === db && (e.layersDone as number) >= 1 && (e.bytes as number) > 0),
        first.stdout,
      ).toBe(true);
      expect(
        events(first.stdout)
          .filter((e) => e.type === "ready")
          .map((e) => e.service)
          .sort(),
      ).toEqual(["app", "db"]);
      // Again on the running environment: the pull phase runs, the containers stay.
      const before = open.requests(`${repo}/db`);
      const second = await berth(["up", "-f", file, "-p", project, "--json"]);
      expect(second.code, second.stderr).toBe(0);
      expect(pullSteps(second.stdout)).toEqual([]);
      expect(open.requests(`${repo}/db`)).toEqual(before);

      const third = await berth(["up", "-f", file, "-p", project, "--json", "--pull", "always"]);
      expect(third.code, third.stderr).toBe(0);
      expect(pullSteps(third.stdout).sort()).toEqual([app, db].sort());
      expect(open.requests(`${repo}/db`).manifests).toBeGreaterThan(before.manifests);

      // run SERVICE --pull always: the service's image is pulled again before its one-off container.
      const asked = open.requests(`${repo}/db`).manifests;
      const oneOff = await berth(["run", "-p", project, "--json", "--pull", "always", "-T", "db", "true"]);
      expect(oneOff.code, oneOff.stderr).toBe(0);
      expect(pullSteps(oneOff.stderr)).toEqual([db]);
      expect(open.requests(`${repo}/db`).manifests).toBeGreaterThan(asked);
    } finally {
      expect((await berth(["down", "-p", project])).code).toBe(0);
    }
  });

  it("ten acquires at once needing the same missing image: the registry serves it once", async () => {
    removeImages([db]);
    const before = open.requests(`${repo}/db`);
    const file = oneService("one", db);
    const envs = await Promise.all(Array.from({ length: 10 }, () => acquire({ files: [file], cwd: work, guards: false })));
    await Promise.all(envs.map((e) => e.release()));
    // The requests of one pull: the other nine found the image present under the pull lock. One pull
    // asks for the manifest once or twice (CI saw 1 where the first pull above made 2); ten pulls ask ≥ 10 times.
    const served = minus(open.requests(`${repo}/db`), before);
    expect(served.blobs).toBe(onePull.blobs);
    expect(served.manifests).toBeGreaterThanOrEqual(1);
    expect(served.manifests).toBeLessThanOrEqual(onePull.manifests);
  });

  it("credentials from the docker config's auths, and from a credential helper on PATH", async () => {
    const file = oneService("private", privateImage);
    const auths = join(work, "config-auths");
    mkdirSync(auths);
    writeFileSync(join(auths, "config.json"), JSON.stringify({ auths: { [closed.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString("base64") } } }));
    // run -- CMD: acquire, the command, release, in one process; its events go to stderr.
    const viaAuths = await berth(["run", "-f", file, "--json", "--", "true"], { env: { DOCKER_CONFIG: auths } });
    expect(viaAuths.code, viaAuths.stderr).toBe(0);
    expect(pullSteps(viaAuths.stderr)).toEqual([privateImage]);
    expect(`${viaAuths.stdout}${viaAuths.stderr}`).not.toContain(PASSWORD);
    removeImages([privateImage]);

    // A helper speaking docker-credential-helpers' protocol: server address on stdin, JSON out.
    const bin = join(work, "bin");
    mkdirSync(bin);
    const helper = join(bin, "docker-credential-berthtest");
    writeFileSync(
      helper,
      `#!/bin/sh\n[ "$1" = get ] || exit 2\nread -r url\n[ "$url" = "${closed.host}" ] || { echo "credentials not found in native keychain"; exit 1; }\nprintf '{"ServerURL":"%s","Username":"${USER}","Secret":"${PASSWORD}"}' "$url"\n`,
    );
    chmodSync(helper, 0o755);
    const helped = join(work, "config-helper");
    mkdirSync(helped);
    writeFileSync(join(helped, "config.json"), JSON.stringify({ credHelpers: { [closed.host]: "berthtest" } }));
    const viaHelper = await berth(["run", "-f", file, "--json", "--pull", "always", "--", "true"], {
      env: { DOCKER_CONFIG: helped, PATH: `${bin}:${process.env.PATH}` },
    });
    expect(viaHelper.code, viaHelper.stderr).toBe(0);
    expect(pullSteps(viaHelper.stderr)).toEqual([privateImage]);
    expect(`${viaHelper.stdout}${viaHelper.stderr}`).not.toContain(PASSWORD);
    removeImages([privateImage]);
  });

  it("failed pulls: unauthorized, unknown tag, registry gone — the image and the answer named, exit 1, nothing created, no password", async () => {
    const e = await engine();
    removeImages([privateImage]); // absent, so that the wrong credentials are used
    const project = uniqueName("berth-reg-fail");
    try {
      const wrong = join(work, "config-wrong");
      mkdirSync(wrong);
      const wrongPassword = `${PASSWORD}-wrong`;
      writeFileSync(join(wrong, "config.json"), JSON.stringify({ auths: { [closed.host]: { username: USER, password: wrongPassword } } }));
      const denied = await berth(["up", "-f", stackFile("denied", { db: privateImage, app: privateImage }), "-p", project, "--json"], {
        env: { DOCKER_CONFIG: wrong },
      });
      expect(denied.code).toBe(1);
      const result = lastJson<{ error: { code: string; message: string; details: Record<string, unknown> } }>(denied.stdout);
      expect(result.error.code).toBe("IMAGE_PULL_FAILED");
      expect(result.error.message).toContain(`could not pull ${privateImage} (services app, db) from ${closed.host}: unauthorized`);
      expect(result.error.details).toMatchObject({ registry: closed.host, failure: "unauthorized" });
      expect(`${denied.stdout}${denied.stderr}`).not.toContain(wrongPassword);
      expect(await resourcesOf(e, project)).toEqual([]);

      const unknown = await berth(["up", "-f", stackFile("unknown", { db: `${open.host}/${repo}/db:nope`, app }), "-p", project]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain(`could not pull ${open.host}/${repo}/db:nope (service db) from ${open.host}: not found`);
      expect(await resourcesOf(e, project)).toEqual([]);

      const gone = await startRegistry();
      const goneImage = `${gone.host}/${repo}/gone:1`;
      await gone.stop();
      const unreachable = await berth(["up", "-f", stackFile("gone", { db: goneImage, app: goneImage }), "-p", project]);
      expect(unreachable.code).toBe(1);
      expect(unreachable.stderr).toContain(`from ${gone.host}: unreachable`);
      expect(await resourcesOf(e, project)).toEqual([]);

      const never = await berth(["up", "-f", stackFile("never", { db: `${open.host}/${repo}/db:nope`, app }), "-p", project, "--pull", "never"]);
      expect(never.code).toBe(1);
      expect(never.stderr).toContain("not present on the engine");
      expect(await resourcesOf(e, project)).toEqual([]);
    } finally {
      // A pull that wrongly succeeded brought something up: leave nothing behind all the same.
      if ((await resourcesOf(e, project)).length) await berth(["down", "-p", project]);
    }
  });

  it("a build whose FROM is only in the authenticated registry: its base pulled with the docker config's credentials; without them, unauthorized; once present, again only with --pull", async () => {
    const e = await engine();
    removeImages([privateImage]);
    const built = `berth-built-${repo}:1`;
    pulled.push(built);
    const dir = join(work, "built");
    mkdirSync(dir);
    // The base through a global ARG, as Dockerfiles often name it; no RUN: the build starts no container.
    writeFileSync(join(dir, "Dockerfile"), `ARG BASE=${privateImage}\nFROM \${BASE} AS base\nFROM base\nLABEL berth.test=base-pull\n`);
    const file = join(work, "built.yml");
    writeFileSync(file, `services:\n  app:\n    image: ${built}\n    build: { context: ./built }\n    init: true\n    command: ['sleep', '3600']\n`);
    const project = uniqueName("berth-reg-build");
    const none = join(work, "config-none");
    mkdirSync(none);
    try {
      // Without credentials: berth's pull of the base is refused, before any build or container.
      const denied = await berth(["up", "-f", file, "-p", project, "--json"], { env: { DOCKER_CONFIG: none } });
      expect(denied.code, denied.stderr).toBe(1);
      const result = lastJson<{ error: { code: string; message: string; details: Record<string, unknown> } }>(denied.stdout);
      expect(result.error.code).toBe("IMAGE_PULL_FAILED");
      expect(result.error.message).toContain(`could not pull ${privateImage} (base image of service app) from ${closed.host}: unauthorized`);
      expect(result.error.details).toMatchObject({ registry: closed.host, failure: "unauthorized", base: true });
      expect(events(denied.stdout).some((ev) => ev.type === "build")).toBe(false);
      expect(await resourcesOf(e, project)).toEqual([]);

      // With them, through `berth build` (the classic builder alone would pull anonymously, and be refused).
      const auths = join(work, "config-build");
      mkdirSync(auths);
      writeFileSync(join(auths, "config.json"), JSON.stringify({ auths: { [closed.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString("base64") } } }));
      const build = await berth(["build", "-f", file, "--json"], { env: { DOCKER_CONFIG: auths } });
      expect(build.code, build.stderr).toBe(0);
      expect(pullSteps(build.stdout)).toEqual([privateImage]);
      expect(lastJson<{ built: { image: string }[] }>(build.stdout).built.map((b) => b.image)).toEqual([built]);
      expect(`${build.stdout}${build.stderr}${denied.stdout}${denied.stderr}`).not.toContain(PASSWORD);
      expect((await e.inspectImage(built))?.labels["berth.test"]).toBe("base-pull");
      // The base is on the engine now: a build pulls it no more, unless told to (--pull, as compose's).
      const again = await berth(["build", "-f", file, "--json"], { env: { DOCKER_CONFIG: auths } });
      expect(again.code, again.stderr).toBe(0);
      expect(pullSteps(again.stdout)).toEqual([]);
      const pulling = await berth(["build", "-f", file, "--pull", "--json"], { env: { DOCKER_CONFIG: auths } });
      expect(pulling.code, pulling.stderr).toBe(0);
      expect(pullSteps(pulling.stdout)).toEqual([privateImage]);
      expect(`${again.stdout}${again.stderr}${pulling.stdout}${pulling.stderr}`).not.toContain(PASSWORD);
    } finally {
      if ((await resourcesOf(e, project)).length) await berth(["down", "-p", project]);
    }
  });
});
