/**
 * The compose commands berth also has (images, top, cp, kill, rm, build, pull) end to end on one
 * shared busybox environment, next to a look-alike container that carries the environment's compose
 * project label but not berth's: no command may touch it.
 */
import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berth, engine, resourcesOf, root, stack, uniqueName } from "./helpers.js";
import { pushUniqueImage, removeImages, startRegistry } from "./real-registry.js";

const project = uniqueName("berth-cmp");
const p = ["-p", project];
const lookAlike = `${project}-lookalike`;
const work = mkdtempSync(join(tmpdir(), "berth-cmp-"));
const docker = (args: string[]) => execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

/** The engine's own view of a container (docker's CLI: quicker than a berth process per look). */
const stateOf = (name: string) => docker(["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", name]);

describe("compose commands on a berth environment", () => {
  beforeAll(async () => {
    const up = await berth(["up", "-f", stack("cli-ops.yml"), ...p, "-q"]);
    expect(up.code, up.stderr).toBe(0);
    // Compose's labels of this project, none of berth's: berth must never select it.
    docker([
      "run",
      "-d",
      "--init",
      "--name",
      lookAlike,
      "--label",
      `com.docker.compose.project=${project}`,
      "--label",
      "com.docker.compose.service=web",
      "berth-fixtures/busybox:1",
      "sleep",
      "3600",
    ]);
  });

  afterAll(async () => {
    docker(["rm", "-f", lookAlike]);
    await berth(["down", project]);
    expect(await resourcesOf(await engine(), project)).toEqual([]);
    rmSync(work, { recursive: true, force: true });
  });

  it("images: a row per container with repository, tag, short id and size; --format json; -q", async () => {
    const r = await berth(["images", ...p]);
    expect(r.code, r.stderr).toBe(0);
    const [header, ...rows] = r.stdout.trim().split("\n");
    expect(header!.split(/\s{2,}/)).toEqual(["CONTAINER", "REPOSITORY", "TAG", "IMAGE ID", "SIZE"]);
    expect(rows.map((l) => l.split(/\s{2,}/).slice(0, 3))).toEqual([
      [`${project}-web-1`, "berth-fixtures/busybox", "1"],
      [`${project}-worker-1-1`, "berth-fixtures/busybox", "1"],
    ]);
    const id = docker(["image", "inspect", "-f", "{{.Id}}", "berth-fixtures/busybox:1"]);
    expect(rows[0]).toContain(id.replace("sha256:", "").slice(0, 12));
    const json = JSON.parse((await berth(["images", ...p, "web", "--format", "json"])).stdout) as Record<string, unknown>[];
    expect(json).toEqual([
      { container: `${project}-web-1`, service: "web", repository: "berth-fixtures/busybox", tag: "1", imageId: id, sizeBytes: expect.any(Number) as number },
    ]);
    expect((await berth(["images", ...p, "-q"])).stdout.trim()).toBe(id);
  });

  it("top: the processes of each running container", async () => {
    const r = await berth(["top", ...p, "web"]);
    expect(r.code, r.stderr).toBe(0);
    const [name, header, ...procs] = r.stdout.trim().split("\n");
    expect(name).toBe(`${project}-web-1`);
    expect(header).toMatch(/^UID\s+PID\s+PPID/);
    expect(procs.some((l) => l.includes("httpd -f -p 8080"))).toBe(true);
    const bad = await berth(["top", ...p, "nope"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('has no service "nope"');
    expect(bad.stderr).toContain("Services: web, worker-1.");
  });

  it("cp: a file and a directory into a container and back out; - is a tar stream either way", async () => {
    mkdirSync(join(work, "site/sub"), { recursive: true });
    writeFileSync(join(work, "note.txt"), "from the host\n");
    writeFileSync(join(work, "site/sub/page.html"), "<p>deep</p>\n");
    // Into an existing directory: the file lands inside it; to a new path: it becomes that path.
    expect((await berth(["cp", ...p, join(work, "note.txt"), "web:/www"])).code).toBe(0);
    expect((await berth(["cp", ...p, join(work, "site"), "web:/www/copied"])).code).toBe(0);
    expect(docker(["exec", `${project}-web-1`, "find", "/www/note.txt", "/www/copied"]).split("\n")).toEqual([
      "/www/note.txt",
      "/www/copied",
      "/www/copied/sub",
      "/www/copied/sub/page.html",
    ]);
    const back = await berth(["cp", ...p, "--json", "web:/www/copied", join(work, "back")]);
    expect(back.code, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ ok: true, from: "web:/www/copied", replica: 1 });
    expect(readFileSync(join(work, "back/sub/page.html"), "utf8")).toBe("<p>deep</p>\n");
    expect((await berth(["cp", ...p, "web:www/note.txt", join(work, "note-back.txt")])).code).toBe(0); // relative: from the container's root
    expect(readFileSync(join(work, "note-back.txt"), "utf8")).toBe("from the host\n");
    const missing = await berth(["cp", ...p, "web:/no/such/file", work]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("/no/such/file");

    // "-": the engine's tar stream on stdout (bytes as they are: not through the helper's text), and a tar from stdin into a directory.
    const tarOut = execFileSync(process.execPath, [`${root}dist/bin/berth.js`, "cp", ...p, "web:/www/copied", "-"], { stdio: ["ignore", "pipe", "pipe"] });
    writeFileSync(join(work, "out.tar"), tarOut);
    expect(
      execFileSync("tar", ["-tf", join(work, "out.tar")], { encoding: "utf8" })
        .trim()
        .split("\n")
        .sort(),
    ).toEqual(["copied/", "copied/sub/", "copied/sub/page.html"]);
    const streamed = await berth(["cp", ...p, "-", "web:/www"], { input: execFileSync("tar", ["-cf", "-", "-C", work, "site"]) });
    expect(streamed.code, streamed.stderr).toBe(0);
    expect(docker(["exec", `${project}-web-1`, "cat", "/www/site/sub/page.html"])).toBe("<p>deep</p>");
    const notDir = await berth(["cp", ...p, "-", "web:/www/note.txt"], { input: execFileSync("tar", ["-cf", "-", "-C", work, "note.txt"]) });
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toContain("must be a directory that exists in the container");
  });

  it("cp -a keeps the files' owner ids (a tar stream keeps its own); -L follows a source link either way; a destination link in the container is followed", async () => {
    const dir = join(work, "owners");
    mkdirSync(join(dir, "inner"), { recursive: true });
    writeFileSync(join(dir, "inner/owned.txt"), "owned\n");
    execFileSync("chown", ["-R", "1234:5678", dir]);
    symlinkSync(join(dir, "inner/owned.txt"), join(work, "host-link"));
    const inWeb = (...cmd: string[]) => docker(["exec", `${project}-web-1`, ...cmd]);
    inWeb("mkdir", "-p", "/www/plain", "/www/kept", "/www/target");
    inWeb("sh", "-c", "echo linked > /www/target/file.txt && ln -s /www/target/file.txt /www/file-link && ln -s /www/target /www/dir-link");

    // Without -a the engine gives everything to the container's root; with it the host's ids stay, all the way down.
    expect((await berth(["cp", ...p, dir, "web:/www/plain"])).code).toBe(0);
    expect((await berth(["cp", ...p, "-a", dir, "web:/www/kept"])).code).toBe(0);
    expect(inWeb("stat", "-c", "%u:%g", "/www/plain/owners", "/www/plain/owners/inner/owned.txt").split("\n")).toEqual(["0:0", "0:0"]);
    expect(inWeb("stat", "-c", "%u:%g", "/www/kept/owners", "/www/kept/owners/inner/owned.txt").split("\n")).toEqual(["1234:5678", "1234:5678"]);
    // A tar stream is extracted as it comes: its own ids stay, with or without -a.
    inWeb("rm", "-r", "/www/plain/owners");
    const tarred = execFileSync("tar", ["-cf", "-", "-C", work, "owners"]);
    expect((await berth(["cp", ...p, "-", "web:/www/plain"], { input: tarred })).code).toBe(0);
    expect(inWeb("stat", "-c", "%u:%g", "/www/plain/owners/inner/owned.txt")).toBe("1234:5678");

    // A host symlink: copied as a link, or with -L as the file it points to.
    expect((await berth(["cp", ...p, join(work, "host-link"), "web:/www/as-link"])).code).toBe(0);
    expect(inWeb("readlink", "/www/as-link")).toBe(join(dir, "inner/owned.txt"));
    expect((await berth(["cp", ...p, "-L", join(work, "host-link"), "web:/www/as-file"])).code).toBe(0);
    expect(inWeb("cat", "/www/as-file")).toBe("owned");

    // A container symlink: copied out as a link, or with -L as its target under the link's name.
    expect((await berth(["cp", ...p, "web:/www/file-link", join(work, "out-link")])).code).toBe(0);
    expect(readlinkSync(join(work, "out-link"))).toBe("/www/target/file.txt");
    expect((await berth(["cp", ...p, "-L", "web:/www/file-link", join(work, "out-file")])).code).toBe(0);
    expect(lstatSync(join(work, "out-file")).isFile()).toBe(true);
    expect(readFileSync(join(work, "out-file"), "utf8")).toBe("linked\n");
    expect((await berth(["cp", ...p, "-L", "web:/www/dir-link", join(work, "out-dir")])).code).toBe(0);
    expect(readFileSync(join(work, "out-dir/file.txt"), "utf8")).toBe("linked\n");
    const linkTar = execFileSync(process.execPath, [`${root}dist/bin/berth.js`, "cp", ...p, "-L", "web:/www/file-link", "-"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    writeFileSync(join(work, "link.tar"), linkTar);
    expect(execFileSync("tar", ["-tf", join(work, "link.tar")], { encoding: "utf8" }).trim()).toBe("file.txt"); // as docker cp: the target's own name

    // A destination that is a link to a directory: the copy lands in that directory, the link stays.
    expect((await berth(["cp", ...p, join(dir, "inner/owned.txt"), "web:/www/dir-link"])).code).toBe(0);
    expect(inWeb("cat", "/www/target/owned.txt")).toBe("owned");
    expect(inWeb("readlink", "/www/dir-link")).toBe("/www/target");
  });

  it("pause freezes a service (PAUSED, its port answers nothing); unpause, or up, thaws it; down removes a paused environment", async () => {
    const port = (
      JSON.parse((await berth(["status", ...p, "--json"])).stdout) as {
        environments: { services: Record<string, { containers: { ports: { hostPort: number }[] }[] }> }[];
      }
    ).environments[0]!.services.web!.containers[0]!.ports[0]!.hostPort;
    const get = () => fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1500) }).then((r) => r.status);
    expect(await get()).toBe(200);

    const paused = await berth(["pause", ...p, "--json", "web"]);
    expect(paused.code, paused.stderr).toBe(0);
    expect(JSON.parse(paused.stdout)).toMatchObject({ ok: true, operation: "pause", containers: [`${project}-web-1`] });
    expect(stateOf(`${project}-web-1`)).toBe("paused 0");
    expect(stateOf(lookAlike)).toBe("running 0");
    const ps = (await berth(["ps", ...p, "--format", "json"])).stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { Service: string; State: string });
    expect(ps.map((x) => [x.Service, x.State])).toEqual([
      ["web", "paused"],
      ["worker-1", "running"],
    ]);
    await expect(get()).rejects.toThrow(); // the connection opens; nothing answers
    const waited = await berth(["wait", ...p, "web", "--timeout", "2s"]);
    expect(waited.code).toBe(4);
    expect(waited.stderr).toContain("is paused (`berth pause` or `docker pause`): nothing in it runs until `berth unpause web`");
    expect((await berth(["pause", ...p, "web"])).stdout.trim()).toBe("No running container to pause.");

    const thawed = await berth(["unpause", ...p]);
    expect(thawed.code, thawed.stderr).toBe(0);
    expect(thawed.stdout.trim()).toBe(`Unpaused 1 container of ${project}: ${project}-web-1`);
    // dockerd calls it unhealthy until its next check (it marks paused containers so); berth does not.
    const after = JSON.parse((await berth(["status", ...p, "--json"])).stdout) as {
      environments: { services: Record<string, { containers: { state: string }[] }> }[];
    };
    expect(after.environments[0]!.services.web!.containers[0]!.state).toBe("HEALTHY");
    expect(await get()).toBe(200);

    // `up` on an environment with a paused service thaws it (the engine refuses to start a paused container).
    expect((await berth(["pause", ...p, "web"])).code).toBe(0);
    const up = await berth(["up", "-f", stack("cli-ops.yml"), ...p, "-q"]);
    expect(up.code, up.stderr).toBe(0);
    expect(stateOf(`${project}-web-1`)).toBe("running 0");
    expect(await get()).toBe(200);

    // A paused environment goes whole.
    const other = uniqueName("berth-paused");
    expect((await berth(["up", "-f", stack("cli-ops.yml"), "-p", other, "-q"])).code).toBe(0);
    expect((await berth(["pause", "-p", other])).code).toBe(0);
    const down = await berth(["down", other]);
    expect(down.code, down.stderr).toBe(0);
    expect(await resourcesOf(await engine(), other)).toEqual([]);
  });

  it("kill signals only the environment's running containers; rm removes only its stopped ones, and asks for -f without a terminal", async () => {
    const killed = await berth(["kill", ...p, "--json", "-s", "KILL", "--remove-orphans", "worker-1"]);
    expect(killed.code, killed.stderr).toBe(0);
    expect(killed.stderr).toContain("berth: note: --remove-orphans accepted for docker compose; kill removes nothing");
    expect(JSON.parse(killed.stdout)).toMatchObject({ ok: true, signal: "SIGKILL", containers: [`${project}-worker-1-1`] });
    expect([stateOf(`${project}-web-1`), stateOf(`${project}-worker-1-1`), stateOf(lookAlike)]).toEqual(["running 0", "exited 137", "running 0"]);

    docker(["stop", "-t", "0", lookAlike]);
    const refused = await berth(["rm", ...p]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("confirm with -f");
    const rm = await berth(["rm", ...p, "-f"]);
    expect(rm.code, rm.stderr).toBe(0);
    expect(rm.stdout.trim()).toBe(`Removed 1 container of ${project}: ${project}-worker-1-1`);
    expect(rm.stderr).toContain(`Left running (stop them first, or use -s): ${project}-web-1`);
    expect(stateOf(lookAlike)).toMatch(/^exited /);
    expect(docker(["ps", "-a", "--filter", `label=dev.berth.project=${project}`, "--format", "{{.Names}}"])).toBe(`${project}-web-1`);
    expect((await berth(["kill", ...p, "-s", "NOPE"])).stderr).toContain("--signal NOPE: not a signal");
  });

  it("build: builds the services with build: under the name `up` uses", async () => {
    const name = uniqueName("berth-cmp-build");
    const r = await berth(["build", "-f", stack("build.yml"), "-p", name, "--json"]);
    try {
      expect(r.code, r.stderr).toBe(0);
      const result = JSON.parse(r.stdout.trim().split("\n").pop()!) as { built: { service: string; image: string }[] };
      expect(result.built).toEqual([{ service: "app", image: `${name}-app:latest`, elapsedMs: expect.any(Number) as number }]);
      expect(docker(["run", "--rm", `${name}-app:latest`, "cat", "/greeting"])).toBe("hello-from-build");
    } finally {
      execFileSync("docker", ["rmi", `${name}-app:latest`], { stdio: "ignore" });
    }
  });

  it("build --build-arg: over the file's build.args for the service built, KEY alone from the environment", async () => {
    const name = uniqueName("berth-cmp-build-arg");
    const r = await berth(["build", "-f", stack("build.yml"), "-p", name, "--build-arg", "GREETING", "-q"], { env: { GREETING: "hello-from-cli" } });
    try {
      expect(r.code, r.stderr).toBe(0);
      expect(docker(["run", "--rm", `${name}-app:latest`, "cat", "/greeting"])).toBe("hello-from-cli");
    } finally {
      execFileSync("docker", ["rmi", `${name}-app:latest`], { stdio: "ignore" });
    }
    const bad = await berth(["build", "-f", stack("build.yml"), "-p", name, "--build-arg", "=x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--build-arg =x: no argument name");
  });

  it("pull: pulls from a registry, skips what compose skips, keeps a present image under pull_policy missing, names an unreachable registry", async () => {
    const registry = await startRegistry();
    const repository = uniqueName("berth-test/pull");
    const ref = `${registry.host}/${repository}:1`;
    pushUniqueImage(ref);
    const file = join(work, "pull.yml");
    writeFileSync(
      file,
      [
        "services:",
        "  present: { image: 'berth-fixtures/busybox:1', pull_policy: missing }",
        "  unreachable: { image: '127.0.0.1:1/berth-nowhere/app:1' }",
        "  local: { image: 'berth-local/app:1', pull_policy: never }",
        "  app: { image: 'berth-local/app:1', pull_policy: never, depends_on: [present] }",
        `  stub: { image: '${ref}' }`,
        "",
      ].join("\n"),
    );
    try {
      const pulled = await berth(["pull", "-f", file, "stub", "--json"]);
      expect(pulled.code, pulled.stderr).toBe(0);
      expect(JSON.parse(pulled.stdout.trim().split("\n").pop()!)).toEqual({
        type: "result",
        ok: true,
        images: [{ service: "stub", image: ref, result: "pulled" }],
      });
      expect(registry.requests(repository).blobs).toBeGreaterThan(0); // its config and the layer the engine lacked
      expect(docker(["image", "inspect", "-f", "{{.Id}}", ref])).toMatch(/^sha256:/);
      // --policy missing: present now, so not asked for again.
      const blobs = registry.requests(repository).blobs;
      const kept = await berth(["pull", "-f", file, "stub", "--policy", "missing", "--json"]);
      expect(JSON.parse(kept.stdout.trim().split("\n").pop()!).images).toEqual([{ service: "stub", image: ref, result: "exists" }]);
      expect(registry.requests(repository).blobs).toBe(blobs);
    } finally {
      await registry.stop();
      removeImages([ref]);
    }
    const ok = await berth(["pull", "-f", file, "present", "local"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain("present: berth-fixtures/busybox:1 is present (pull_policy missing)");
    expect(ok.stderr).toContain("local: skipped (pull_policy: never)");
    const failed = await berth(["pull", "-f", file, "present", "unreachable", "local"]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("unreachable: pull image 127.0.0.1:1/berth-nowhere/app:1: Get");
    expect(failed.stderr).toContain("could not pull the image of unreachable: 127.0.0.1:1/berth-nowhere/app:1");
    expect((await berth(["pull", "-f", file, "unreachable", "--ignore-pull-failures", "-q"])).code).toBe(0);
    // --include-deps: what app depends on is pulled too (present: kept, pull_policy missing); without it, app alone.
    const alone = await berth(["pull", "-f", file, "app", "--json"]);
    expect(JSON.parse(alone.stdout.trim().split("\n").pop()!).images).toEqual([
      { service: "app", image: "berth-local/app:1", result: "skipped", reason: "pull_policy: never" },
    ]);
    const withDeps = await berth(["pull", "-f", file, "app", "--include-deps", "--json"]);
    expect(withDeps.code, withDeps.stderr).toBe(0);
    expect(
      (JSON.parse(withDeps.stdout.trim().split("\n").pop()!) as { images: { service: string; result: string }[] }).images
        .map((x) => [x.service, x.result])
        .sort(),
    ).toEqual([
      ["app", "skipped"],
      ["present", "exists"],
    ]);
    const badPolicy = await berth(["pull", "-f", file, "--policy", "never"]);
    expect(badPolicy.code).toBe(2);
    expect(badPolicy.stderr).toContain("never");
    const unknown = await berth(["pull", "-f", file, "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Services: app, local, present, stub, unreachable");
  });
});
