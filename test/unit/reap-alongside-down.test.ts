import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { cleanOrphans } from "../../src/cleanup/orphans.js";
import { reapBeforeCommand } from "../../src/cli/commands/clean.js";
import type { CliContext } from "../../src/cli/context.js";
import type { Engine } from "../../src/engine/engine.js";
import { projectLabels } from "../../src/labels.js";
import { MemoryRuntime } from "./support/memory-runtime.js";

/** Labels of a process-lifetime environment whose owner (a pid no process has) is dead. */
const orphanLabels = (project: string) =>
  projectLabels({
    project,
    kind: "test",
    lifetime: "process",
    owner: { host: hostname(), pid: 4_194_000, started: 1 },
    createdAt: new Date(),
    configHash: "x",
    files: [],
    workingDir: "/",
  });

describe("the orphan reap alongside `down NAME`", () => {
  it("leaves the environment the down removes itself to that down", async () => {
    const rt = new MemoryRuntime();
    rt.seedContainer({ name: "gone-a-web-1", labels: orphanLabels("gone-a") });
    rt.seedContainer({ name: "gone-b-web-1", labels: orphanLabels("gone-b") });
    const r = await cleanOrphans(rt, { skipProject: "gone-a" });
    expect(r.items.map((i) => i.name)).toEqual(["gone-b-web-1"]);
    expect([...rt.containers.values()].map((c) => c.name)).toEqual(["gone-a-web-1"]);
  });

  it("does not hold up `down NAME`, which waits for it at the end; other commands wait for it first", async () => {
    const never = new Promise<Engine>(() => undefined); // an engine call still in flight
    const ctx = { engine: () => never, signal: new AbortController().signal, env: {}, alongside: [] } as unknown as CliContext;
    const settled = (p: Promise<void>) => Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]);
    expect(await settled(reapBeforeCommand(ctx, "down", "shop"))).toBe(true);
    expect(ctx.alongside).toHaveLength(1);
    expect(await settled(reapBeforeCommand(ctx, "status"))).toBe(false);
  });
});
