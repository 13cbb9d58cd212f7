/** The pull phase against an in-memory engine: what is pulled, retried, reported, and once only. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { BerthEvent } from "../../../src/events.js";
import { pullImages } from "../../../src/images/pull-phase.js";
import { project, service } from "../spec-builder.js";
import { MemoryRuntime } from "../support/memory-runtime.js";

const dir = mkdtempSync(join(tmpdir(), "berth-pull-phase-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { BERTH_LOCK_DIR: join(dir, "locks"), BERTH_STATE_DIR: join(dir, "state"), DOCKER_CONFIG: join(dir, "no-config") };

function setup(absent: string[]) {
  const rt = new MemoryRuntime();
  for (const i of absent) rt.absentImages.add(i);
  const events: BerthEvent[] = [];
  const pulls = () => rt.calls.filter((c) => c.op === "pullImage").map((c) => (c.arg as { ref: string }).ref);
  return { rt, events, pulls, emit: (e: BerthEvent) => events.push(e) };
}

const spec = project([
  service("db", { image: "reg.example/db:1" }),
  service("api", { image: "reg.example/api:1" }),
  service("web", { image: "reg.example/api:1" }),
]);

describe("pull phase", () => {
  it("pulls each absent image once, reports it as a pull-image step, and leaves present ones", async () => {
    const { rt, events, pulls, emit } = setup(["reg.example/api:1"]);
    await pullImages({ spec, project: "p", engine: rt, env, emit });
    expect(pulls()).toEqual(["reg.example/api:1"]);
    expect(events.filter((e) => e.type === "step").map((e) => e.type === "step" && `${e.kind} ${e.target} ${e.phase}`)).toEqual([
      "pull-image reg.example/api:1 begin",
      "pull-image reg.example/api:1 done",
    ]);
    // Present now: the next acquire pulls nothing; --pull always pulls both again.
    await pullImages({ spec, project: "p", engine: rt, env, emit });
    expect(pulls()).toHaveLength(1);
    await pullImages({ spec, project: "p", engine: rt, env, emit, override: "always" });
    expect(pulls().slice(1).sort()).toEqual(["reg.example/api:1", "reg.example/db:1"]);
  });

  it("ten acquires at once needing the same absent image: one pull, the others find it present", async () => {
    const { rt, pulls } = setup(["reg.example/db:1", "reg.example/api:1"]);
    await Promise.all(Array.from({ length: 10 }, () => pullImages({ spec, project: "p", engine: rt, env, emit: () => undefined })));
    expect(pulls().sort()).toEqual(["reg.example/api:1", "reg.example/db:1"]);
  });

  it("retries transient registry faults with back-off, then succeeds", async () => {
    const { rt, events, pulls, emit } = setup(["reg.example/db:1"]);
    rt.pullAnswers.set("reg.example/db:1", [
      'Get "https://reg.example/v2/db/manifests/1": received unexpected HTTP status: 503 Service Unavailable',
      "read tcp 10.0.0.1:443: connection reset by peer",
    ]);
    await pullImages({ spec, project: "p", engine: rt, env, emit, backoffMs: () => 0 });
    expect(pulls()).toHaveLength(3);
    expect(events.filter((e) => e.type === "retry").map((e) => e.type === "retry" && e.attempt)).toEqual([1, 2]);
  });

  it("never retries unauthorized or not found; fails naming image, services, registry and answer", async () => {
    const { rt, events, pulls, emit } = setup(["reg.example/api:1"]);
    rt.pullAnswers.set("reg.example/api:1", ['Head "https://reg.example/v2/api/manifests/1": no basic auth credentials']);
    const error = await pullImages({ spec, project: "p", engine: rt, env, emit, backoffMs: () => 0 }).catch((e: unknown) => e);
    expect(pulls()).toHaveLength(1);
    expect(error).toMatchObject({
      code: "IMAGE_PULL_FAILED",
      details: { image: "reg.example/api:1", registry: "reg.example", failure: "unauthorized", services: ["api", "web"] },
    });
    expect(String((error as Error).message)).toBe(
      'could not pull reg.example/api:1 (services api, web) from reg.example: unauthorized (Head "https://reg.example/v2/api/manifests/1": no basic auth credentials)',
    );
    expect((error as { hint: string }).hint).toContain("docker login reg.example");
    expect(events.some((e) => e.type === "step" && e.phase === "failed")).toBe(true);

    const other = setup(["reg.example/db:1"]);
    other.rt.pullAnswers.set("reg.example/db:1", ["manifest for reg.example/db:1 not found: manifest unknown: manifest unknown"]);
    await expect(pullImages({ spec, project: "p", engine: other.rt, env, emit: other.emit, backoffMs: () => 0 })).rejects.toMatchObject({
      details: { failure: "not-found" },
    });
    expect(other.pulls()).toHaveLength(1);
  });

  it("an unknown pull_policy is a compose error naming the service", async () => {
    const { rt, emit } = setup([]);
    const bad = project([service("db", { image: "x:1", pull_policy: "sometimes" })]);
    await expect(pullImages({ spec: bad, project: "p", engine: rt, env, emit })).rejects.toMatchObject({
      code: "COMPOSE_INVALID",
      problems: [{ path: "services.db.pull_policy" }],
    });
  });

  it("daily: the second acquire within the day pulls nothing; the pull time is berth's own record", async () => {
    const { rt, pulls, emit } = setup([]);
    const daily = project([service("db", { image: "reg.example/daily:1", pull_policy: "daily" })]);
    await pullImages({ spec: daily, project: "p", engine: rt, env, emit });
    await pullImages({ spec: daily, project: "p", engine: rt, env, emit });
    expect(pulls()).toEqual(["reg.example/daily:1"]);
  });
});
