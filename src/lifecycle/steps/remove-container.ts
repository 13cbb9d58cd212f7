/** Plan step remove-container: an observed container that goes (scaled down, or replaced by a new one). */
import type { Step } from "../../plan/plan.js";
import { inheritedMounts, removeReplaced } from "../recreate.js";
import type { AcquireState, StepContext } from "./context.js";

export async function removeContainerStep(
  step: Step,
  ctx: Pick<StepContext, "runtime" | "plan" | "observed">,
  state: Pick<AcquireState, "ids" | "inherit">,
): Promise<void> {
  const id = state.ids.get(step.target);
  if (!id) return;
  // Replaced by a new container (its configuration changed): that one keeps its anonymous volumes.
  const replaced = ctx.plan.steps.some((s) => s.id === `create:${step.target}`);
  if (replaced) state.inherit.set(step.target, inheritedMounts(ctx.observed.containers.find((c) => c.id === id)));
  await removeReplaced(ctx.runtime, id, replaced);
}
