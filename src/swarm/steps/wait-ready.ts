/** Swarm plan step wait-ready: waits until the service's desired tasks run (and are healthy), then a `ready` event. */
import type { SwarmStep } from "../../plan/swarm-reconcile.js";
import { waitServiceReady } from "../readiness.js";
import type { SwarmDeployState, SwarmStepContext } from "./context.js";

export async function waitServiceStep(
  step: SwarmStep,
  c: Pick<SwarmStepContext, "swarm" | "spec" | "project" | "emit" | "startedAt" | "deadline">,
  state: Pick<SwarmDeployState, "services">,
  signal: AbortSignal,
): Promise<void> {
  const name = step.service!;
  const service = c.spec.services[name]!;
  const r = await waitServiceReady({
    swarm: c.swarm,
    serviceId: state.services.get(name)!,
    service: name,
    replicas: service.deploy?.mode === "global" ? undefined : service.scale,
    since: c.startedAt,
    deadline: c.deadline,
    signal,
  });
  const tasks = `${r.running.length} task${r.running.length === 1 ? "" : "s"}`;
  c.emit({
    type: "ready",
    project: c.project,
    service: name,
    container: `${step.target} (${tasks})`,
    via: "swarm",
    at: r.readyAt,
    elapsedMs: r.readyAt - c.startedAt,
  });
}
