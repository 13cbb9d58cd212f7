/**
 * Readiness on the real engine: x-berth probes gate dependants, a recovering container counts as
 * healthy, one-shot jobs gate on exit 0, and a service that never becomes ready explains itself
 * and leaves nothing behind. (failures.test.ts covers the plain never-healthy/crash cases.)
 */
import { describe, expect, it } from "vitest";
import { acquire, listEnvironments } from "../../src/index.js";
import type { BerthEvent } from "../../src/events.js";
import { BerthError } from "../../src/errors.js";
import type { Engine } from "../../src/engine/engine.js";
import type { Environment } from "../../src/lifecycle/environment.js";
import { engine, resourcesOf, stack, uniqueName } from "./helpers.js";

const startedAt = async (e: Engine, env: Environment, service: string) => (await e.inspectContainer(env.services[service]!.containers[0]!.id)).state;

/** Runs acquire expecting it to fail; returns the error and checks nothing of the project is left. */
async function failingAcquire(file: string, env: Record<string, string | undefined> = {}): Promise<BerthError> {
  const e = await engine();
  const projectName = uniqueName("berth-ready");
  const err = await acquire({ files: [stack(file)], engine: e, projectName, env: { ...process.env, ...env }, timeoutMs: 20_000 }).then(
    async (got) => {
      await got.release();
      throw new Error("acquire succeeded but should have failed");
    },
    (error: unknown) => error,
  );
  expect(err).toBeInstanceOf(BerthError);
  expect(await resourcesOf(e, projectName)).toEqual([]);
  return err as BerthError;
}

describe("readiness", () => {
  it("an x-berth probe gates the dependant: app starts only after db logged its line and answered HTTP", async () => {
    const e = await engine();
    const events: BerthEvent[] = [];
    await using env = await acquire({
      files: [stack("readiness-probe-gate.yml")],
      engine: e,
      projectName: uniqueName("berth-gate"),
      onEvent: (x) => events.push(x),
    });
    const db = env.services.db!.containers[0]!;
    // When the engine received db's readiness line; app must have started after it.
    const logs = await e.logs(db.id, { timestamps: true, tail: 10 });
    const line = logs.split("\n").find((l) => l.endsWith("accepting connections"));
    expect(line).toBeDefined();
    const readyLineAt = Date.parse(line!.split(" ")[0]!);
    const app = await startedAt(e, env, "app");
    expect(Date.parse(app.startedAt!)).toBeGreaterThanOrEqual(readyLineAt);
    const ready = events.find((x) => x.type === "ready" && x.service === "db");
    expect(ready).toMatchObject({ via: "probe", probe: "all(log /^accepting connections$/, http :8080/)" });
    // The health report of the handle says how db became ready: the rule, and the probe runs that passed it.
    const report = await env.healthReport({ services: ["db"] });
    const readiness = report.containers[0]!.readiness!;
    expect(readiness).toMatchObject({ via: "probe", rule: "all(log /^accepting connections$/, http :8080/)", restarts: 0 });
    // Each passed (the log probe runs again while the HTTP one still fails: on a loaded machine, twice or more).
    expect([...new Set(readiness.probes.filter((p) => p.ok).map((p) => p.probe))].sort()).toEqual(["http :8080/", "log /^accepting connections$/"]);
  });

  it("a container that crashes once and recovers under restart: on-failure is healthy, not failed", async () => {
    const e = await engine();
    const events: BerthEvent[] = [];
    await using env = await acquire({
      files: [stack("readiness-recover.yml")],
      engine: e,
      projectName: uniqueName("berth-recover"),
      onEvent: (x) => events.push(x),
    });
    const flaky = await startedAt(e, env, "flaky");
    expect(flaky.restartCount).toBeGreaterThanOrEqual(1);
    expect(flaky.running).toBe(true);
    expect(env.services.flaky!.containers[0]!.state).toBe("HEALTHY");
    expect(events.find((x) => x.type === "ready" && x.service === "flaky")).toMatchObject({ restarts: flaky.restartCount });
    expect(Date.parse((await startedAt(e, env, "after")).startedAt!)).toBeGreaterThanOrEqual(Date.parse(flaky.startedAt!));
  });

  it("a one-shot migration job must exit 0 before the backend starts", async () => {
    const e = await engine();
    await using env = await acquire({
      files: [stack("readiness-job.yml")],
      engine: e,
      projectName: uniqueName("berth-job"),
      env: { ...process.env, MIGRATE_EXIT: "0" },
    });
    const migrate = await startedAt(e, env, "migrate");
    expect(migrate.status).toBe("exited");
    expect(migrate.exitCode).toBe(0);
    const backend = await startedAt(e, env, "backend");
    expect(Date.parse(backend.startedAt!)).toBeGreaterThanOrEqual(Date.parse(migrate.finishedAt!));
    // Status and the health report, from the labels alone, call the finished job COMPLETED (not STOPPED), since its exit.
    const [listed] = await listEnvironments(e, { project: env.project });
    expect(listed!.services.migrate!.containers[0]).toMatchObject({ state: "COMPLETED", exitCode: 0, since: migrate.finishedAt });
    const report = await env.healthReport();
    expect(report.healthy).toBe(true);
    expect(report.containers.find((c) => c.service === "migrate")).toMatchObject({ state: "COMPLETED", exitCode: 0, since: migrate.finishedAt });
  });

  it("a failing job fails the acquire with its logs and the blocked backend; nothing is left", async () => {
    const err = await failingAcquire("readiness-job.yml", { MIGRATE_EXIT: "2" });
    expect(err.code).toBe("SERVICE_FAILED");
    expect(err.message).toContain("service migrate");
    expect(err.message).toContain("exited with code 2");
    expect(err.details.logTail).toContain("migration step 2 of 2");
    expect(err.details.blockedDependants).toEqual(["backend"]);
  });

  it("a service that never becomes ready: the error names the probe, its output and the log tail; nothing is left", async () => {
    const err = await failingAcquire("readiness-never.yml");
    expect(err.code).toBe("HEALTH_TIMEOUT");
    expect(err.message).toContain("service api");
    expect(err.message).toContain("waiting for: http :8080/health");
    const probes = (err as BerthError<"HEALTH_TIMEOUT">).details.probes!;
    expect(probes[0]).toMatchObject({ probe: "http :8080/health", ok: false });
    // Refused, or (on a loaded engine, when the first SYN to a just-attached address goes unanswered) no answer.
    expect(probes[0]!.output).toMatch(/GET http:\/\/[\d.]+:8080\/health: .*(ECONNREFUSED|no answer within \d+ ms)/);
    expect(err.details.logTail).toContain("a license server that does not exist");
    expect(err.details.blockedDependants).toEqual(["web"]);
    expect(err.details).toMatchObject({ exitCode: 0, oomKilled: false });
  });
});
