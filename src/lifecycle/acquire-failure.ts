/**
 * What an acquire's failure tells the user: which plan step failed for which service, the
 * dependants it blocked, the service's last log lines, and whether the engine itself went away
 * meanwhile (which the rollback must know: see rollback.ts).
 */
import type { ProjectSpec } from "../compose/model.js";
import type { Runtime } from "../engine/runtime.js";
import { engineFailureOf } from "../engine/errors.js";
import { BerthError, internalError, isBerthError } from "../errors.js";
import { dependantsOf } from "../plan/graph.js";
import type { Plan, Step } from "../plan/plan.js";

/** Adds what a user needs to the error: which dependants it blocked and the service's last log lines. */
export async function describeFailure(
  error: unknown,
  engine: Runtime,
  spec: ProjectSpec,
  plan: Plan,
  ids: Map<string, string>,
  signal?: AbortSignal,
  step?: Step,
): Promise<BerthError> {
  if (signal?.aborted) {
    return new BerthError("ABORTED", "acquire was cancelled; everything it created is being removed", { cause: error });
  }
  // Engine calls throw BerthErrors (src/engine wraps them): anything else is a bug of berth's.
  if (!isBerthError(error)) return internalError(`acquire failed: ${(error as Error)?.message ?? String(error)}`, error);
  if (step && !error.details.service && !error.details.step) return stepFailure(error, step, engine);
  const service = error.details.service;
  if (service) {
    const blocked = dependantsOf(spec.services, service);
    const container = plan.steps.find((s) => s.service === service)?.target;
    const id = container ? ids.get(container) : undefined;
    const logTail = id ? await engine.logs(id, { tail: 50 }).catch(() => "") : "";
    error.details.blockedDependants = blocked;
    error.details.logTail = logTail;
  }
  return error;
}

/**
 * Signs that the engine itself may be stopping or restarting: unreachable, a step failing on its
 * lost state, or a container killed by SIGTERM/SIGKILL that berth did not send (dockerd stops every
 * container when it shuts down, while its API still answers).
 */
export function engineTroubleSeen(failure: BerthError): boolean {
  const killedFromOutside =
    isBerthError(failure, "SERVICE_FAILED") && (failure.details.exitCode === 143 || failure.details.exitCode === 137) && failure.details.oomKilled !== true;
  return failure.code === "ENGINE_UNREACHABLE" || failure.details.engineTrouble === true || killedFromOutside;
}

/**
 * An engine error names an object id at best: say which step of the plan failed, for which
 * service, and whether the engine itself went away meanwhile (restarted, crashed, overloaded).
 */
async function stepFailure(error: BerthError, step: Step, engine: Runtime): Promise<BerthError> {
  const answering = await engine.ping({ signal: AbortSignal.timeout(2000) }).then(
    () => true,
    () => false,
  );
  const kind = engineFailureOf(error);
  const engineTrouble = !answering || kind === "engine-gone" || kind === "engine-lost-state";
  const hint = engineTrouble
    ? `The engine stopped answering or lost state during the acquire (restarted or overloaded?); check it with \`docker info\` and try again.${error.hint ? ` ${error.hint}` : ""}`
    : error.hint;
  return new BerthError(error.code, `${step.kind} ${step.target}${step.service ? ` (service ${step.service})` : ""} failed: ${error.message}`, {
    hint,
    cause: error,
    problems: error.problems,
    details: { ...error.details, step: { kind: step.kind, target: step.target, service: step.service }, ...(engineTrouble ? { engineTrouble: true } : {}) },
  });
}
