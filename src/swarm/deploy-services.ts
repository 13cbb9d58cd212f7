/**
 * The creating part of `up --on swarm`: the project's overlay networks, then its services level
 * by level of the dependency graph, each level created once the previous one is ready.
 */
import type { ProjectSpec } from "../compose/model.js";
import type { Swarm } from "../engine/swarm.js";
import type { Labels } from "../engine/types.js";
import { isBerthError } from "../errors.js";
import type { EventListener } from "../events.js";
import { networkLabels } from "../labels.js";
import { stepRef, timedStep, type StepEvents } from "../lifecycle/step-events.js";
import { dependantsOf } from "../plan/graph.js";
import { networkName } from "../plan/naming.js";
import { projectNetworkKeys } from "../plan/reconcile.js";
import { swarmObjectName } from "./labels.js";
import { waitServiceReady } from "./readiness.js";
import { swarmServiceRequest, type SwarmRequestContext } from "./service-request.js";

export interface DeployContext {
  swarm: Swarm;
  spec: ProjectSpec;
  project: string;
  baseLabels: Labels;
  steps: StepEvents;
  emit: EventListener;
  /** When the deploy began: tasks from then on count, and `ready` events say how long after it. */
  startedAt: number;
  deadline: number;
  signal?: AbortSignal;
}

export async function createOverlayNetworks(c: DeployContext): Promise<void> {
  for (const key of projectNetworkKeys(c.spec)) {
    const net = c.spec.networks[key];
    if (net?.external) continue;
    const name = networkName(c.project, key, net?.name);
    await timedStep(c.steps, stepRef("create-network", name), () =>
      c.swarm.createOverlayNetwork(
        { name, labels: { ...(net?.labels ?? {}), ...networkLabels(c.baseLabels, key) }, internal: net?.internal, subnet: net?.ipam?.config?.[0]?.subnet },
        c.signal,
      ),
    );
  }
}

/** Creates each level's services, then waits until every one of them is ready (`ready` events). */
export async function deployServiceLevels(c: DeployContext, levels: string[][], request: SwarmRequestContext): Promise<void> {
  for (const level of levels) {
    const ids = new Map<string, string>();
    for (const name of level) {
      c.signal?.throwIfAborted();
      const req = swarmServiceRequest(request, c.spec.services[name]!);
      ids.set(name, await timedStep(c.steps, stepRef("create-service", req.name, name), () => c.swarm.createService(req, c.signal)));
    }
    await Promise.all(level.map((name) => waitReady(c, name, ids.get(name)!)));
  }
}

async function waitReady(c: DeployContext, name: string, serviceId: string): Promise<void> {
  const t0 = c.startedAt;
  const service = c.spec.services[name]!;
  try {
    const r = await timedStep(c.steps, stepRef("wait-ready", name, name), () =>
      waitServiceReady({
        swarm: c.swarm,
        serviceId,
        service: name,
        replicas: service.deploy?.mode === "global" ? undefined : service.scale,
        since: t0,
        deadline: c.deadline,
        signal: c.signal,
      }),
    );
    const tasks = `${r.running.length} task${r.running.length === 1 ? "" : "s"}`;
    c.emit({
      type: "ready",
      project: c.project,
      service: name,
      container: `${swarmObjectName(c.project, name)} (${tasks})`,
      via: "swarm",
      at: r.readyAt,
      elapsedMs: r.readyAt - t0,
    });
  } catch (error) {
    if (isBerthError(error)) error.details.blockedDependants = dependantsOf(c.spec.services, name);
    throw error;
  }
}
