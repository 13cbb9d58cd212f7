/**
 * The engine restarts while an environment is up (on a private second engine, see
 * second-engine.ts): berth reports what is really there afterwards — the service with a restart
 * policy came back, the other one is stopped — and release still removes everything.
 */
import { describe, expect, it } from "vitest";
import { BerthError } from "../../src/errors.js";
import { acquire, listEnvironments } from "../../src/index.js";
import { berth, lastJson, resourcesOf, stack, uniqueName } from "./helpers.js";
import { useSecondEngine } from "./second-engine.js";

describe("engine restart while an environment is up", () => {
  const bed = useSecondEngine();

  it("status tells the true state afterwards and release removes everything", async () => {
    const project = uniqueName("berth-engine-restart");
    const env = await acquire({ files: [stack("engine-restart.yml")], engine: bed.e, projectName: project });
    try {
      expect(Object.fromEntries(Object.values(env.services).map((s) => [s.name, s.containers[0]!.state]))).toEqual({ db: "HEALTHY", worker: "HEALTHY" });
      const before = await bed.e.inspectContainer(env.services.db!.containers[0]!.id);

      await bed.second.restart();

      // db has `restart: always`: the engine starts it again; worker has no policy and stays stopped.
      // `probe`: run the healthcheck of a still-STARTING container once (berth does not by default).
      const [listed] = await listEnvironments(bed.e, { project, probe: true });
      const db = listed!.services.db!.containers[0]!;
      const worker = listed!.services.worker!.containers[0]!;
      const dbNow = await bed.e.inspectContainer(db.id);
      expect(dbNow.state.running).toBe(true);
      expect(Date.parse(dbNow.state.startedAt!)).toBeGreaterThan(Date.parse(before.state.startedAt!));
      expect(db.state).toBe("HEALTHY"); // its healthcheck passes again (probed once rather than wait 30 s for the engine)
      expect(worker).toMatchObject({ state: "STOPPED", exitCode: expect.any(Number) });

      // The CLI on the same engine says the same, and the health report of the live handle agrees.
      const status = await berth(["status", project, "--json", "--no-stats", "--probe"], { env: { DOCKER_HOST: bed.second.host } });
      expect(status.code, status.stderr).toBe(0);
      const cli = lastJson<{ environments: { services: Record<string, { containers: { state: string }[] }> }[] }>(status.stdout).environments[0]!;
      expect(cli.services.db!.containers[0]!.state).toBe("HEALTHY");
      expect(cli.services.worker!.containers[0]!.state).toBe("STOPPED");
      const report = await env.healthReport();
      expect(report.healthy).toBe(false);
      expect(report.containers.find((c) => c.service === "worker")).toMatchObject({ state: "STOPPED", status: "exited" });
    } finally {
      const released = await env.release();
      expect(released?.containers).toHaveLength(2);
    }
    expect(await resourcesOf(bed.e, project)).toEqual([]);
  });
});

describe("engine restart during acquire", () => {
  const bed = useSecondEngine();

  it("the acquire fails naming the step and cause, and nothing it created remains once the engine is back", async () => {
    const project = uniqueName("berth-engine-restart-acquire");
    const acquiring = acquire({ files: [stack("engine-restart-slow.yml")], engine: bed.e, projectName: project, timeoutMs: 60_000 });
    acquiring.catch(() => undefined);
    // Once db exists and is being waited on, the engine goes away and comes back.
    for (let i = 0; i < 200 && (await bed.e.listContainers({ "dev.berth.project": project })).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await bed.second.restart();
    const error = await acquiring.then(
      () => null,
      (err: unknown) => err as BerthError,
    );
    expect(error, "acquire should fail when the engine restarts under it").toBeInstanceOf(BerthError);
    expect(error!.message, error!.message).toMatch(/service (db|worker)/);
    expect(error!.details.rollbackError).toBeUndefined();
    expect(await resourcesOf(bed.e, project)).toEqual([]);
  });
});
