/** Plan step create-network: the environment network on a free subnet, a stale orphan holding its name removed first. */
import { createResolvingConflicts } from "../../cleanup/conflicts.js";
import { networkLabels } from "../../labels.js";
import { createEnvironmentNetwork } from "../../networks/create-network.js";
import { networkName } from "../../plan/naming.js";
import type { Step } from "../../plan/plan.js";
import { serviceNetworkKeys } from "../../plan/reconcile.js";
import { retryEvents, type AcquireState, type StepContext } from "./context.js";

export async function createNetworkStep(
  step: Step,
  ctx: Pick<StepContext, "runtime" | "spec" | "project" | "base" | "env" | "emit">,
  created: AcquireState["created"],
  signal: AbortSignal,
): Promise<void> {
  const { runtime, spec, project } = ctx;
  const key = step.key!;
  const net = spec.networks[key];
  // Sizes the subnet: every replica of every service on this network.
  const containers = Object.values(spec.services)
    .filter((s) => serviceNetworkKeys(s).includes(key))
    .reduce((n, s) => n + s.scale, 0);
  const name = networkName(project, key, net?.name);
  const onRetry = retryEvents(ctx, step.target);
  const { id } = await createResolvingConflicts(
    runtime,
    { kind: "network", name },
    () =>
      createEnvironmentNetwork(runtime, {
        name,
        labels: { ...(net?.labels ?? {}), ...networkLabels(ctx.base, key) },
        spec: net,
        containers,
        env: ctx.env,
        onRetry,
      }),
    { signal, onRetry },
  );
  created.networks.push(id);
}
