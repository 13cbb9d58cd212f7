/** Plan step start-container: started, a dynamic host port the engine handed out twice retried (start.ts). */
import type { Step } from "../../plan/plan.js";
import { startWithPortRetry } from "../start.js";
import { retryEvents, type AcquireState, type StepContext } from "./context.js";

export async function startContainerStep(
  step: Step,
  ctx: Pick<StepContext, "runtime" | "spec" | "project" | "emit">,
  state: Pick<AcquireState, "ids">,
): Promise<void> {
  const service = ctx.spec.services[step.service!]!;
  await startWithPortRetry(ctx.runtime, state.ids.get(step.target)!, step.target, service.ports, { onRetry: retryEvents(ctx, step.target) });
}
