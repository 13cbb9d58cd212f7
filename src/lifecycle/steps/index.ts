/**
 * Runs one plan step through its handler. Steps that create, start or remove something are not
 * cancelled half-way: an aborted request does not stop the engine from finishing it, so a
 * cancelled create could leave a container that appears after the rollback looked. They check for
 * cancellation before they begin and then run to completion (they are short); only waits are
 * interrupted.
 */
import type { Step } from "../../plan/plan.js";
import type { AcquireState, StepContext } from "./context.js";
import { createContainerStep } from "./create-container.js";
import { createNetworkStep } from "./create-network.js";
import { createVolumeStep } from "./create-volume.js";
import { removeContainerStep } from "./remove-container.js";
import { startContainerStep } from "./start-container.js";
import { waitReadyStep } from "./wait-ready.js";

export async function runStep(step: Step, ctx: StepContext, state: AcquireState, signal: AbortSignal): Promise<void> {
  if (step.kind !== "wait-ready") signal.throwIfAborted();
  switch (step.kind) {
    case "create-network":
      return createNetworkStep(step, ctx, state.created, signal);
    case "create-volume":
      return createVolumeStep(step, ctx);
    case "remove-container":
      return removeContainerStep(step, ctx, state);
    case "create-container":
      return createContainerStep(step, ctx, state, signal);
    case "start-container":
      return startContainerStep(step, ctx, state);
    case "wait-ready":
      return waitReadyStep(step, ctx, state, signal);
  }
}
