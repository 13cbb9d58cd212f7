/**
 * Runs one swarm plan step through its handler (the counterpart of lifecycle/steps/index.ts, under
 * the same rule): steps that create something check for cancellation before they begin and then
 * run to completion, since an aborted request does not stop the swarm from finishing it; only
 * waits are interrupted.
 */
import type { SwarmStep } from "../../plan/swarm-reconcile.js";
import { createFileObject } from "../file-objects.js";
import type { SwarmDeployState, SwarmStepContext } from "./context.js";
import { createOverlayNetworkStep } from "./create-network.js";
import { createServiceStep } from "./create-service.js";
import { waitServiceStep } from "./wait-ready.js";

export async function runSwarmStep(step: SwarmStep, c: SwarmStepContext, state: SwarmDeployState, signal: AbortSignal): Promise<void> {
  if (step.kind !== "wait-ready") signal.throwIfAborted();
  switch (step.kind) {
    case "create-network":
      return createOverlayNetworkStep(step, c);
    case "create-secret":
    case "create-config": {
      const kind = step.kind === "create-secret" ? "secret" : "config";
      state.objects[kind][step.key!] = await createFileObject(kind, step.key!, c);
      return;
    }
    case "create-service":
      return createServiceStep(step, c, state);
    case "wait-ready":
      return waitServiceStep(step, c, state, signal);
  }
}
