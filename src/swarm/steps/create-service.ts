/** Swarm plan step create-service: the compose service as a swarm service, using the secrets and configs made or found for it. */
import type { SwarmStep } from "../../plan/swarm-reconcile.js";
import { swarmServiceRequest } from "../service-request.js";
import type { SwarmDeployState, SwarmStepContext } from "./context.js";

export async function createServiceStep(
  step: SwarmStep,
  c: Pick<SwarmStepContext, "swarm" | "spec" | "project" | "baseLabels" | "routingMesh">,
  state: SwarmDeployState,
): Promise<void> {
  const service = c.spec.services[step.service!]!;
  const req = swarmServiceRequest(
    { project: c.project, spec: c.spec, baseLabels: c.baseLabels, secrets: state.objects.secret, configs: state.objects.config, routingMesh: c.routingMesh },
    service,
  );
  state.services.set(service.name, await c.swarm.createService(req));
}
