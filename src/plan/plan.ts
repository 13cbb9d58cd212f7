/**
 * A Plan is data: the steps to bring the engine (or a swarm) from what it has to what the project
 * asks for, each with the steps it waits on and the reason it exists. One engine's plans come from
 * reconcile.ts, a swarm's from swarm-reconcile.ts; lifecycle/executor.ts runs either. Plans are
 * rendered as plain text for tests and diagnostics (there is no `up --dry-run` yet; `clean
 * --dry-run` lists cleanup items, not a Plan).
 */

/** What the executor and the step events need of a step, on either runtime. */
export interface PlanStep {
  /** Unique within the plan, e.g. `create:shop-db-1`. */
  id: string;
  kind: string;
  /** The engine (or swarm) object's name. */
  target: string;
  service?: string;
  /** Ids of steps that must finish first. */
  after: string[];
  reason: string;
}

export type StepKind = "create-network" | "create-volume" | "create-container" | "remove-container" | "start-container" | "wait-ready";

/** What "ready" means for a container: healthy (or running when it has no healthcheck), or exited 0. */
export type ReadyMode = "healthy" | "completed";

/** A step of one engine's plan. */
export interface Step extends PlanStep {
  kind: StepKind;
  number?: number;
  /** Network or volume key in the project model. */
  key?: string;
  ready?: ReadyMode;
}

export interface Plan<S extends PlanStep = Step> {
  project: string;
  steps: S[];
}

export function renderPlan(plan: Plan<PlanStep & { ready?: ReadyMode }>): string {
  return plan.steps
    .map((s) => {
      const after = s.after.length ? ` [after ${s.after.join(", ")}]` : "";
      const mode = s.ready ? ` (${s.ready})` : "";
      return `${s.kind} ${s.target}${mode}${after}: ${s.reason}`;
    })
    .join("\n");
}
