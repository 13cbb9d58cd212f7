/**
 * berth checks readiness inside the container (one exec running the check in a loop) instead of
 * waiting for the engine's healthcheck interval or paying an exec per check; images without
 * /bin/sh fall back to one exec per check. How fast is measured by `npm run bench`, not here.
 */
import { describe, expect, it } from "vitest";
import { acquire } from "../../src/index.js";
import type { BerthEvent } from "../../src/events.js";
import { engine, resourcesOf, stack, uniqueName } from "./helpers.js";

describe("readiness watched inside the container", () => {
  it("notices a healthcheck passing long before the engine's first check, falls back without /bin/sh, runs x-berth exec probes the same way", async () => {
    const e = await engine();
    const events: BerthEvent[] = [];
    const projectName = uniqueName("berth-watch");
    {
      await using env = await acquire({ files: [stack("readiness-watch.yml")], engine: e, projectName, onEvent: (x) => events.push(x), timeoutMs: 60_000 });
      const report = await env.healthReport();
      const byService = Object.fromEntries(report.containers.map((c) => [c.service, c]));

      // The engine's first healthcheck is 30 s after start: it still says "starting", berth saw it pass.
      const slow = await e.inspectContainer(env.services.slow!.containers[0]!.id);
      expect(slow.state.health).toBe("starting");
      expect(byService.slow!.readiness).toMatchObject({ via: "probe", rule: "healthcheck" });
      const slowPass = byService.slow!.readiness!.probes.find((p) => p.ok);
      expect(slowPass?.output).toMatch(/run inside the container/);

      // No /bin/sh: the same check ran as a plain exec.
      const noshellPass = byService.noshell!.readiness!.probes.find((p) => p.ok);
      expect(noshellPass?.output).not.toMatch(/run inside the container/);
      expect(noshellPass).toMatchObject({ probe: "healthcheck", ok: true, exitCode: 0 });

      // The x-berth exec probe (shell form) passed inside the container, after its dependency.
      const probe = byService["exec-probe"]!.readiness!;
      expect(probe.probes.find((p) => p.ok)?.output).toMatch(/run inside the container/);
      const execStarted = Date.parse((await e.inspectContainer(env.services["exec-probe"]!.containers[0]!.id)).state.startedAt!);
      const slowReady = events.find((x) => x.type === "ready" && x.service === "slow");
      expect(slowReady && "at" in slowReady ? slowReady.at : Infinity).toBeLessThanOrEqual(execStarted);
    }
    expect(await resourcesOf(e, projectName)).toEqual([]);
  });
});
