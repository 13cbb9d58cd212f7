/**
 * What the plan steps of one swarm deploy share: fixed inputs (SwarmStepContext) and what the
 * steps record as they run (SwarmDeployState). The swarm counterpart of lifecycle/steps/context.ts.
 */
import type { ProjectSpec } from "../../compose/model.js";
import type { Labels } from "../../engine/types.js";
import type { EventListener } from "../../events.js";
import type { FileObjectKind, FileObjects } from "../file-objects.js";
import type { SwarmRuntime } from "../runtime.js";

export interface SwarmStepContext {
  swarm: SwarmRuntime;
  spec: ProjectSpec;
  project: string;
  /** The labels everything this deploy creates carries (ownership, lifetime, platform, stack). */
  baseLabels: Labels;
  env: Record<string, string | undefined>;
  /** Virtual IPs and the ingress mesh instead of dnsrr and host-mode ports (BERTH_SWARM_ROUTING_MESH=1). */
  routingMesh: boolean;
  emit: EventListener;
  /** When the deploy began: tasks from then on count, and `ready` events say how long after it. */
  startedAt: number;
  /** Absolute deadline for the whole deploy (ms since epoch). */
  deadline: number;
}

export interface SwarmDeployState {
  /** Compose service name → the swarm service created for it. */
  services: Map<string, string>;
  /** Secrets and configs by key: the external ones found before the plan ran, then those the steps create. */
  objects: Record<FileObjectKind, FileObjects>;
}

export function newSwarmDeployState(external: Record<FileObjectKind, FileObjects>): SwarmDeployState {
  return { services: new Map(), objects: { secret: { ...external.secret }, config: { ...external.config } } };
}
