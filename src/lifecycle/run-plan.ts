/**
 * Running a plan the way every acquire does, on one engine or on a swarm: each step between its
 * `step` events (begin, done or failed), then `finish`; on any failure (a cancel included) the
 * failure is described and, unless kept on purpose, what the run created is removed (the caller's
 * `undo`, which applies the shared rollback policy of rollback.ts) before the error is thrown.
 */
import type { BerthError } from "../errors.js";
import type { EventListener } from "../events.js";
import type { Plan, PlanStep } from "../plan/plan.js";
import { executePlan } from "./executor.js";
import { stepEvents } from "./step-events.js";

export interface PlanRun<S extends PlanStep> {
  plan: Plan<S>;
  emit: EventListener;
  signal?: AbortSignal;
  /** Runs one step (the runtime's step handler). */
  step: (step: S, signal: AbortSignal) => Promise<void>;
  /** The error the caller sees; `failed` is the first step that failed (undefined when the failure came after the steps). */
  describe: (error: unknown, failed: S | undefined) => Promise<BerthError>;
  /** Keep what was created, for debugging: nothing is undone. */
  keepOnFailure?: boolean;
  /** With keepOnFailure: called once the failure is described (a detached acquire settles what it keeps). */
  onKept?: () => Promise<void>;
  /** Removes what the run created. */
  undo: (failure: BerthError) => Promise<void>;
}

export async function runPlan<S extends PlanStep, T>(r: PlanRun<S>, finish: () => Promise<T>): Promise<T> {
  const steps = stepEvents(r.emit, r.plan.project);
  let failed: S | undefined;
  try {
    await executePlan(r.plan, r.step, {
      signal: r.signal,
      onBegin: steps.begin,
      onDone: steps.done,
      onFailed: (s, e) => {
        failed ??= s;
        steps.failed(s, e);
      },
    });
    return await finish();
  } catch (error) {
    const failure = await r.describe(error, failed);
    if (r.keepOnFailure) await r.onKept?.().catch(() => undefined);
    else await r.undo(failure);
    throw failure;
  }
}
