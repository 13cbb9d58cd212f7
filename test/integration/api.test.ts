/**
 * The programmatic API on the real engine: dependency order gated on readiness, ports read back,
 * release by `await using`.
 */
import { describe, expect, it } from "vitest";
import { acquire } from "../../src/index.js";
import { engine, resourcesOf, stack } from "./helpers.js";

describe("acquire / release", () => {
  it("starts dependants only after their dependencies are ready, and releases everything on dispose", async () => {
    const e = await engine();
    const events: { service: string; at: number }[] = [];
    let project: string;
    {
      await using env = await acquire({
        files: [stack("chain.yml")],
        engine: e,
        onEvent: (ev) => {
          if (ev.type === "ready") events.push({ service: ev.service, at: ev.at });
        },
      });
      project = env.project;
      expect(Object.keys(env.services)).toEqual(["a", "b", "c", "d"]);
      expect(env.hostPort("c", 8080)).toBeGreaterThan(0);
      expect(env.url("c", 8080)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(() => env.hostPort("a", 9999)).toThrow(/publishes no port 9999/);

      const started = async (s: string) => Date.parse((await e.inspectContainer(env.services[s]!.containers[0]!.id)).state.startedAt ?? "");
      const ready = (s: string) => events.find((x) => x.service === s)!.at;
      expect(await started("c")).toBeGreaterThanOrEqual(Math.max(ready("a"), ready("b")) - 5);
      expect(await started("d")).toBeGreaterThanOrEqual(ready("c") - 5);
      // `a` sleeps 1 s before it is healthy; readiness is noticed by berth's own probe, long before
      // the engine's 1 s interval could report it.
      expect(events.map((x) => x.service).sort()).toEqual(["a", "b", "c", "d"]);
      expect(await resourcesOf(e, project)).toHaveLength(5);
    }
    expect(await resourcesOf(e, project)).toEqual([]);
  });
});
