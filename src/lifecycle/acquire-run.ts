/**
 * The part of acquire that changes the engine: the plan's steps through their handlers (steps/),
 * then `finish` (the read-back), run by run-plan.ts; on any failure (a cancel included) the
 * failure is described and, unless kept on purpose, everything this acquire created is removed
 * before the error is thrown.
 */
import type { BerthError } from "../errors.js";
import { releaseFrom } from "./release.js";
import { describeFailure, engineTroubleSeen } from "./acquire-failure.js";
import { ignoreGone, nothingLeft, rollBack, rollBackFailedAcquire } from "./rollback.js";
import { runPlan } from "./run-plan.js";
import { runStep } from "./steps/index.js";
import type { AcquireState, StepContext } from "./steps/context.js";

export interface RunOptions {
  signal?: AbortSignal;
  /** The project had nothing before this acquire: a rollback removes the whole project, not only what was created. */
  fresh: boolean;
  /** Keep what was created when acquire fails, for debugging. */
  keepOnFailure?: boolean;
  /** With keepOnFailure: called once the failure is described (a detached acquire settles what it keeps). */
  onKept?: () => Promise<void>;
  /** Called when the rollback removed everything this acquire created. */
  onRolledBack?: () => void;
}

export function runAcquirePlan<T>(ctx: StepContext, state: AcquireState, o: RunOptions, finish: () => Promise<T>): Promise<T> {
  return runPlan(
    {
      plan: ctx.plan,
      emit: ctx.emit,
      signal: o.signal,
      step: (step, stepSignal) => runStep(step, ctx, state, stepSignal),
      describe: (error, failed) => {
        state.failedStep ??= failed;
        return describeFailure(error, ctx.runtime, ctx.spec, ctx.plan, state.ids, o.signal, state.failedStep);
      },
      keepOnFailure: o.keepOnFailure,
      onKept: o.onKept,
      undo: (failure) => undo(failure, ctx, state, o),
    },
    finish,
  );
}

/** Removes what the acquire created, by the rollback policy both runtimes share (rollback.ts). */
function undo(failure: BerthError, ctx: StepContext, state: AcquireState, o: RunOptions): Promise<void> {
  const { runtime, project, emit, hub } = ctx;
  const { created } = state;
  return rollBackFailedAcquire(failure, {
    project,
    emit,
    reaper: { done: () => o.onRolledBack?.() },
    downCommand: `berth down ${project}`,
    remove: () =>
      rollBack(
        async () => {
          if (o.fresh) await releaseFrom(runtime, project, { onEvent: emit });
          else {
            await Promise.all(
              created.containers.map((id) => runtime.removeContainer(id, { force: true, volumes: !state.inheriting.has(id) }).catch(ignoreGone)),
            );
            await Promise.all(created.networks.map((id) => runtime.removeNetwork(id).catch(ignoreGone)));
          }
        },
        // After engine trouble, removals made while dockerd was going down can come back when it
        // starts again (its store was closing): the project must stay gone for a few seconds.
        // Asked after the first attempt: a request refused by a stopping engine can fail the
        // acquire a moment before its event stream closes.
        {
          needed: () => engineTroubleSeen(failure) || hub.engineLost,
          staysGone: () => nothingLeft(runtime, project, o.fresh ? undefined : created),
          engineLost: () => hub.engineLost,
          answering: () =>
            runtime.ping({ signal: AbortSignal.timeout(2000) }).then(
              () => true,
              () => false,
            ),
        },
      ),
  });
}
