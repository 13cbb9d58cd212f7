/** `build.pull: true` reaches the engine's build; without it the builder keeps a base image it has. */
import { describe, expect, it } from "vitest";
import { buildServices } from "../../../src/lifecycle/build.js";
import { project, service } from "../spec-builder.js";
import { MemoryRuntime } from "../support/memory-runtime.js";

describe("build.pull", () => {
  it("asks the builder to pull the base image only when the file says so", async () => {
    const rt = new MemoryRuntime();
    rt.absentImages.add("app:1").add("tool:1");
    const spec = project([
      service("app", { image: "app:1", build: { context: "/tmp/p/app", pull: true } }),
      service("tool", { image: "tool:1", build: { context: "/tmp/p/tool" } }),
    ]);
    await buildServices(spec, { engine: rt, project: "p", env: {}, emit: () => undefined });
    const builds = rt.calls.filter((c) => c.op === "buildImage").map((c) => c.arg as { tag: string; pull?: boolean });
    expect(builds.map((b) => `${b.tag} ${b.pull === true}`)).toEqual(["app:1 true", "tool:1 false"]);
  });
});
