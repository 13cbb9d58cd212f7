/**
 * Walks a Plan (one engine's or a swarm's): runs each step as soon as the steps it waits on are
 * done, with bounded concurrency for steps that change something (waits, `wait-ready`, do not
 * count). It makes no decisions; on the first failure it cancels what is still running and
 * rethrows, so the caller can roll back.
 */
import { internalError } from "../errors.js";
import type { Plan, PlanStep } from "../plan/plan.js";

export interface ExecuteOptions<S extends PlanStep = PlanStep> {
  signal?: AbortSignal;
  /** Max engine-mutating steps at once; waits do not count. */
  concurrency?: number;
  onBegin?: (step: S) => void;
  onDone?: (step: S, elapsedMs: number) => void;
  onFailed?: (step: S, error: unknown) => void;
}

export async function executePlan<S extends PlanStep>(
  plan: Plan<S>,
  run: (step: S, signal: AbortSignal) => Promise<void>,
  o: ExecuteOptions<S> = {},
): Promise<void> {
  const controller = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, controller.signal]) : controller.signal;
  const limit = o.concurrency ?? 6;
  const done = new Set<string>();
  const started = new Set<string>();
  const running = new Set<Promise<void>>();
  let mutating = 0;
  let failure: { error: unknown } | undefined;
  const known = new Set(plan.steps.map((s) => s.id));

  const ready = (s: S) => s.after.every((a) => done.has(a) || !known.has(a));

  return new Promise<void>((resolve, reject) => {
    const pump = () => {
      if (failure) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the step threw, passed on unchanged
        if (running.size === 0) reject(failure.error);
        return;
      }
      if (done.size === plan.steps.length) return resolve();
      for (const step of plan.steps) {
        if (started.has(step.id) || !ready(step)) continue;
        const isWait = step.kind === "wait-ready";
        if (!isWait && mutating >= limit) continue;
        started.add(step.id);
        if (!isWait) mutating++;
        const t0 = Date.now();
        o.onBegin?.(step);
        const p = run(step, signal)
          .then(
            () => {
              done.add(step.id);
              o.onDone?.(step, Date.now() - t0);
            },
            (error: unknown) => {
              if (!failure) {
                failure = { error };
                o.onFailed?.(step, error);
                controller.abort(error);
              }
            },
          )
          .finally(() => {
            if (!isWait) mutating--;
            running.delete(p);
            pump();
          });
        running.add(p);
      }
      if (running.size === 0 && done.size < plan.steps.length && !failure) {
        reject(internalError(`plan ${plan.project} is stuck: steps wait on each other`));
      }
    };
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the caller's own abort reason, as AbortSignal semantics require
    if (o.signal?.aborted) return reject(o.signal.reason);
    pump();
  });
}
