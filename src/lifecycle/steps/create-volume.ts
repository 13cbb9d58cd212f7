/** Plan step create-volume: a named volume of the project, with berth's labels. */
import { LABEL } from "../../labels.js";
import type { Step } from "../../plan/plan.js";
import type { StepContext } from "./context.js";

export async function createVolumeStep(step: Step, ctx: Pick<StepContext, "runtime" | "spec" | "base">): Promise<void> {
  const vol = ctx.spec.volumes[step.key!];
  await ctx.runtime.createVolume(
    step.target,
    { ...(vol?.labels ?? {}), ...ctx.base, [LABEL.volume]: step.key! },
    { driver: vol?.driver, driverOpts: vol?.driver_opts },
  );
}
