/**
 * The base images of builds: berth pulls them before the build (absent ones, all with
 * `build.pull: true`), fails typed naming the base image, and asks the builder to pull only what it
 * could not read from the Dockerfile. `pull_policy: build` and `--pull build` rebuild.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BerthEvent } from "../../../src/events.js";
import { isBerthError } from "../../../src/errors.js";
import { buildServices, type BuildOptions } from "../../../src/lifecycle/build.js";
import { project, service } from "../spec-builder.js";
import { MemoryRuntime } from "../support/memory-runtime.js";

const dir = mkdtempSync(join(tmpdir(), "berth-build-pull-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { BERTH_LOCK_DIR: join(dir, "locks"), BERTH_STATE_DIR: join(dir, "state"), DOCKER_CONFIG: join(dir, "no-config") };

/** A build context whose Dockerfile is `text`. */
function context(name: string, text: string): string {
  const at = join(dir, name);
  mkdirSync(at, { recursive: true });
  writeFileSync(join(at, "Dockerfile"), text);
  return at;
}

const ops = (rt: MemoryRuntime) =>
  rt.calls
    .filter((c) => c.op === "pullImage" || c.op === "buildImage")
    .map((c) =>
      c.op === "pullImage"
        ? `pull ${(c.arg as { ref: string }).ref}`
        : `build ${(c.arg as { tag: string; pull?: boolean }).tag}${(c.arg as { pull?: boolean }).pull ? " (builder pulls)" : ""}`,
    );

async function build(rt: MemoryRuntime, spec: ReturnType<typeof project>, o: Partial<BuildOptions> = {}, events: BerthEvent[] = []) {
  return buildServices(spec, { engine: rt, project: "p", env, emit: (e) => events.push(e), ...o });
}

describe("base images of builds", () => {
  it("pulls an absent base before the build, as a pull-image step; a present one is left", async () => {
    const rt = new MemoryRuntime();
    rt.absentImages.add("app:1").add("reg.example/base:1").add("tool:1");
    const spec = project([
      service("app", { image: "app:1", build: { context: context("app", "ARG V=1\nFROM reg.example/base:${V} AS b\nFROM scratch\nCOPY --from=b / /\n") } }),
      service("tool", { image: "tool:1", build: { context: context("tool", "FROM busybox:1\n") } }),
    ]);
    const events: BerthEvent[] = [];
    await build(rt, spec, {}, events);
    expect(ops(rt)).toEqual(["pull reg.example/base:1", "build app:1", "build tool:1"]);
    expect(events.filter((e) => e.type === "step").map((e) => e.type === "step" && `${e.kind} ${e.target} ${e.phase}`)).toEqual([
      "pull-image reg.example/base:1 begin",
      "pull-image reg.example/base:1 done",
    ]);
  });

  it("build.pull: true pulls every base itself and the builder pulls nothing; a Dockerfile berth cannot read leaves the pull to the builder", async () => {
    const rt = new MemoryRuntime();
    rt.absentImages.add("app:1").add("other:1");
    const spec = project([
      service("app", { image: "app:1", build: { context: context("pulled", "FROM reg.example/base:1\n"), pull: true } }),
      service("other", { image: "other:1", build: { context: join(dir, "missing-context"), pull: true } }),
    ]);
    await build(rt, spec);
    expect(ops(rt)).toEqual(["pull reg.example/base:1", "build app:1", "build other:1 (builder pulls)"]);
  });

  it("a base the registry refuses fails as IMAGE_PULL_FAILED naming the base image and its service, before any build", async () => {
    const rt = new MemoryRuntime();
    rt.absentImages.add("app:1").add("reg.example/private:1");
    rt.pullAnswers.set("reg.example/private:1", ['Head "http://reg.example/v2/private/manifests/1": no basic auth credentials']);
    const spec = project([service("app", { image: "app:1", build: { context: context("private", "FROM reg.example/private:1\n") } })]);
    const error = await build(rt, spec).catch((e: unknown) => e);
    expect(isBerthError(error, "IMAGE_PULL_FAILED")).toBe(true);
    expect((error as Error).message).toMatch(/^could not pull reg\.example\/private:1 \(base image of service app\) from reg\.example: unauthorized/);
    expect((error as { details: unknown }).details).toMatchObject({
      image: "reg.example/private:1",
      registry: "reg.example",
      failure: "unauthorized",
      base: true,
    });
    expect(ops(rt)).toEqual(["pull reg.example/private:1"]);
  });

  it("pull_policy: build and --pull build rebuild a present image; --pull never leaves the bases alone", async () => {
    const ctx = context("rebuild", "FROM reg.example/base:2\n");
    const rt = new MemoryRuntime();
    rt.absentImages.add("reg.example/base:2");
    await build(rt, project([service("app", { image: "app:1", pull_policy: "build", build: { context: ctx } })]));
    await build(rt, project([service("app", { image: "app:1", build: { context: ctx } })]), { pull: "build" });
    await build(rt, project([service("app", { image: "app:1", build: { context: ctx } })])); // present: not built
    rt.absentImages.add("app:1").add("reg.example/base:2");
    await build(rt, project([service("app", { image: "app:1", build: { context: ctx } })]), { pull: "never" });
    expect(ops(rt)).toEqual(["pull reg.example/base:2", "build app:1", "build app:1", "build app:1"]);
  });
});
