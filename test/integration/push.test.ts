/**
 * `berth push` and `berth build --push` against a real registry behind htpasswd (Debian's
 * docker-registry on a loopback port): the built services' images go up under image: and each
 * build.tags name, with the docker CLI's credentials; a service the file only pulls is skipped;
 * without credentials the push fails naming the image, with a hint and without the password; a
 * missing local image says to build; build --push refuses, before building, a built service with
 * no image:. Every image built here is removed afterwards.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berth, uniqueName } from "./helpers.js";
import { removeImages, startRegistry, type Registry } from "./real-registry.js";

const work = mkdtempSync(join(tmpdir(), "berth-push-test-"));
const USER = "pusher";
const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-secret`;
const repo = uniqueName("berth-push").toLowerCase();
let registry: Registry;
let image: string;
let extra: string;
const made: string[] = [];

/** The tags the registry lists for `repository` (asked with the credentials). */
async function tagsOf(repository: string): Promise<string[]> {
  const res = await fetch(`http://${registry.host}/v2/${repository}/tags/list`, {
    headers: { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}` },
  });
  if (res.status === 404) return [];
  return ((await res.json()) as { tags: string[] | null }).tags?.sort() ?? [];
}

function composeFile(name: string, body: string): string {
  const file = join(work, `${name}.yml`);
  writeFileSync(file, body);
  return file;
}

describe("push to a real registry", () => {
  let config: string;
  let file: string;

  beforeAll(async () => {
    registry = await startRegistry({ user: USER, password: PASSWORD });
    image = `${registry.host}/${repo}/app:1`;
    extra = `${registry.host}/${repo}/app:extra`;
    made.push(image, extra);
    mkdirSync(join(work, "app"));
    // A layer of its own, so that the push uploads something the registry cannot have.
    writeFileSync(join(work, "app", "stamp"), `${repo}\n`);
    writeFileSync(join(work, "app", "Dockerfile"), "FROM berth-fixtures/busybox:1\nCOPY stamp /stamp\n");
    config = join(work, "config");
    mkdirSync(config);
    writeFileSync(join(config, "config.json"), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString("base64") } } }));
    file = composeFile(
      "push",
      [
        "services:",
        "  app:",
        `    image: ${image}`,
        `    build: { context: ./app, tags: ['${extra}'] }`,
        "  cache:",
        "    image: berth-fixtures/busybox:1",
        "",
      ].join("\n"),
    );
  }, 60_000);

  afterAll(async () => {
    removeImages(made);
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("build --push builds, then pushes image: and build.tags with the docker config's credentials; a pulled-only service is skipped", async () => {
    const r = await berth(["build", "-f", file, "--push"], { env: { DOCKER_CONFIG: config } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`app: pushed ${image}`);
    expect(r.stderr).toContain(`app: pushed ${extra}`);
    expect(r.stderr).toContain("cache: skipped (no build: section");
    expect(await tagsOf(`${repo}/app`)).toEqual(["1", "extra"]);
    expect(`${r.stdout}${r.stderr}`).not.toContain(PASSWORD);

    // Again through `berth push`, as JSON: one line per image, then the result.
    const again = await berth(["push", "-f", file, "--json", "app"], { env: { DOCKER_CONFIG: config } });
    expect(again.code, again.stderr).toBe(0);
    const lines = again.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.type === "push").map((l) => [l.image, l.result])).toEqual([
      [image, "pushed"],
      [extra, "pushed"],
    ]);
    expect(lines.at(-1)).toMatchObject({ type: "result", ok: true });
  });

  it("without credentials: exit 1 naming the image, a login hint, the password nowhere; --ignore-push-failures exits 0", async () => {
    const empty = join(work, "empty-config");
    mkdirSync(empty, { recursive: true });
    const r = await berth(["push", "-f", file], { env: { DOCKER_CONFIG: empty } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`could not push 2 images: ${image}, ${extra}`);
    expect(r.stderr).toContain(`docker login ${registry.host}`);
    expect(`${r.stdout}${r.stderr}`).not.toContain(PASSWORD);
    const ignored = await berth(["push", "-f", file, "--ignore-push-failures"], { env: { DOCKER_CONFIG: empty } });
    expect(ignored.code, ignored.stderr).toBe(0);
  });

  it("an image that was never built: says to build it; build --push with a built service that has no image: is refused before any build", async () => {
    const absent = `${registry.host}/${repo}/never:1`;
    const never = composeFile("never", `services:\n  never:\n    image: ${absent}\n    build: { context: ./app }\n`);
    const r = await berth(["push", "-f", never], { env: { DOCKER_CONFIG: config } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`could not push the image of never: ${absent}`);
    expect(r.stderr).toContain("berth build");

    const unnamed = composeFile("unnamed", `name: ${repo}-unnamed\nservices:\n  local:\n    build: { context: ./app }\n`);
    const refused = await berth(["build", "-f", unnamed, "--push"], { env: { DOCKER_CONFIG: config } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--push: local has a build: section but no image: to push to");
    expect(refused.stderr).not.toContain("Built local");
    const { execFileSync } = await import("node:child_process");
    expect(execFileSync("docker", ["images", "-q", `${repo}-unnamed-local`], { encoding: "utf8" }).trim()).toBe("");
  });
});
