/** Swarm plan step create-network: one of the project's overlay networks, with berth's labels. */
import { networkLabels } from "../../labels.js";
import type { SwarmStep } from "../../plan/swarm-reconcile.js";
import type { SwarmStepContext } from "./context.js";

export async function createOverlayNetworkStep(step: SwarmStep, c: Pick<SwarmStepContext, "swarm" | "spec" | "baseLabels">): Promise<void> {
  const key = step.key!;
  const net = c.spec.networks[key];
  await c.swarm.createOverlayNetwork({
    name: step.target,
    labels: { ...(net?.labels ?? {}), ...networkLabels(c.baseLabels, key) },
    internal: net?.internal,
    subnet: net?.ipam?.config?.[0]?.subnet,
  });
}
