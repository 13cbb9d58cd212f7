/**
 * Plan step create-container: one replica of a service, a stale orphan holding its name removed
 * first, then attached to the service's other networks.
 */
import { createResolvingConflicts } from "../../cleanup/conflicts.js";
import { containerRequest } from "../../plan/container-request.js";
import { networkName } from "../../plan/naming.js";
import type { Step } from "../../plan/plan.js";
import { projectNetworkKeys } from "../../plan/reconcile.js";
import { withInherited } from "../recreate.js";
import { retryEvents, type AcquireState, type StepContext } from "./context.js";

export async function createContainerStep(
  step: Step,
  ctx: Pick<StepContext, "runtime" | "spec" | "project" | "base" | "serviceHashes" | "emit">,
  state: Pick<AcquireState, "ids" | "created" | "inherit" | "inheriting">,
  signal: AbortSignal,
): Promise<void> {
  const { runtime, spec, project } = ctx;
  const service = spec.services[step.service!]!;
  const inherited = state.inherit.get(step.target);
  const req = withInherited(
    containerRequest({ project, spec, baseLabels: ctx.base, serviceHash: ctx.serviceHashes[service.name]! }, service, step.number!),
    inherited,
  );
  const id = await createResolvingConflicts(runtime, { kind: "container", name: req.name }, () => runtime.createContainer(req), {
    signal,
    onRetry: retryEvents(ctx, step.target),
  });
  state.ids.set(step.target, id);
  state.created.containers.push(id);
  if (inherited?.length) state.inheriting.add(id);
  // The first network is joined at creation (the request's `network`); the others here.
  for (const key of projectNetworkKeys({ ...spec, services: { [service.name]: service } }).slice(1)) {
    const attach = service.networks[key] ?? {};
    await runtime.connectNetwork(networkName(project, key, spec.networks[key]?.name), id, {
      aliases: [service.name, ...(attach.aliases ?? [])],
      ipv4Address: attach.ipv4_address,
    });
  }
}
