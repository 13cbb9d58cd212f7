/**
 * What the plan steps of one acquire share: fixed inputs (StepContext) and what the steps record
 * as they run (AcquireState), which the rollback and the read-back after the steps use.
 */
import type { ProjectSpec } from "../../compose/model.js";
import type { Runtime } from "../../engine/runtime.js";
import type { Labels, MountRequest } from "../../engine/types.js";
import type { EventListener } from "../../events.js";
import type { EventHub } from "../../health/event-hub.js";
import type { ReadinessSpec } from "../../health/probe-model.js";
import type { Plan, Step } from "../../plan/plan.js";
import type { Observed } from "../../plan/reconcile.js";
import type { ReadinessRecord } from "../health-report.js";

export interface StepContext {
  runtime: Runtime;
  /** The project's engine events, which readiness waits wake on. */
  hub: EventHub;
  project: string;
  spec: ProjectSpec;
  plan: Plan;
  /** What the engine held of the project before the plan ran. */
  observed: Observed;
  /** The labels everything this acquire creates carries (ownership, lifetime, config hash). */
  base: Labels;
  env: Record<string, string | undefined>;
  /** Per service, the hash of its configuration (a container label; a change recreates it). */
  serviceHashes: Record<string, string>;
  /** Per service, its readiness rule (probe-spec's readinessRules). */
  readiness: Record<string, ReadinessSpec>;
  /** Absolute deadline for the whole acquire (ms since epoch). */
  deadline: number;
  /** When the steps began (ms since epoch), for the elapsed time of ready events. */
  startedAt: number;
  emit: EventListener;
}

export interface AcquireState {
  /** What this acquire created: exactly what a rollback of a non-fresh project removes. */
  created: { containers: string[]; networks: string[] };
  /** Container name → id, for those observed and those created. */
  ids: Map<string, string>;
  /** Per recreated container: the anonymous volumes of the one it replaces, which it mounts. */
  inherit: Map<string, MountRequest[]>;
  /** Created containers that mount such volumes: a rollback removes them without their volumes. */
  inheriting: Set<string>;
  /** Containers whose readiness this acquire has seen pass. */
  proven: Map<string, ReadinessRecord>;
  /** The first plan step that failed, named in the error when the failure itself does not say. */
  failedStep?: Step;
}

export function newAcquireState(observed: Observed): AcquireState {
  return {
    created: { containers: [], networks: [] },
    ids: new Map(observed.containers.map((c) => [c.name, c.id])),
    inherit: new Map(),
    inheriting: new Set(),
    proven: new Map(),
  };
}

/** The onRetry callback of a step: a retry event naming the step's target. */
export function retryEvents(ctx: Pick<StepContext, "emit" | "project">, target: string): (attempt: number, cause: string) => void {
  return (attempt, cause) => ctx.emit({ type: "retry", project: ctx.project, target, attempt, cause, at: Date.now() });
}
