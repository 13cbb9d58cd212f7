/** Plan step wait-ready: waits for the container's readiness rule (health/readiness.ts) and records the proof. */
import { waitReady } from "../../health/readiness.js";
import type { Step } from "../../plan/plan.js";
import { readinessRecord } from "../health-report.js";
import type { AcquireState, StepContext } from "./context.js";

export async function waitReadyStep(
  step: Step,
  ctx: Pick<StepContext, "runtime" | "hub" | "spec" | "project" | "readiness" | "deadline" | "startedAt" | "emit">,
  state: Pick<AcquireState, "ids" | "proven">,
  signal: AbortSignal,
): Promise<void> {
  const service = ctx.spec.services[step.service!]!;
  const rule = ctx.readiness[service.name];
  // A service's own x-berth timeout, within the acquire's deadline.
  const own = rule?.timeoutMs !== undefined ? Date.now() + rule.timeoutMs : ctx.deadline;
  const r = await waitReady({
    engine: ctx.runtime,
    hub: ctx.hub,
    containerId: state.ids.get(step.target)!,
    service: service.name,
    mode: step.ready ?? "healthy",
    readiness: rule,
    deadline: Math.min(ctx.deadline, own),
    signal,
    restartPolicy: service.restart ?? service.deploy?.restart_policy?.condition,
  });
  state.proven.set(step.target, readinessRecord(r));
  ctx.emit({
    type: "ready",
    project: ctx.project,
    service: service.name,
    container: step.target,
    via: r.via,
    probe: r.probe,
    restarts: r.restarts,
    at: r.readyAt,
    elapsedMs: r.readyAt - ctx.startedAt,
  });
}
