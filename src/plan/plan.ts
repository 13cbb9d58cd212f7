/**
 * A Plan is data: the steps to bring the engine from what it has (Observed) to what the project
 * asks for, each with the steps it waits on and the reason it exists. Plans are rendered as plain
 * text for tests and diagnostics (there is no `up --dry-run` yet; `clean --dry-run` lists cleanup items, not a Plan).
 */

export type StepKind = "create-network" | "create-volume" | "create-container" | "remove-container" | "start-container" | "wait-ready";

/** What "ready" means for a container: healthy (or running when it has no healthcheck), or exited 0. */
export type ReadyMode = "healthy" | "completed";

export interface Step {
  id: string;
  kind: StepKind;
  /** The engine object's name. */
  target: string;
  service?: string;
  number?: number;
  /** Network or volume key in the project model. */
  key?: string;
  ready?: ReadyMode;
  /** Ids of steps that must finish first. */
  after: string[];
  reason: string;
}

export interface Plan {
  project: string;
  steps: Step[];
}

export function renderPlan(plan: Plan): string {
  return plan.steps
    .map((s) => {
      const after = s.after.length ? ` [after ${s.after.join(", ")}]` : "";
      const mode = s.ready ? ` (${s.ready})` : "";
      return `${s.kind} ${s.target}${mode}${after}: ${s.reason}`;
    })
    .join("\n");
}
