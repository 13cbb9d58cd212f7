/**
 * The shared run of a plan (lifecycle/run-plan.ts), which one engine's acquire and the swarm deploy
 * both use: step events around every step, the first failed step handed to the description, the
 * rollback on failure, and nothing undone when the caller keeps what failed.
 */
import { describe, expect, it, vi } from "vitest";
import { BerthError } from "../../src/errors.js";
import type { BerthEvent } from "../../src/events.js";
import type { Plan, PlanStep } from "../../src/plan/plan.js";
import { runPlan } from "../../src/lifecycle/run-plan.js";

const plan: Plan<PlanStep> = {
  project: "p",
  steps: [
    { id: "service:db", kind: "create-service", target: "p_db", service: "db", after: [], reason: "no dependencies" },
    { id: "ready:db", kind: "wait-ready", target: "p_db", service: "db", after: ["service:db"], reason: "every service" },
    { id: "service:api", kind: "create-service", target: "p_api", service: "api", after: ["ready:db"], reason: "dependencies ready (db)" },
  ],
};

function run(o: { failAt?: string; keepOnFailure?: boolean }) {
  const events: BerthEvent[] = [];
  const undo = vi.fn(() => Promise.resolve());
  const onKept = vi.fn(() => Promise.resolve());
  const described: (string | undefined)[] = [];
  const result = runPlan(
    {
      plan,
      emit: (e) => events.push(e),
      step: (s) => (s.id === o.failAt ? Promise.reject(new BerthError("SERVICE_FAILED", `${s.target} failed`)) : Promise.resolve()),
      describe: (error, failed) => (described.push(failed?.id), Promise.resolve(error as BerthError)),
      keepOnFailure: o.keepOnFailure,
      onKept,
      undo,
    },
    () => Promise.resolve("finished"),
  );
  const steps = () => events.map((e) => (e.type === "step" ? `${e.step} ${e.phase}` : e.type));
  return { result, steps, undo, onKept, described };
}

describe("runPlan", () => {
  it("runs every step between its events, in dependency order, then finishes", async () => {
    const r = run({});
    await expect(r.result).resolves.toBe("finished");
    expect(r.steps()).toEqual(["service:db begin", "service:db done", "ready:db begin", "ready:db done", "service:api begin", "service:api done"]);
    expect(r.undo).not.toHaveBeenCalled();
  });

  it("on a failure: the failed step's event, the description told which step failed, the rollback, then the error", async () => {
    const r = run({ failAt: "ready:db" });
    await expect(r.result).rejects.toThrow("p_db failed");
    expect(r.steps()).toEqual(["service:db begin", "service:db done", "ready:db begin", "ready:db failed"]);
    expect(r.described).toEqual(["ready:db"]);
    expect(r.undo).toHaveBeenCalledTimes(1);
    expect(r.onKept).not.toHaveBeenCalled();
  });

  it("keepOnFailure: nothing is undone, the caller is told it kept what failed", async () => {
    const r = run({ failAt: "service:api", keepOnFailure: true });
    await expect(r.result).rejects.toThrow("p_api failed");
    expect(r.undo).not.toHaveBeenCalled();
    expect(r.onKept).toHaveBeenCalledTimes(1);
  });
});
